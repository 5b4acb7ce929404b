//! `kill -9` of the relay in the middle of a burst of pushes: every push that got `success` is in
//! the log after a restart on the same database, exactly once; nothing stored is torn.
//!
//! `success` is answered only after the commit (WAL, `synchronous=FULL`) returned, so this holds
//! for a process kill, and for a power cut as far as the disk honours fsync (which a kill cannot show).

use std::collections::{BTreeSet, HashMap};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use crate::harness::{add_device, config, http, open, pull_all, ticket_push, write_config, RelayProcess, PLATFORM};

/// Pushes per round, senders at once, and how many must have succeeded before the kill.
const BURST: u64 = 600;
const SENDERS: usize = 24;
const KILL_AFTER: usize = 150;
const ROUNDS: u64 = 3;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn kill_9_mid_burst_loses_no_push_that_got_success() {
    let dir = tempfile::tempdir().unwrap();
    let store = format!("sqlite:{}", dir.path().join("relay.db").display());
    let config_path = write_config(dir.path(), &config(&store, "http://127.0.0.1"));
    let (_, credential) = add_device(&config_path, "auditor");
    let http = http();

    let mut accepted_all: BTreeSet<String> = BTreeSet::new();
    let mut sent_all: BTreeSet<String> = BTreeSet::new();
    for round in 0..ROUNDS {
        let mut relay = RelayProcess::start(&config_path);
        let url = format!("{}/wx/{PLATFORM}/component", relay.base);
        let next = Arc::new(AtomicUsize::new(0));
        let successes = Arc::new(AtomicUsize::new(0));
        let senders: Vec<_> = (0..SENDERS)
            .map(|_| {
                let (http, url, next, successes) = (http.clone(), url.clone(), Arc::clone(&next), Arc::clone(&successes));
                tokio::spawn(async move {
                    let mut accepted = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::SeqCst) as u64;
                        if i >= BURST {
                            return accepted;
                        }
                        let push = ticket_push(round * 10_000 + i);
                        let answer = http.post(format!("{url}?{}", push.query_string)).body(push.body.clone()).send().await;
                        let ok = match answer {
                            Ok(response) if response.status() == 200 => response.text().await.map(|t| t == "success").unwrap_or(false),
                            _ => false,
                        };
                        if ok {
                            successes.fetch_add(1, Ordering::SeqCst);
                            accepted.push(push.body);
                        }
                    }
                })
            })
            .collect();
        // Kill while pushes are in flight.
        while successes.load(Ordering::SeqCst) < KILL_AFTER {
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        tokio::task::block_in_place(|| relay.kill9());
        let mut accepted_now = 0;
        for sender in senders {
            let accepted = sender.await.unwrap();
            accepted_now += accepted.len();
            accepted_all.extend(accepted);
        }
        let sent = next.load(Ordering::SeqCst).min(BURST as usize);
        for i in 0..sent as u64 {
            sent_all.insert(ticket_push(round * 10_000 + i).body);
        }
        assert!(
            accepted_now >= KILL_AFTER && accepted_now < BURST as usize,
            "round {round}: the kill landed mid-burst ({accepted_now} of {BURST} accepted)"
        );
        eprintln!("round {round}: {accepted_now} of {BURST} pushes got `success` before kill -9");
    }

    // Restart on the same database and read everything back.
    let relay = RelayProcess::start(&config_path);
    let events = pull_all(&http, &relay.base, &credential, 0).await;
    let mut copies: HashMap<&str, usize> = HashMap::new();
    for event in &events {
        *copies.entry(event["body"].as_str().unwrap()).or_default() += 1;
    }
    let lost: Vec<_> = accepted_all.iter().filter(|body| !copies.contains_key(body.as_str())).collect();
    assert!(lost.is_empty(), "{} pushes answered `success` are missing after kill -9", lost.len());
    let duplicated = copies.values().filter(|&&n| n > 1).count();
    assert_eq!(duplicated, 0, "the relay's log holds an accepted POST more than once");
    // Whatever is stored was sent by us, and is whole (it still verifies and decrypts).
    for event in &events {
        assert!(sent_all.contains(event["body"].as_str().unwrap()));
        assert_eq!(open(event["query"].as_str().unwrap(), event["body"].as_str().unwrap()).kind(), "component_verify_ticket");
    }
    let seqs: Vec<_> = events.iter().map(|e| e["seq"].as_i64().unwrap()).collect();
    assert!(seqs.windows(2).all(|w| w[0] < w[1]));
    eprintln!("after restart: {} events stored, {} accepted, none lost", events.len(), accepted_all.len());
}
