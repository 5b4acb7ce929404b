//! Injected latency and faults on the WeChat API (never on the admin API or consent pages),
//! deterministic by seed so a failing run repeats.

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use rand::{RngExt, SeedableRng};
use serde::{Deserialize, Serialize};

use crate::config::SimConfig;
use crate::{Sim, WxError};

/// What can go wrong with a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Fault {
    /// `{"errcode": -1, "errmsg": "system error"}`.
    SystemError,
    /// `45009` daily quota.
    Quota,
    /// HTTP 502 from WeChat's front end.
    BadGateway,
}

/// The current latency and fault settings.
#[derive(Debug)]
pub struct FaultPlan {
    /// Added to every API call, in milliseconds.
    pub latency_ms: u64,
    /// Share of calls that fail.
    pub rate: f64,
    /// Which faults a random failure picks from.
    pub kinds: Vec<Fault>,
    rng: rand::rngs::StdRng,
}

impl FaultPlan {
    /// The plan `config` asks for.
    pub fn from_config(config: &SimConfig) -> Self {
        FaultPlan {
            latency_ms: config.latency_ms,
            rate: config.fault_rate,
            kinds: vec![Fault::SystemError, Fault::Quota, Fault::BadGateway],
            rng: rand::rngs::StdRng::seed_from_u64(config.seed),
        }
    }

    fn draw(&mut self) -> Option<Fault> {
        if self.rate <= 0.0 || self.kinds.is_empty() || self.rng.random::<f64>() >= self.rate {
            return None;
        }
        let i = self.rng.random_range(0..self.kinds.len());
        Some(self.kinds[i])
    }
}

/// The middleware: wait the latency, then maybe answer with a fault instead of the endpoint.
pub async fn inject(State(sim): State<Sim>, request: Request, next: Next) -> Response {
    let (latency, fault) = {
        let mut plan = sim.faults().lock().unwrap_or_else(|p| p.into_inner());
        (plan.latency_ms, plan.draw())
    };
    if latency > 0 {
        tokio::time::sleep(std::time::Duration::from_millis(latency)).await;
    }
    match fault {
        None => next.run(request).await,
        Some(Fault::SystemError) => WxError::system().into_response(),
        Some(Fault::Quota) => WxError::daily_quota().into_response(),
        Some(Fault::BadGateway) => (axum::http::StatusCode::BAD_GATEWAY, "502 Bad Gateway").into_response(),
    }
}
