//! The one thread that writes: jobs arrive on a channel and are committed in groups.
//!
//! SQLite has a single writer anyway; giving it a dedicated thread keeps blocking I/O off the async
//! runtime, and committing every job that is already waiting in ONE transaction (group commit)
//! turns a burst of N pushes into one fsync instead of N, while each job still gets its answer
//! only after the commit that holds it has returned. Each job runs inside its own savepoint, so one
//! failing job does not take the others down with it — except a job of one statement (an append),
//! which needs none: SQLite undoes a failed statement by itself and leaves the transaction open.

use std::sync::mpsc;

use rusqlite::Connection;
use tokio::sync::oneshot;

use super::append::{self, Append};
use super::checkpoint::Checkpoints;
use crate::store::StoreError;

/// At most this many jobs share one commit (bounds the latency of the first one in the group).
const MAX_GROUP: usize = 512;

/// One unit of work for the writer thread.
pub(crate) trait Job: Send {
    /// Runs inside the open transaction; false when it failed (its savepoint is rolled back).
    fn run(&mut self, conn: &Connection) -> bool;
    /// True when the job is one SQL statement: it runs without a savepoint of its own.
    fn single_statement(&self) -> bool;
    /// An append: inserted together with the appends beside it in the group ([`append`](super::append)).
    fn as_append(&mut self) -> Option<&mut Append> {
        None
    }
    /// Called once the group's commit returned (`Ok`) or failed (`Err`, the group's changes are gone).
    fn finish(self: Box<Self>, commit: Result<(), String>);
}

/// A job computing a `T`, answered on a oneshot channel after the commit.
pub(crate) struct Pending<T, F> {
    work: Option<F>,
    single_statement: bool,
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
        Self::boxed(work, false)
    }

    /// A job that runs exactly one SQL statement (no savepoint needed), and the receiver of its answer.
    pub(crate) fn statement(work: F) -> (Box<dyn Job>, oneshot::Receiver<Result<T, StoreError>>) {
        Self::boxed(work, true)
    }

    fn boxed(work: F, single_statement: bool) -> (Box<dyn Job>, oneshot::Receiver<Result<T, StoreError>>) {
        let (reply, answer) = oneshot::channel();
        (Box::new(Pending { work: Some(work), single_statement, result: None, reply }), answer)
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

    fn single_statement(&self) -> bool {
        self.single_statement
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

/// Runs until every sender is dropped: takes the jobs waiting, commits them as one group, and
/// tells `checkpoints` how much was committed.
pub(crate) fn run(conn: Connection, jobs: mpsc::Receiver<Box<dyn Job>>, mut checkpoints: Checkpoints) {
    while let Ok(first) = jobs.recv() {
        let mut group = vec![first];
        while group.len() < MAX_GROUP {
            match jobs.try_recv() {
                Ok(job) => group.push(job),
                Err(_) => break,
            }
        }
        let commit = commit_group(&conn, &mut group);
        if commit.is_ok() {
            checkpoints.committed(group.len());
        }
        for job in group {
            job.finish(commit.clone());
        }
    }
}

fn commit_group(conn: &Connection, group: &mut [Box<dyn Job>]) -> Result<(), String> {
    // IMMEDIATE: take the write lock now (another process — `device add` — may hold it; busy_timeout waits).
    conn.execute_batch("BEGIN IMMEDIATE").map_err(|e| e.to_string())?;
    if let Err(e) = run_jobs(conn, group) {
        let _ = conn.execute_batch("ROLLBACK");
        return Err(e);
    }
    if let Err(e) = conn.execute_batch("COMMIT") {
        let _ = conn.execute_batch("ROLLBACK");
        return Err(e.to_string());
    }
    Ok(())
}

/// Runs the group's jobs in order in the open transaction, each run of appends as multi-row inserts.
fn run_jobs(conn: &Connection, group: &mut [Box<dyn Job>]) -> Result<(), String> {
    let mut rest = group;
    while let Some(first) = rest.first_mut() {
        if first.as_append().is_none() {
            run_job(conn, first.as_mut())?;
            rest = &mut rest[1..];
            continue;
        }
        let run = rest.iter_mut().position(|job| job.as_append().is_none()).unwrap_or(rest.len());
        let (appends, tail) = rest.split_at_mut(run);
        let mut appends: Vec<&mut Append> = appends.iter_mut().filter_map(|job| job.as_append()).collect();
        append::insert_all(conn, &mut appends)?;
        rest = tail;
    }
    Ok(())
}

/// Runs one job in the open transaction; `Err` only when the transaction itself is gone.
fn run_job(conn: &Connection, job: &mut dyn Job) -> Result<(), String> {
    if !job.single_statement() {
        return run_in_savepoint(conn, job);
    }
    // A failed statement is undone by SQLite alone, the transaction stays open — unless the error
    // was one that rolls the whole transaction back (I/O, disk full): then the group is lost.
    if !job.run(conn) && conn.is_autocommit() {
        return Err("the transaction was rolled back by a failed statement".to_owned());
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
