//! Appends as writer jobs: the appends that wait side by side in one group go into the log as
//! multi-row INSERTs, not one statement each.
//!
//! Per statement SQLite pays for the statement's setup, its cursors and (for AUTOINCREMENT) a read
//! and a rewrite of `sqlite_sequence`; per row only for the row. A burst of pushes therefore costs
//! a handful of statements. Rows of one statement get consecutive sequence numbers in the order
//! given: one writer, and AUTOINCREMENT hands out the next number for each row in turn.
//!
//! A statement that fails is undone by SQLite alone; its rows are then tried one by one, so one
//! bad row fails only its own append.

use std::borrow::Cow;
use std::sync::LazyLock;

use rusqlite::Connection;
use tokio::sync::oneshot;

use super::writer::Job;
use crate::store::{NewEvent, StoreError};

/// The rows per statement, largest first: a run of n appends takes the largest that fits, again
/// and again (so there are few distinct statements to keep prepared).
const CHUNKS: [usize; 4] = [64, 16, 4, 1];

/// `INSERT … VALUES (…), (…) …` for each size in [`CHUNKS`].
static INSERT_SQL: LazyLock<[String; 4]> = LazyLock::new(|| CHUNKS.map(insert_sql));

fn insert_sql(rows: usize) -> String {
    let values = vec!["(?, ?, ?, ?, ?, ?)"; rows].join(", ");
    format!("INSERT INTO events (platform, source, appid, query, body, received_at) VALUES {values}")
}

/// One append waiting for its group's commit.
pub(crate) struct Append {
    event: NewEvent,
    result: Option<Result<i64, StoreError>>,
    reply: oneshot::Sender<Result<i64, StoreError>>,
}

impl Append {
    /// The job for `event`, and the receiver of its sequence number (sent after the commit).
    pub(crate) fn job(event: NewEvent) -> (Box<dyn Job>, oneshot::Receiver<Result<i64, StoreError>>) {
        let (reply, answer) = oneshot::channel();
        (Box::new(Append { event, result: None, reply }), answer)
    }
}

impl Job for Append {
    fn run(&mut self, conn: &Connection) -> bool {
        let result = insert(conn, &[&self.event]).map_err(StoreError::from);
        let ok = result.is_ok();
        self.result = Some(result);
        ok
    }

    fn single_statement(&self) -> bool {
        true
    }

    fn as_append(&mut self) -> Option<&mut Append> {
        Some(self)
    }

    fn finish(self: Box<Self>, commit: Result<(), String>) {
        let answer = match (commit, self.result) {
            (Ok(()), Some(result)) => result,
            (Ok(()), None) => Err(StoreError::Other("append did not run".to_owned())),
            (Err(_), Some(Err(own))) => Err(own),
            (Err(commit), _) => Err(StoreError::Other(format!("commit failed: {commit}"))),
        };
        // The caller may have gone away (request cancelled); the push is committed regardless.
        let _ = self.reply.send(answer);
    }
}

/// Inserts the events of `appends` (a run of appends in the open transaction) and records each
/// one's sequence number or error. `Err` only when the transaction itself is gone.
pub(crate) fn insert_all(conn: &Connection, appends: &mut [&mut Append]) -> Result<(), String> {
    let mut rest = appends;
    while !rest.is_empty() {
        let rows = CHUNKS.into_iter().find(|&rows| rows <= rest.len()).unwrap_or(1);
        let (chunk, tail) = rest.split_at_mut(rows);
        let events: Vec<&NewEvent> = chunk.iter().map(|append| &append.event).collect();
        match insert(conn, &events) {
            Ok(last) => {
                for (append, seq) in chunk.iter_mut().zip(last - rows as i64 + 1..) {
                    append.result = Some(Ok(seq));
                }
            }
            // Errors that roll the whole transaction back (I/O, disk full): the group is lost.
            Err(e) if conn.is_autocommit() => return Err(e.to_string()),
            Err(e) if rows == 1 => chunk[0].result = Some(Err(e.into())),
            Err(_) => {
                for append in chunk.iter_mut() {
                    if !append.run(conn) && conn.is_autocommit() {
                        return Err("the transaction was rolled back by a failed append".to_owned());
                    }
                }
            }
        }
        rest = tail;
    }
    Ok(())
}

/// One INSERT of `events` (a size in [`CHUNKS`], normally); the last row's sequence number.
fn insert(conn: &Connection, events: &[&NewEvent]) -> rusqlite::Result<i64> {
    let sql = match CHUNKS.iter().position(|&rows| rows == events.len()) {
        Some(index) => Cow::Borrowed(INSERT_SQL[index].as_str()),
        None => Cow::Owned(insert_sql(events.len())),
    };
    let mut statement = conn.prepare_cached(&sql)?;
    for (row, event) in events.iter().enumerate() {
        let at = row * 6;
        statement.raw_bind_parameter(at + 1, &event.platform)?;
        statement.raw_bind_parameter(at + 2, event.source.as_str())?;
        statement.raw_bind_parameter(at + 3, &event.appid)?;
        statement.raw_bind_parameter(at + 4, &event.query)?;
        statement.raw_bind_parameter(at + 5, &event.body)?;
        statement.raw_bind_parameter(at + 6, event.received_at)?;
    }
    statement.raw_execute()?;
    Ok(conn.last_insert_rowid())
}
