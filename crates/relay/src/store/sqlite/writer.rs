//! The one thread that writes: jobs arrive on a channel and are committed in groups.
//!
//! SQLite has a single writer anyway; giving it a dedicated thread keeps blocking I/O off the async
//! runtime, and committing every job that is already waiting in ONE transaction (group commit)
//! turns a burst of N pushes into one fsync instead of N, while each job still gets its answer
//! only after the commit that holds it has returned. Each job runs inside its own savepoint, so one
//! failing job does not take the others down with it.

use std::sync::mpsc;

use rusqlite::Connection;
use tokio::sync::oneshot;

use crate::store::StoreError;

/// At most this many jobs share one commit (bounds the latency of the first one in the group).
const MAX_GROUP: usize = 512;

/// One unit of work for the writer thread.
pub(crate) trait Job: Send {
    /// Runs inside the open transaction; false when it failed (its savepoint is rolled back).
    fn run(&mut self, conn: &Connection) -> bool;
    /// Called once the group's commit returned (`Ok`) or failed (`Err`, the group's changes are gone).
    fn finish(self: Box<Self>, commit: Result<(), String>);
}

/// A job computing a `T`, answered on a oneshot channel after the commit.
pub(crate) struct Pending<T, F> {
    work: Option<F>,
    result: Option<Result<T, StoreError>>,
    reply: oneshot::Sender<Result<T, StoreError>>,
}

impl<T, F> Pending<T, F>
where
    T: Send + 'static,
    F: FnOnce(&Connection) -> Result<T, StoreError> + Send + 'static,
{
    /// A job and the receiver of its answer.
    pub(crate) fn job(work: F) -> (Box<dyn Job>, oneshot::Receiver<Result<T, StoreError>>) {
        let (reply, answer) = oneshot::channel();
        (Box::new(Pending { work: Some(work), result: None, reply }), answer)
    }
}

impl<T, F> Job for Pending<T, F>
where
    T: Send + 'static,
    F: FnOnce(&Connection) -> Result<T, StoreError> + Send + 'static,
{
    fn run(&mut self, conn: &Connection) -> bool {
        let result = match self.work.take() {
            Some(work) => work(conn),
            None => Err(StoreError::Other("job ran twice".to_owned())),
        };
        let ok = result.is_ok();
        self.result = Some(result);
        ok
    }

    fn finish(self: Box<Self>, commit: Result<(), String>) {
        let answer = match (commit, self.result) {
            (Ok(()), Some(result)) => result,
            (Ok(()), None) => Err(StoreError::Other("job did not run".to_owned())),
            // A job's own error is more telling than the rollback it caused nothing of.
            (Err(_), Some(Err(own))) => Err(own),
            (Err(commit), _) => Err(StoreError::Other(format!("commit failed: {commit}"))),
        };
        // The caller may have gone away (request cancelled); the work is committed regardless.
        let _ = self.reply.send(answer);
    }
}

/// Runs until every sender is dropped: takes the jobs waiting, commits them as one group.
pub(crate) fn run(conn: Connection, jobs: mpsc::Receiver<Box<dyn Job>>) {
    while let Ok(first) = jobs.recv() {
        let mut group = vec![first];
        while group.len() < MAX_GROUP {
            match jobs.try_recv() {
                Ok(job) => group.push(job),
                Err(_) => break,
            }
        }
        let commit = commit_group(&conn, &mut group);
        for job in group {
            job.finish(commit.clone());
        }
    }
}

fn commit_group(conn: &Connection, group: &mut [Box<dyn Job>]) -> Result<(), String> {
    // IMMEDIATE: take the write lock now (another process — `device add` — may hold it; busy_timeout waits).
    conn.execute_batch("BEGIN IMMEDIATE").map_err(|e| e.to_string())?;
    for job in group.iter_mut() {
        if let Err(e) = run_in_savepoint(conn, job.as_mut()) {
            let _ = conn.execute_batch("ROLLBACK");
            return Err(e);
        }
    }
    if let Err(e) = conn.execute_batch("COMMIT") {
        let _ = conn.execute_batch("ROLLBACK");
        return Err(e.to_string());
    }
    Ok(())
}

/// Runs one job in a savepoint; `Err` only when the savepoint machinery itself failed.
fn run_in_savepoint(conn: &Connection, job: &mut dyn Job) -> Result<(), String> {
    // Cached statements: these run twice per push, so they are parsed once, not every time.
    let exec = |sql: &str| conn.prepare_cached(sql).and_then(|mut s| s.execute([])).map(drop).map_err(|e| e.to_string());
    exec("SAVEPOINT job")?;
    if job.run(conn) {
        exec("RELEASE job")
    } else {
        exec("ROLLBACK TO job")?;
        exec("RELEASE job")
    }
}
