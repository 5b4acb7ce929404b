//! One action over many mini programs: each one's result, in the order given, with bounded
//! concurrency; a failure is reported and the batch goes on.

use std::future::Future;

use futures::StreamExt;
use serde::Serialize;

use crate::error::{Problem, Result};

/// Calls in flight at once in a batch: WeChat limits per mini program, not per platform, but a
/// desktop line and the egress proxy are shared.
pub const CONCURRENCY: usize = 4;

/// One mini program's result in a batch.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AppResult<T> {
    /// The mini program.
    pub appid: String,
    /// What the action returned, when it succeeded.
    pub value: Option<T>,
    /// Why it failed (with WeChat's errcode, meaning and remedy), when it did.
    pub error: Option<Problem>,
}

impl<T> AppResult<T> {
    /// Whether the action succeeded for this mini program.
    pub fn is_ok(&self) -> bool {
        self.error.is_none()
    }
}

/// The results of a batch, one per mini program, in the order given.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct BatchReport<T> {
    /// Each mini program's result.
    pub results: Vec<AppResult<T>>,
    /// How many succeeded.
    pub succeeded: u32,
    /// How many failed.
    pub failed: u32,
}

impl<T> BatchReport<T> {
    /// The result of `appid`.
    pub fn get(&self, appid: &str) -> Option<&AppResult<T>> {
        self.results.iter().find(|r| r.appid == appid)
    }
}

/// Runs `action` for every distinct appid (first occurrence order), [`CONCURRENCY`] at a time.
pub(crate) async fn for_each<T, F, Fut>(appids: &[String], action: F) -> BatchReport<T>
where
    F: Fn(String) -> Fut,
    Fut: Future<Output = Result<T>>,
{
    let mut distinct: Vec<String> = Vec::with_capacity(appids.len());
    for appid in appids.iter().map(|a| a.trim()).filter(|a| !a.is_empty()) {
        if !distinct.iter().any(|d| d == appid) {
            distinct.push(appid.to_owned());
        }
    }
    let results: Vec<AppResult<T>> = futures::stream::iter(distinct)
        .map(|appid| {
            let run = action(appid.clone());
            async move {
                match run.await {
                    Ok(value) => AppResult { appid, value: Some(value), error: None },
                    Err(e) => AppResult { appid, value: None, error: Some(e.problem()) },
                }
            }
        })
        .buffered(CONCURRENCY)
        .collect()
        .await;
    let failed = results.iter().filter(|r| !r.is_ok()).count() as u32;
    BatchReport { succeeded: results.len() as u32 - failed, failed, results }
}
