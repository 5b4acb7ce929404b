//! Injected latency and faults on the WeChat API (never on the admin API or consent pages),
//! deterministic by seed so a failing run repeats.
//!
//! Each call of path `P` is decided in this order: the first scripted fault for `P` with calls left
//! (`next N calls of P answer X`); then `P`'s own plan if it has one, else the global plan — a
//! latency (fixed, or uniform between a minimum and a maximum) and a fault drawn at the plan's rate
//! among its kinds. Draws come from generators seeded by the config's seed (one for faults, one for
//! latency), so the same sequence of calls meets the same faults.

use std::collections::{BTreeMap, VecDeque};
use std::fmt;
use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use rand::{RngExt, SeedableRng};
use serde::{Deserialize, Serialize};

use crate::config::SimConfig;
use crate::{Sim, WxError};

/// What can go wrong with a call.
///
/// In JSON a fault is an errcode (`-1`, `45009`, `40001`, `42001`, `61039`, or any other), a name
/// (`system_error`, `quota`, `invalid_credential`, `token_expired`, `privacy_scan_pending`), an HTTP
/// status (`http_502`, `http_503`, …; `5xx` means 502), or `timeout`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// `{"errcode": N, "errmsg": …}` with WeChat's wording when known.
    Errcode(i64),
    /// An HTTP error status from WeChat's front end, with a plain-text body.
    Http(u16),
    /// The request is held open (much longer than any client waits), then dropped with 504.
    Timeout,
}

impl Fault {
    /// `-1 system error`.
    pub const SYSTEM_ERROR: Fault = Fault::Errcode(-1);

    fn parse(text: &str) -> Result<Fault, String> {
        let text = text.trim();
        if let Ok(code) = text.parse::<i64>() {
            return Ok(Fault::Errcode(code));
        }
        Ok(match text {
            "system_error" => Fault::Errcode(-1),
            "quota" => Fault::Errcode(45009),
            "invalid_credential" => Fault::Errcode(40001),
            "token_expired" => Fault::Errcode(42001),
            "privacy_scan_pending" => Fault::Errcode(61039),
            "5xx" | "http_5xx" | "bad_gateway" => Fault::Http(502),
            "service_unavailable" => Fault::Http(503),
            "timeout" => Fault::Timeout,
            other => match other.strip_prefix("http_").and_then(|s| s.parse::<u16>().ok()) {
                Some(status) if (400..600).contains(&status) => Fault::Http(status),
                _ => return Err(format!("unknown fault {other:?}")),
            },
        })
    }

    /// The error answer of an errcode fault.
    fn error(code: i64) -> WxError {
        match code {
            -1 => WxError::system(),
            40001 => WxError::invalid_credential(),
            42001 => WxError::token_expired(),
            45009 => WxError::daily_quota(),
            // No English errmsg is published for 61039; this says what the Chinese one says.
            61039 => WxError::new(61039, "privacy api check task is not finished, please retry after a minute"),
            other => WxError::new(other, wechat::errcode::explain(other).map_or("injected fault", |e| e.meaning_en)),
        }
    }
}

impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Fault::Errcode(code) => write!(f, "{code}"),
            Fault::Http(status) => write!(f, "http_{status}"),
            Fault::Timeout => f.write_str("timeout"),
        }
    }
}

impl Serialize for Fault {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Fault::Errcode(code) => s.serialize_i64(*code),
            other => s.collect_str(other),
        }
    }
}

impl<'de> Deserialize<'de> for Fault {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Code(i64),
            Name(String),
        }
        match Raw::deserialize(d)? {
            Raw::Code(code) => Ok(Fault::Errcode(code)),
            Raw::Name(name) => Fault::parse(&name).map_err(serde::de::Error::custom),
        }
    }
}

/// Latency and random faults of the whole API or of one path.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Plan {
    /// Added to each call, in milliseconds (the minimum when `latency_max_ms` is set).
    pub latency_ms: u64,
    /// Draw each call's latency uniformly from `latency_ms..=latency_max_ms`.
    pub latency_max_ms: Option<u64>,
    /// Share of calls (0.0–1.0) that fail.
    pub rate: f64,
    /// The faults a failing call picks from, uniformly.
    pub kinds: Vec<Fault>,
}

impl Default for Plan {
    fn default() -> Self {
        Plan { latency_ms: 0, latency_max_ms: None, rate: 0.0, kinds: default_kinds() }
    }
}

fn default_kinds() -> Vec<Fault> {
    vec![Fault::SYSTEM_ERROR, Fault::Errcode(45009), Fault::Http(502)]
}

/// `next count calls of path answer fault`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScriptedFault {
    /// The API path, e.g. `/wxa/submit_audit`.
    pub path: String,
    /// What those calls answer.
    pub fault: Fault,
    /// How many calls are left.
    pub count: u32,
}

/// A change to the plan (`POST /admin/faults`): each field given replaces the current one.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaultUpdate {
    /// Global fixed (or minimum) latency.
    pub latency_ms: Option<u64>,
    /// Global maximum latency (`0` turns the distribution off).
    pub latency_max_ms: Option<u64>,
    /// Global fault rate.
    pub rate: Option<f64>,
    /// Global fault kinds.
    pub kinds: Option<Vec<Fault>>,
    /// Replaces the script.
    pub script: Option<Vec<ScriptedFault>>,
    /// Replaces the per-path plans.
    pub per_path: Option<BTreeMap<String, Plan>>,
    /// Re-seeds both generators.
    pub seed: Option<u64>,
}

/// What one call meets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decision {
    /// Wait this long first.
    pub latency: Duration,
    /// Then answer this instead of the endpoint.
    pub fault: Option<Fault>,
}

/// The current latency and fault settings.
#[derive(Debug)]
pub struct FaultPlan {
    /// For every path without its own plan.
    pub global: Plan,
    /// Plans of single paths.
    pub per_path: BTreeMap<String, Plan>,
    /// Scripted faults, consumed in order.
    pub script: VecDeque<ScriptedFault>,
    /// How long a `timeout` fault holds a request.
    pub timeout_hold: Duration,
    fault_rng: rand::rngs::StdRng,
    latency_rng: rand::rngs::StdRng,
}

/// Keeps the latency draws apart from the fault draws, so that turning latency on does not change
/// which calls fail.
const LATENCY_SEED_SALT: u64 = 0x6c61_7465_6e63_7921;

impl FaultPlan {
    /// The plan `config` asks for.
    pub fn from_config(config: &SimConfig) -> Self {
        FaultPlan {
            global: Plan {
                latency_ms: config.latency_ms,
                latency_max_ms: config.latency_max_ms,
                rate: config.fault_rate,
                kinds: default_kinds(),
            },
            per_path: BTreeMap::new(),
            script: VecDeque::new(),
            timeout_hold: Duration::from_millis(config.fault_timeout_hold_ms),
            fault_rng: rand::rngs::StdRng::seed_from_u64(config.seed),
            latency_rng: rand::rngs::StdRng::seed_from_u64(config.seed ^ LATENCY_SEED_SALT),
        }
    }

    /// Applies a change; `Err` names an invalid field (nothing is changed then).
    pub fn update(&mut self, update: FaultUpdate) -> Result<(), String> {
        if let Some(rate) = update.rate {
            if !(0.0..=1.0).contains(&rate) {
                return Err(format!("rate must be between 0 and 1, not {rate}"));
            }
        }
        for (path, plan) in update.per_path.iter().flatten() {
            if !(0.0..=1.0).contains(&plan.rate) {
                return Err(format!("per_path[{path}].rate must be between 0 and 1"));
            }
        }
        if let Some(latency_ms) = update.latency_ms {
            self.global.latency_ms = latency_ms;
        }
        if let Some(max) = update.latency_max_ms {
            self.global.latency_max_ms = Some(max).filter(|&m| m > 0);
        }
        if let Some(rate) = update.rate {
            self.global.rate = rate;
        }
        if let Some(kinds) = update.kinds {
            self.global.kinds = kinds;
        }
        if let Some(script) = update.script {
            self.script = script.into();
        }
        if let Some(per_path) = update.per_path {
            self.per_path = per_path;
        }
        if let Some(seed) = update.seed {
            self.fault_rng = rand::rngs::StdRng::seed_from_u64(seed);
            self.latency_rng = rand::rngs::StdRng::seed_from_u64(seed ^ LATENCY_SEED_SALT);
        }
        Ok(())
    }

    /// Decides what the next call of `path` meets.
    pub fn decide(&mut self, path: &str) -> Decision {
        let plan = self.per_path.get(path).unwrap_or(&self.global);
        let latency_ms = match plan.latency_max_ms {
            Some(max) if max > plan.latency_ms => self.latency_rng.random_range(plan.latency_ms..=max),
            _ => plan.latency_ms,
        };
        let latency = Duration::from_millis(latency_ms);
        if let Some(i) = self.script.iter().position(|s| s.path == path && s.count > 0) {
            let fault = self.script[i].fault;
            self.script[i].count -= 1;
            if self.script[i].count == 0 {
                self.script.remove(i);
            }
            return Decision { latency, fault: Some(fault) };
        }
        let plan = self.per_path.get(path).unwrap_or(&self.global);
        let fault = if plan.rate > 0.0 && !plan.kinds.is_empty() && self.fault_rng.random::<f64>() < plan.rate {
            Some(plan.kinds[self.fault_rng.random_range(0..plan.kinds.len())])
        } else {
            None
        };
        Decision { latency, fault }
    }

    /// The settings as `/admin/faults` and `/admin/state` show them.
    pub fn view(&self) -> serde_json::Value {
        serde_json::json!({
            "latency_ms": self.global.latency_ms,
            "latency_max_ms": self.global.latency_max_ms,
            "rate": self.global.rate,
            "kinds": self.global.kinds,
            "per_path": self.per_path,
            "script": self.script,
            "timeout_hold_ms": u64::try_from(self.timeout_hold.as_millis()).unwrap_or(u64::MAX),
        })
    }
}

/// The middleware: wait the latency, then maybe answer with a fault instead of the endpoint.
pub async fn inject(State(sim): State<Sim>, request: Request, next: Next) -> Response {
    let (decision, hold) = {
        let mut plan = sim.faults().lock().unwrap_or_else(|p| p.into_inner());
        (plan.decide(request.uri().path()), plan.timeout_hold)
    };
    if !decision.latency.is_zero() {
        tokio::time::sleep(decision.latency).await;
    }
    match decision.fault {
        None => next.run(request).await,
        Some(Fault::Errcode(code)) => Fault::error(code).into_response(),
        Some(Fault::Http(status)) => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_GATEWAY);
            (status, format!("{} {}", status.as_u16(), status.canonical_reason().unwrap_or("Error"))).into_response()
        }
        Some(Fault::Timeout) => {
            // Held on a timer, not a thread: other requests go on being served meanwhile.
            tokio::select! {
                () = tokio::time::sleep(hold) => {}
                () = sim.stopping() => {}
            }
            (StatusCode::GATEWAY_TIMEOUT, "504 Gateway Time-out").into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(seed: u64, rate: f64) -> FaultPlan {
        FaultPlan::from_config(&SimConfig { seed, fault_rate: rate, ..SimConfig::default() })
    }

    #[test]
    fn the_same_seed_fails_the_same_calls() {
        let draws = |seed| {
            let mut p = plan(seed, 0.3);
            (0..200).map(|_| p.decide("/wxa/commit").fault).collect::<Vec<_>>()
        };
        assert_eq!(draws(7), draws(7));
        assert_ne!(draws(7), draws(8));
        let failures = draws(7).iter().filter(|f| f.is_some()).count();
        assert!((30..90).contains(&failures), "about 30% of 200, got {failures}");
    }

    #[test]
    fn scripts_come_first_and_run_out() {
        let mut p = plan(1, 0.0);
        p.update(FaultUpdate {
            script: Some(vec![ScriptedFault { path: "/wxa/commit".into(), fault: Fault::Timeout, count: 2 }]),
            ..FaultUpdate::default()
        })
        .unwrap();
        assert_eq!(p.decide("/wxa/release").fault, None);
        assert_eq!(p.decide("/wxa/commit").fault, Some(Fault::Timeout));
        assert_eq!(p.decide("/wxa/commit").fault, Some(Fault::Timeout));
        assert_eq!(p.decide("/wxa/commit").fault, None);
    }

    #[test]
    fn latency_is_fixed_or_drawn_within_bounds_and_per_path_wins() {
        let mut p = plan(1, 0.0);
        p.update(FaultUpdate { latency_ms: Some(5), ..FaultUpdate::default() }).unwrap();
        assert_eq!(p.decide("/a").latency, Duration::from_millis(5));
        p.update(FaultUpdate { latency_max_ms: Some(9), ..FaultUpdate::default() }).unwrap();
        for _ in 0..100 {
            let ms = p.decide("/a").latency.as_millis();
            assert!((5..=9).contains(&ms));
        }
        let mut per_path = BTreeMap::new();
        per_path.insert("/b".to_owned(), Plan { rate: 1.0, kinds: vec![Fault::Http(503)], ..Plan::default() });
        p.update(FaultUpdate { per_path: Some(per_path), ..FaultUpdate::default() }).unwrap();
        assert_eq!(p.decide("/b"), Decision { latency: Duration::ZERO, fault: Some(Fault::Http(503)) });
    }

    #[test]
    fn faults_read_as_codes_names_and_statuses() {
        let kinds: Vec<Fault> = serde_json::from_str(r#"[-1, 45009, "token_expired", "http_503", "5xx", "timeout"]"#).unwrap();
        assert_eq!(
            kinds,
            vec![Fault::Errcode(-1), Fault::Errcode(45009), Fault::Errcode(42001), Fault::Http(503), Fault::Http(502), Fault::Timeout]
        );
        assert_eq!(serde_json::to_string(&kinds).unwrap(), r#"[-1,45009,42001,"http_503","http_502","timeout"]"#);
        assert!(serde_json::from_str::<Fault>(r#""explode""#).is_err());
    }
}
