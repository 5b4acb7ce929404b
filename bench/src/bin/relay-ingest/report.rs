//! One JSON line per run, and the table with the ratios to the ceiling.

use std::fmt::Write as _;
use std::path::Path;
use std::time::Duration;

use serde_json::{json, Value};

use crate::load::Outcome;

/// One run's figures.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    /// What was measured.
    pub label: String,
    /// Pushes per second asked for; 0 = unthrottled.
    pub rate: u32,
    /// Keep-alive connections.
    pub connections: usize,
    /// The run's length, seconds.
    pub duration_s: f64,
    /// Answered `success`.
    pub ok: usize,
    /// Not answered `success`.
    pub errors: usize,
    /// The first error.
    pub first_error: Option<String>,
    /// `ok` per second, from the start to the last answer.
    pub throughput: f64,
    /// Latency percentiles to the `success`, milliseconds.
    pub p50_ms: f64,
    /// 90th percentile.
    pub p90_ms: f64,
    /// 99th percentile.
    pub p99_ms: f64,
    /// 99.9th percentile.
    pub p999_ms: f64,
    /// The slowest.
    pub max_ms: f64,
}

impl Line {
    /// Summarises `outcome`.
    pub fn new(label: &str, rate: u32, connections: usize, duration: Duration, mut outcome: Outcome) -> Line {
        outcome.latencies_us.sort_unstable();
        let pct = |q: f64| percentile(&outcome.latencies_us, q);
        let elapsed = outcome.elapsed.as_secs_f64();
        Line {
            label: label.to_owned(),
            rate,
            connections,
            duration_s: duration.as_secs_f64(),
            ok: outcome.ok,
            errors: outcome.errors,
            first_error: outcome.first_error,
            throughput: if elapsed > 0.0 { outcome.ok as f64 / elapsed } else { 0.0 },
            p50_ms: pct(0.50),
            p90_ms: pct(0.90),
            p99_ms: pct(0.99),
            p999_ms: pct(0.999),
            max_ms: outcome.latencies_us.last().map_or(0.0, |&us| f64::from(us) / 1000.0),
        }
    }
}

impl Line {
    /// The JSON line `run` prints.
    pub fn to_json(&self) -> Value {
        json!({
            "label": self.label, "rate": self.rate, "connections": self.connections, "duration_s": self.duration_s,
            "ok": self.ok, "errors": self.errors, "first_error": self.first_error, "throughput": self.throughput,
            "p50_ms": self.p50_ms, "p90_ms": self.p90_ms, "p99_ms": self.p99_ms, "p999_ms": self.p999_ms, "max_ms": self.max_ms,
        })
    }

    /// Reads a line `run` printed.
    pub fn from_json(text: &str) -> Result<Line, String> {
        let v: Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
        let num = |k: &str| v[k].as_f64().ok_or_else(|| format!("no number {k:?}"));
        Ok(Line {
            label: v["label"].as_str().ok_or("no label")?.to_owned(),
            rate: num("rate")? as u32,
            connections: num("connections")? as usize,
            duration_s: num("duration_s")?,
            ok: num("ok")? as usize,
            errors: num("errors")? as usize,
            first_error: v["first_error"].as_str().map(str::to_owned),
            throughput: num("throughput")?,
            p50_ms: num("p50_ms")?,
            p90_ms: num("p90_ms")?,
            p99_ms: num("p99_ms")?,
            p999_ms: num("p999_ms")?,
            max_ms: num("max_ms")?,
        })
    }
}

/// The nearest-rank percentile of sorted microseconds, in milliseconds.
fn percentile(sorted_us: &[u32], q: f64) -> f64 {
    if sorted_us.is_empty() {
        return 0.0;
    }
    let rank = ((q * sorted_us.len() as f64).ceil() as usize).clamp(1, sorted_us.len());
    f64::from(sorted_us[rank - 1]) / 1000.0
}

fn load_name(rate: u32) -> String {
    if rate == 0 {
        "unthrottled".to_owned()
    } else {
        format!("{rate}/s")
    }
}

/// The Markdown table of a results file, with each run's throughput against the baseline's run
/// at the same load, and the two targets checked.
pub fn table(path: &Path, baseline: &str) -> Result<String, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let lines: Vec<Line> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| Line::from_json(l).map_err(|e| format!("{}: {e}: {l}", path.display())))
        .collect::<Result<_, _>>()?;
    let base = |rate: u32| lines.iter().find(|l| l.label == baseline && l.rate == rate);
    let mut out = String::new();
    let _ = writeln!(out, "| server | load | pushes/s | ack p50 ms | ack p90 ms | ack p99 ms | max ms | errors | pushes/s vs {baseline} |");
    let _ = writeln!(out, "|---|---|---:|---:|---:|---:|---:|---:|---:|");
    let mut labels: Vec<&str> = Vec::new();
    for line in &lines {
        if !labels.contains(&line.label.as_str()) {
            labels.push(&line.label);
        }
    }
    for label in &labels {
        let mut runs: Vec<&Line> = lines.iter().filter(|l| l.label == *label).collect();
        runs.sort_by_key(|l| if l.rate == 0 { u32::MAX } else { l.rate });
        for l in runs {
            let ratio = match base(l.rate) {
                Some(b) if l.label != baseline && b.throughput > 0.0 => format!("{:.0} %", 100.0 * l.throughput / b.throughput),
                _ => "—".to_owned(),
            };
            let _ = writeln!(
                out,
                "| {} | {} | {:.0} | {:.2} | {:.2} | {:.2} | {:.1} | {} | {} |",
                l.label,
                load_name(l.rate),
                l.throughput,
                l.p50_ms,
                l.p90_ms,
                l.p99_ms,
                l.max_ms,
                l.errors,
                ratio
            );
        }
    }
    let _ = writeln!(out);
    for label in labels.iter().filter(|l| **l != baseline) {
        if let Some(l) = lines.iter().find(|l| l.label == *label && l.rate == 1000) {
            let met = if l.p99_ms <= 10.0 && l.errors == 0 { "met" } else { "MISSED" };
            let _ = writeln!(out, "- {label}: ack p99 at 1,000 pushes/s = {:.2} ms (target ≤ 10 ms, no errors): {met}", l.p99_ms);
        }
        if let (Some(l), Some(b)) = (lines.iter().find(|l| l.label == *label && l.rate == 0), base(0)) {
            let share = 100.0 * l.throughput / b.throughput.max(f64::MIN_POSITIVE);
            let met = if share >= 50.0 { "met" } else { "MISSED" };
            let _ = writeln!(
                out,
                "- {label}: unthrottled {:.0} pushes/s = {share:.0} % of {baseline}'s {:.0} (target ≥ 50 %): {met}",
                l.throughput, b.throughput
            );
        }
    }
    Ok(out)
}
