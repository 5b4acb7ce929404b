//! Group commit for appends: one task takes every append that is waiting and commits them as ONE
//! transaction under the append lock, so a burst of N pushes costs one lock hand-over, one
//! multi-row insert and one synced commit instead of N of each.
//!
//! Each append is still answered only after the commit that holds it returned (with
//! `synchronous_commit = on`), so `success` still means durable. Sequence numbers are drawn under
//! the lock in the order the appends were taken, and the whole group becomes visible at once, so
//! visible order stays seq order across instances.
//!
//! If the group's statement fails in the database (one event the server refuses), the group is
//! rolled back and every append in it is tried again on its own, so one bad event does not fail
//! the others. A connection or pool failure fails the group: retrying one by one would only wait
//! out the pool's timeout once per append.

use deadpool_postgres::Pool;
use tokio::sync::{mpsc, oneshot, watch};

use super::{listen, pool_error, APPEND_LOCK};
use crate::store::{NewEvent, StoreError};

/// At most this many appends share one transaction (bounds the first one's wait and the statement size).
const MAX_GROUP: usize = 512;

/// Appends `$1` events given as parallel arrays; answers the last sequence number drawn (the group
/// got `last - $1 + 1 ..= last`, in array order). The NOTIFY is delivered at commit, once per group.
fn insert_group_sql() -> String {
    format!(
        "WITH next AS (
             UPDATE relay_meta SET value = value + $1 WHERE key = 'last_seq' RETURNING value
         ), given AS (
             SELECT * FROM unnest($2::text[], $3::text[], $4::text[], $5::bytea[], $6::bytea[], $7::int8[]) WITH ORDINALITY
                 AS g(platform, source, appid, query, body, received_at, n)
         ), inserted AS (
             INSERT INTO relay_events (seq, platform, source, appid, query, body, received_at)
             SELECT next.value - $1 + given.n, given.platform, given.source, given.appid, given.query, given.body, given.received_at
             FROM next, given
         )
         SELECT value, pg_notify('{channel}', value::text) FROM next",
        channel = listen::CHANNEL
    )
}

/// One append waiting for its group's commit.
struct Job {
    event: NewEvent,
    reply: oneshot::Sender<Result<i64, StoreError>>,
}

/// The sending side; the task ends (after the appends already queued) when this is dropped.
pub(super) struct Appender {
    jobs: mpsc::UnboundedSender<Job>,
}

impl Appender {
    /// Starts the group-commit task on the current runtime.
    pub(super) fn start(pool: Pool, latest: watch::Sender<i64>) -> Appender {
        let (jobs, queue) = mpsc::unbounded_channel();
        tokio::spawn(run(pool, latest, queue));
        Appender { jobs }
    }

    /// Appends `event` in the next group; answers its sequence number once that group committed.
    pub(super) async fn append(&self, event: NewEvent) -> Result<i64, StoreError> {
        let (reply, answer) = oneshot::channel();
        self.jobs.send(Job { event, reply }).map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }
}

fn stopped() -> StoreError {
    StoreError::Other("the PostgreSQL append task stopped".to_owned())
}

async fn run(pool: Pool, latest: watch::Sender<i64>, mut queue: mpsc::UnboundedReceiver<Job>) {
    let mut group = Vec::with_capacity(MAX_GROUP);
    while queue.recv_many(&mut group, MAX_GROUP).await > 0 {
        let events: Vec<&NewEvent> = group.iter().map(|job| &job.event).collect();
        match commit(&pool, &events).await {
            Ok(last) => {
                listen::raise(&latest, last);
                let first = last - group.len() as i64 + 1;
                for (seq, job) in (first..).zip(group.drain(..)) {
                    // The caller may have gone (request cancelled); the push is committed regardless.
                    let _ = job.reply.send(Ok(seq));
                }
            }
            Err(e) if group.len() > 1 && refused_by_the_database(&e) => {
                tracing::warn!(error = %e, appends = group.len(), "a grouped append was refused; committing the group one by one");
                for job in group.drain(..) {
                    let result = commit(&pool, &[&job.event]).await;
                    if let Ok(seq) = result {
                        listen::raise(&latest, seq);
                    }
                    let _ = job.reply.send(result);
                }
            }
            Err(e) => {
                let message = e.to_string();
                let mut original = Some(e);
                for job in group.drain(..) {
                    let error = original.take().unwrap_or_else(|| StoreError::Other(message.clone()));
                    let _ = job.reply.send(Err(error));
                }
            }
        }
    }
}

/// The server refused a statement (an SQLSTATE came back): the connection itself is fine.
fn refused_by_the_database(error: &StoreError) -> bool {
    matches!(error, StoreError::Postgres(e) if e.as_db_error().is_some())
}

/// Commits `events` as one transaction under the append lock; returns the last sequence number.
async fn commit(pool: &Pool, events: &[&NewEvent]) -> Result<i64, StoreError> {
    let mut client = pool.get().await.map_err(pool_error)?;
    let tx = client.transaction().await?;
    tx.batch_execute(&format!("SET LOCAL synchronous_commit TO on; SELECT pg_advisory_xact_lock({APPEND_LOCK});")).await?;
    let insert = tx.prepare_cached(&insert_group_sql()).await?;
    let count = events.len() as i64;
    let platforms: Vec<&str> = events.iter().map(|e| e.platform.as_str()).collect();
    let sources: Vec<&str> = events.iter().map(|e| e.source.as_str()).collect();
    let appids: Vec<Option<&str>> = events.iter().map(|e| e.appid.as_deref()).collect();
    let queries: Vec<&[u8]> = events.iter().map(|e| e.query.as_bytes()).collect();
    let bodies: Vec<&[u8]> = events.iter().map(|e| e.body.as_bytes()).collect();
    let received: Vec<i64> = events.iter().map(|e| e.received_at).collect();
    let row = tx.query_one(&insert, &[&count, &platforms, &sources, &appids, &queries, &bodies, &received]).await?;
    let last: i64 = row.try_get(0)?;
    tx.commit().await?;
    Ok(last)
}
