//! Delivering pushes like WeChat: encrypt with the platform's key, POST to its callback URL, wait at
//! most 5 s for `success`, up to 3 attempts.
//!
//! Pushes to different URLs go out in parallel; pushes to one URL go one after another, in the
//! order they were queued (a worker per URL). Every delivery is logged in [`crate::world::Outbox::log`].
//!
//! What counts as delivered: a 2xx answer whose body is `success`, surrounding whitespace ignored
//! (frameworks often add a newline; WeChat's docs say "the string success"). Pushes to the
//! message-and-event URL also accept an empty body, which the MP's push rules allow.

use std::collections::HashMap;
use std::time::Duration;

use rand::{RngExt, SeedableRng};
use tokio::sync::mpsc;
use tokio::task::JoinSet;
use wechat::crypto::MsgCrypt;
use wechat::xml::{Addressee, Event};

use crate::world::{Delivery, DeliveryOutcome, PushTarget, World};
use crate::Sim;

/// A worker with nothing to send for this long goes away (a new one starts with the next push).
const WORKER_IDLE: Duration = Duration::from_secs(30);
/// The most of a receiver's answer that is read.
const MAX_ANSWER_BYTES: usize = 4096;
/// Keeps the push randomness apart from the other seeded generators.
const PUSH_SEED_SALT: u64 = 0x7075_7368_6573_2121;

/// One sealed push on its way to one URL.
#[derive(Debug)]
struct Job {
    delivery_id: u64,
    /// The URL without the signature query, which groups jobs into workers.
    url: String,
    /// The URL with the signature query.
    full_url: String,
    body: String,
    accepts_empty: bool,
}

/// Runs until the simulator stops: delivers queued pushes as they come.
pub async fn deliver(sim: Sim) {
    let mut rng = rand::rngs::StdRng::seed_from_u64(sim.config().seed ^ PUSH_SEED_SALT);
    let mut workers: HashMap<String, mpsc::UnboundedSender<Job>> = HashMap::new();
    let mut tasks = JoinSet::new();
    loop {
        let jobs = sim.with_world(|world, now| take_jobs(world, now, &mut rng));
        for job in jobs {
            let job = match workers.get(&job.url) {
                Some(tx) => match tx.send(job) {
                    Ok(()) => continue,
                    // The worker went idle and stopped: start another.
                    Err(mpsc::error::SendError(job)) => job,
                },
                None => job,
            };
            let (tx, rx) = mpsc::unbounded_channel();
            tasks.spawn(run_worker(sim.clone(), rx));
            workers.insert(job.url.clone(), tx.clone());
            // The receiver was just created and is alive, so this cannot fail.
            let _ = tx.send(job);
        }
        workers.retain(|_, tx| !tx.is_closed());
        while tasks.try_join_next().is_some() {}
        // `notify_one` keeps a permit when nobody waits, so a push queued since `take_jobs` is not
        // missed; the timeout is a safety net only.
        let _ = tokio::time::timeout(Duration::from_secs(1), sim.push_wakeup().notified()).await;
    }
}

/// Takes every queued push, seals it for its URL and logs it (or logs it as undeliverable).
fn take_jobs(world: &mut World, now: i64, rng: &mut impl RngExt) -> Vec<Job> {
    let pending: Vec<_> = world.outbox.pending.drain(..).collect();
    let mut jobs = Vec::with_capacity(pending.len());
    for push in pending {
        let kind = Event::parse(&push.xml).map(|e| e.kind().to_owned()).unwrap_or_else(|_| "unknown".to_owned());
        let appid = match &push.target {
            PushTarget::Component => None,
            PushTarget::App { appid } => Some(appid.clone()),
        };
        let mut delivery = Delivery {
            id: 0,
            queued_at: now,
            component_appid: push.component_appid.clone(),
            appid: appid.clone(),
            kind,
            url: None,
            attempts: 0,
            outcome: DeliveryOutcome::Pending,
            last_error: None,
            finished_at: None,
        };
        match seal(world, &push.component_appid, &push.target, &push.xml, now, rng) {
            Ok((url, query, body)) => {
                delivery.url = Some(url.clone());
                let delivery_id = world.outbox.start_delivery(delivery);
                let separator = if url.contains('?') { '&' } else { '?' };
                let full_url = format!("{url}{separator}{query}");
                jobs.push(Job { delivery_id, url, full_url, body, accepts_empty: appid.is_some() });
            }
            Err(reason) => {
                delivery.outcome = DeliveryOutcome::Undeliverable;
                delivery.last_error = Some(reason);
                delivery.finished_at = Some(now);
                world.outbox.start_delivery(delivery);
            }
        }
    }
    jobs
}

/// The URL, signature query and envelope body of one push, or why it cannot be sent.
fn seal(
    world: &World,
    component_appid: &str,
    target: &PushTarget,
    xml: &str,
    now: i64,
    rng: &mut impl RngExt,
) -> Result<(String, String, String), String> {
    let platform = world.platforms.get(component_appid).ok_or_else(|| format!("platform {component_appid} does not exist"))?;
    let (url, addressee) = match target {
        PushTarget::Component => (platform.push_url.clone(), Addressee::AppId(component_appid.to_owned())),
        PushTarget::App { appid } => {
            let app = world.apps.get(appid).ok_or_else(|| format!("mini program {appid} does not exist"))?;
            (platform.message_url.as_ref().map(|u| u.replace("$APPID$", appid)), Addressee::ToUserName(app.original_id.clone()))
        }
    };
    let url = url.filter(|u| !u.trim().is_empty()).ok_or_else(|| match target {
        PushTarget::Component => "no authorization-event URL configured".to_owned(),
        PushTarget::App { .. } => "no message-and-event URL configured".to_owned(),
    })?;
    let crypt = MsgCrypt::new(&platform.token, &platform.encoding_aes_key, component_appid).map_err(|e| format!("cannot encrypt: {e}"))?;
    // WeChat's nonces are decimal numbers.
    let nonce = rng.random_range(100_000_000u32..=u32::MAX).to_string();
    let random: [u8; 16] = rng.random();
    let sealed = crypt.seal_push(&addressee, xml, &now.to_string(), &nonce, None, random);
    Ok((url, sealed.query_string, sealed.body))
}

async fn run_worker(sim: Sim, mut jobs: mpsc::UnboundedReceiver<Job>) {
    while let Ok(Some(job)) = tokio::time::timeout(WORKER_IDLE, jobs.recv()).await {
        deliver_one(&sim, &job).await;
    }
}

async fn deliver_one(sim: &Sim, job: &Job) {
    let config = sim.config();
    let attempts = config.push_attempts.max(1);
    for attempt in 1..=attempts {
        let result = post(sim, job).await;
        let last = attempt == attempts;
        sim.with_world(|world, now| {
            if let Some(delivery) = world.outbox.delivery_mut(job.delivery_id) {
                delivery.attempts = attempt;
                match &result {
                    Ok(()) => {
                        delivery.outcome = DeliveryOutcome::Delivered;
                        delivery.finished_at = Some(now);
                    }
                    Err(error) => {
                        delivery.last_error = Some(error.clone());
                        if last {
                            delivery.outcome = DeliveryOutcome::Failed;
                            delivery.finished_at = Some(now);
                        }
                    }
                }
            }
        });
        match result {
            Ok(()) => return,
            Err(error) => {
                tracing::debug!(url = %job.url, attempt, %error, "push not accepted");
                if !last {
                    tokio::time::sleep(Duration::from_millis(config.push_retry_backoff_ms)).await;
                }
            }
        }
    }
    tracing::info!(url = %job.url, attempts, "push failed");
}

/// One attempt: `Ok` when the receiver answered `success`.
async fn post(sim: &Sim, job: &Job) -> Result<(), String> {
    let timeout = Duration::from_millis(sim.config().push_timeout_ms);
    let attempt = async {
        let mut response = sim
            .http()
            .post(&job.full_url)
            .header(reqwest::header::CONTENT_TYPE, "text/xml")
            .body(job.body.clone())
            .send()
            .await
            .map_err(|e| describe(&e))?;
        let status = response.status();
        let mut answer = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|e| describe(&e))? {
            answer.extend_from_slice(&chunk);
            if answer.len() > MAX_ANSWER_BYTES {
                break;
            }
        }
        Ok::<_, String>((status, answer))
    };
    let (status, answer) =
        tokio::time::timeout(timeout, attempt).await.map_err(|_| format!("no answer within {} ms", timeout.as_millis()))??;
    let text = String::from_utf8_lossy(&answer);
    let text = text.trim();
    if !status.is_success() {
        return Err(format!("HTTP {}", status.as_u16()));
    }
    if text == "success" || (job.accepts_empty && text.is_empty()) {
        Ok(())
    } else {
        let shown: String = text.chars().take(80).collect();
        Err(format!("answered {shown:?} instead of \"success\""))
    }
}

fn describe(error: &reqwest::Error) -> String {
    // Not `to_string()`: that repeats the URL with its whole signature query.
    let mut out = String::from(if error.is_connect() {
        "cannot connect"
    } else if error.is_timeout() {
        "timed out"
    } else if error.is_body() || error.is_decode() {
        "unreadable answer"
    } else {
        "request failed"
    });
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        out.push_str(": ");
        out.push_str(&cause.to_string());
        source = cause.source();
    }
    out
}
