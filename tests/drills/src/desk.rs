//! The desktop core of a drill: a `fleet::Fleet` workspace in a temporary directory (key file, never
//! the OS keychain), and what the drills read back from its database to judge it.

use std::path::Path;
use std::time::Duration;

use fleet::{Fleet, FleetOptions};
use tempfile::TempDir;

/// A workspace and the core opened on it.
pub struct Desk {
    /// The workspace directory (the database, the key file).
    pub dir: TempDir,
    /// The core.
    pub fleet: Fleet,
}

impl Desk {
    /// A fresh workspace whose WeChat calls time out after `http_timeout`.
    pub fn open(http_timeout: Duration) -> Desk {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let fleet = open_fleet(dir.path(), http_timeout);
        Desk { dir, fleet }
    }

    /// Same, with the core reading the time from `clock`.
    pub fn open_with_clock(http_timeout: Duration, clock: fleet::SharedClock) -> Desk {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let fleet = Fleet::open(FleetOptions { http_timeout, clock, ..FleetOptions::in_dir_with_key_file(dir.path()) })
            .expect("the workspace opens");
        Desk { dir, fleet }
    }

    /// A read-only connection to the workspace database, for checks the core's API does not answer.
    pub fn db(&self) -> rusqlite::Connection {
        let conn = rusqlite::Connection::open_with_flags(self.dir.path().join("wxfleet.db"), rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .expect("the workspace database opens");
        conn.busy_timeout(Duration::from_secs(10)).expect("a busy timeout");
        conn
    }

    /// The raw body and state of every inbox row (duplicates and failures included), oldest first.
    pub fn inbox_rows(&self) -> Vec<InboxRow> {
        let conn = self.db();
        let mut statement = conn.prepare("SELECT body, state, kind, last_error FROM inbox ORDER BY id").expect("the inbox table");
        let rows = statement
            .query_map([], |r| Ok(InboxRow { body: r.get(0)?, state: r.get(1)?, kind: r.get(2)?, last_error: r.get(3)? }))
            .expect("the inbox rows")
            .collect::<Result<Vec<_>, _>>()
            .expect("the inbox rows");
        rows
    }
}

/// What the inbox keeps of one relay event.
#[derive(Debug, Clone)]
pub struct InboxRow {
    /// The push's raw body (the ciphertext envelope), byte-exact.
    pub body: String,
    /// `pending`, `handled`, `duplicate`, `failed`, …
    pub state: String,
    /// The event's InfoType / Event, when it opened.
    pub kind: Option<String>,
    /// Why its handling failed last, when it did.
    pub last_error: Option<String>,
}

impl InboxRow {
    /// Whether the core counts it as an event of its own (not a copy of one it has, not unreadable).
    pub fn is_delivered(&self) -> bool {
        !matches!(self.state.as_str(), "duplicate" | "failed")
    }
}

/// The core on the workspace in `dir` (what a second process, or a restart, opens).
pub fn open_fleet(dir: &Path, http_timeout: Duration) -> Fleet {
    Fleet::open(FleetOptions { http_timeout, ..FleetOptions::in_dir_with_key_file(dir) }).expect("the workspace opens")
}

/// The system clock moved forward by however much the drill says time has passed (a day away,
/// while the drill itself takes seconds); it keeps running, so the core's timers still fire.
#[derive(Debug, Default)]
pub struct JumpClock {
    jumped_ms: std::sync::atomic::AtomicI64,
}

impl JumpClock {
    /// Moves the time forward by `ms`.
    pub fn jump_ms(&self, ms: i64) {
        self.jumped_ms.fetch_add(ms, std::sync::atomic::Ordering::SeqCst);
    }
}

impl fleet::Clock for JumpClock {
    fn now_ms(&self) -> i64 {
        fleet::Clock::now_ms(&fleet::SystemClock) + self.jumped_ms.load(std::sync::atomic::Ordering::SeqCst)
    }
}
