//! Counters and the ingest-latency histogram, rendered in the Prometheus text format (0.0.4).
//!
//! Hand-written rather than through a metrics crate: the set is small and fixed, and the per-device
//! gauges come straight from the store at scrape time. Labels only ever hold configured platform
//! ids, a fixed set of reasons, and device ids/names an operator chose — never anything a request
//! can make up, so nobody can blow up the series count from outside.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use crate::proxy::ProxyCounts;
use crate::store::{DeviceInfo, Source};

/// Why a push was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Rejection {
    /// No platform with that id (404).
    UnknownPlatform,
    /// Over 64 KiB (413).
    Oversize,
    /// Not UTF-8, not the envelope XML, query parameters missing (400).
    Malformed,
    /// `msg_signature` does not match (401).
    BadSignature,
    /// The store failed (503).
    StoreError,
}

impl Rejection {
    const ALL: [Rejection; 5] =
        [Rejection::UnknownPlatform, Rejection::Oversize, Rejection::Malformed, Rejection::BadSignature, Rejection::StoreError];

    /// The `reason` label.
    pub fn as_str(self) -> &'static str {
        match self {
            Rejection::UnknownPlatform => "unknown_platform",
            Rejection::Oversize => "oversize",
            Rejection::Malformed => "malformed",
            Rejection::BadSignature => "bad_signature",
            Rejection::StoreError => "store_error",
        }
    }

    /// The answer's body: short, fixed, revealing nothing about the configuration.
    pub fn message(self) -> &'static str {
        match self {
            Rejection::UnknownPlatform => "unknown platform",
            Rejection::Oversize => "body too large",
            Rejection::Malformed => "malformed push",
            Rejection::BadSignature => "bad signature",
            Rejection::StoreError => "temporarily unavailable",
        }
    }
}

/// Upper bounds of the latency buckets, in seconds (WeChat's deadline is 5 s).
const BUCKETS: [f64; 14] = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0];

/// The relay's process-wide metrics.
#[derive(Default)]
pub struct Metrics {
    accepted: Mutex<BTreeMap<(String, &'static str), u64>>,
    rejected: [AtomicU64; 5],
    latency: Histogram,
}

#[derive(Default)]
struct Histogram {
    /// Non-cumulative counts per bucket; the last slot is `+Inf`.
    counts: [AtomicU64; BUCKETS.len() + 1],
    sum_micros: AtomicU64,
}

impl Metrics {
    /// A push was stored and answered `success` after `latency`.
    pub fn accepted(&self, platform: &str, source: Source, latency: Duration) {
        if let Ok(mut accepted) = self.accepted.lock() {
            // Look up before inserting: the key is allocated once per platform and source, not per push.
            match accepted.iter_mut().find(|((p, s), _)| p == platform && *s == source.as_str()) {
                Some((_, count)) => *count += 1,
                None => {
                    accepted.insert((platform.to_owned(), source.as_str()), 1);
                }
            }
        }
        let seconds = latency.as_secs_f64();
        let slot = BUCKETS.iter().position(|&le| seconds <= le).unwrap_or(BUCKETS.len());
        self.latency.counts[slot].fetch_add(1, Ordering::Relaxed);
        self.latency.sum_micros.fetch_add(latency.as_micros() as u64, Ordering::Relaxed);
    }

    /// A push was refused.
    pub fn rejected(&self, reason: Rejection) {
        let index = Rejection::ALL.iter().position(|&r| r == reason).unwrap_or(0);
        self.rejected[index].fetch_add(1, Ordering::Relaxed);
    }

    /// How many pushes were stored and answered `success` so far.
    pub fn accepted_total(&self) -> u64 {
        self.latency.counts.iter().map(|c| c.load(Ordering::Relaxed)).sum()
    }

    /// How many pushes were refused so far, for any reason.
    pub fn rejected_total(&self) -> u64 {
        self.rejected.iter().map(|c| c.load(Ordering::Relaxed)).sum()
    }

    /// How many pushes were refused for `reason` so far.
    pub fn rejected_count(&self, reason: Rejection) -> u64 {
        let index = Rejection::ALL.iter().position(|&r| r == reason).unwrap_or(0);
        self.rejected[index].load(Ordering::Relaxed)
    }

    /// The whole exposition: these counters plus the per-device gauges from `devices` and `latest_seq`.
    pub fn render(&self, devices: &[DeviceInfo], latest_seq: i64) -> String {
        let mut out = String::with_capacity(4096);
        self.render_pushes(&mut out);
        self.render_latency(&mut out);
        render_devices(&mut out, devices, latest_seq);
        out
    }

    fn render_pushes(&self, out: &mut String) {
        header(out, "wxfleet_relay_pushes_accepted_total", "counter", "Pushes verified, stored durably and answered `success`.");
        if let Ok(accepted) = self.accepted.lock() {
            for ((platform, source), count) in accepted.iter() {
                let _ =
                    writeln!(out, "wxfleet_relay_pushes_accepted_total{{platform=\"{}\",source=\"{source}\"}} {count}", escape(platform));
            }
        }
        header(out, "wxfleet_relay_pushes_rejected_total", "counter", "Pushes refused, by reason.");
        for (reason, count) in Rejection::ALL.iter().zip(&self.rejected) {
            let _ =
                writeln!(out, "wxfleet_relay_pushes_rejected_total{{reason=\"{}\"}} {}", reason.as_str(), count.load(Ordering::Relaxed));
        }
    }

    fn render_latency(&self, out: &mut String) {
        let name = "wxfleet_relay_ingest_duration_seconds";
        header(out, name, "histogram", "From receiving a push to answering `success` (verify + durable append).");
        let mut cumulative = 0;
        for (le, count) in BUCKETS.iter().zip(&self.latency.counts) {
            cumulative += count.load(Ordering::Relaxed);
            let _ = writeln!(out, "{name}_bucket{{le=\"{le}\"}} {cumulative}");
        }
        cumulative += self.latency.counts[BUCKETS.len()].load(Ordering::Relaxed);
        let _ = writeln!(out, "{name}_bucket{{le=\"+Inf\"}} {cumulative}");
        let sum = self.latency.sum_micros.load(Ordering::Relaxed) as f64 / 1e6;
        let _ = writeln!(out, "{name}_sum {sum}");
        let _ = writeln!(out, "{name}_count {cumulative}");
    }
}

fn render_devices(out: &mut String, devices: &[DeviceInfo], latest_seq: i64) {
    header(out, "wxfleet_relay_latest_seq", "gauge", "The highest sequence number in the log.");
    let _ = writeln!(out, "wxfleet_relay_latest_seq {latest_seq}");
    let active = || devices.iter().filter(|d| d.revoked_at.is_none());
    header(out, "wxfleet_relay_device_backlog", "gauge", "Events a device has not acked yet (latest_seq - acked_seq).");
    for device in active() {
        let _ = writeln!(out, "wxfleet_relay_device_backlog{{{}}} {}", device_labels(device), (latest_seq - device.acked_seq).max(0));
    }
    header(out, "wxfleet_relay_device_acked_seq", "gauge", "The last sequence number a device acked.");
    for device in active() {
        let _ = writeln!(out, "wxfleet_relay_device_acked_seq{{{}}} {}", device_labels(device), device.acked_seq);
    }
    header(out, "wxfleet_relay_device_last_seen_seconds", "gauge", "When a device last authenticated (Unix seconds; 0 = never).");
    for device in active() {
        let seen = device.last_seen.map(|ms| ms as f64 / 1000.0).unwrap_or(0.0);
        let _ = writeln!(out, "wxfleet_relay_device_last_seen_seconds{{{}}} {seen}", device_labels(device));
    }
}

/// The egress proxy's counters, appended when it runs.
pub fn render_proxy(out: &mut String, counts: ProxyCounts) {
    header(out, "wxfleet_relay_proxy_requests_total", "counter", "Egress proxy requests, by outcome.");
    for (outcome, count) in [
        ("allowed", counts.allowed),
        ("unauthenticated", counts.unauthenticated),
        ("forbidden_host", counts.forbidden_host),
        ("upstream_failed", counts.upstream_failed),
        ("bad_request", counts.bad_request),
    ] {
        let _ = writeln!(out, "wxfleet_relay_proxy_requests_total{{outcome=\"{outcome}\"}} {count}");
    }
    header(out, "wxfleet_relay_proxy_open_tunnels", "gauge", "CONNECT tunnels open now.");
    let _ = writeln!(out, "wxfleet_relay_proxy_open_tunnels {}", counts.open_tunnels);
}

fn device_labels(device: &DeviceInfo) -> String {
    format!("device=\"{}\",name=\"{}\"", device.id, escape(&device.name))
}

fn header(out: &mut String, name: &str, kind: &str, help: &str) {
    let _ = writeln!(out, "# HELP {name} {help}");
    let _ = writeln!(out, "# TYPE {name} {kind}");
}

/// Label values escape `\`, `"` and newlines (the text format's rule).
fn escape(value: &str) -> String {
    value.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histogram_is_cumulative_and_counts_match() {
        let metrics = Metrics::default();
        metrics.accepted("p1", Source::Component, Duration::from_micros(300));
        metrics.accepted("p1", Source::App, Duration::from_millis(3));
        metrics.accepted("p1", Source::App, Duration::from_secs(30));
        metrics.rejected(Rejection::BadSignature);
        let text = metrics.render(&[], 3);
        assert!(text.contains("wxfleet_relay_ingest_duration_seconds_bucket{le=\"0.0005\"} 1\n"), "{text}");
        assert!(text.contains("wxfleet_relay_ingest_duration_seconds_bucket{le=\"0.005\"} 2\n"), "{text}");
        assert!(text.contains("wxfleet_relay_ingest_duration_seconds_bucket{le=\"10\"} 2\n"), "{text}");
        assert!(text.contains("wxfleet_relay_ingest_duration_seconds_bucket{le=\"+Inf\"} 3\n"), "{text}");
        assert!(text.contains("wxfleet_relay_ingest_duration_seconds_count 3\n"), "{text}");
        assert!(text.contains("wxfleet_relay_pushes_accepted_total{platform=\"p1\",source=\"app\"} 2\n"), "{text}");
        assert!(text.contains("wxfleet_relay_pushes_rejected_total{reason=\"bad_signature\"} 1\n"), "{text}");
        assert!(text.contains("wxfleet_relay_pushes_rejected_total{reason=\"oversize\"} 0\n"), "{text}");
        assert_eq!((metrics.accepted_total(), metrics.rejected_total()), (3, 1));
    }

    #[test]
    fn device_gauges_escape_names_and_skip_revoked() {
        let device = |id, name: &str, revoked_at| DeviceInfo {
            id,
            name: name.to_owned(),
            created_at: 0,
            revoked_at,
            acked_seq: 4,
            last_seen: Some(1_500),
        };
        let text = Metrics::default().render(&[device(1, "front \"desk\"\n", None), device(2, "old", Some(9))], 10);
        assert!(text.contains("wxfleet_relay_device_backlog{device=\"1\",name=\"front \\\"desk\\\"\\n\"} 6\n"), "{text}");
        assert!(text.contains("wxfleet_relay_device_last_seen_seconds{device=\"1\",name=\"front \\\"desk\\\"\\n\"} 1.5\n"), "{text}");
        assert!(!text.contains("device=\"2\""), "{text}");
    }
}
