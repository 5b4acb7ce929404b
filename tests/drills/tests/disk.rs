//! Fault drill: a full disk and a read-only database.
//!
//! * The disk under the workspace fills up in the middle of a campaign: the campaign stops with a
//!   problem that says the disk is full and what to do; once space is back the workspace opens,
//!   passes `PRAGMA integrity_check`, and resuming finishes the campaign with no mini program
//!   submitted or released twice.
//! * The database becomes read-only: opening it says so and what to do; mid-campaign the campaign
//!   pauses with that problem; writable again, everything is whole and resumes.
//! * The disk under the relay's log fills up: a push is answered 503 (WeChat retries), never
//!   `success`; the retry after space is back is stored once.
//!
//! On a machine where the drill may not mount a small tmpfs, SQLite's own limits stand in (see
//! `small_disk`); the drill prints which one ran.

use std::path::Path;
use std::time::Duration;

use fleet::campaigns::{Campaign, CampaignState, CampaignView, Targets};
use fleet::{Fleet, FleetOptions};
use serde_json::{json, Value};
use wxfleet_drills::sandbox_world::{run_campaign, SandboxWorld, WorldOptions};
use wxfleet_drills::small_disk::{DiskKind, SmallDisk};

const MIB: u64 = 1024 * 1024;

fn integrity(db: &Path) -> String {
    let conn = rusqlite::Connection::open(db).expect("the database opens");
    conn.query_row("PRAGMA integrity_check", [], |r| r.get::<_, String>(0)).expect("integrity_check runs")
}

/// Per mini program of campaign `id`: (commit events, release events) in the version history.
fn history_counts(db: &Path, id: i64) -> Vec<(String, i64, i64)> {
    let conn = rusqlite::Connection::open(db).expect("the database opens");
    let mut stmt = conn
        .prepare(
            "SELECT appid, SUM(kind = 'commit'), SUM(kind = 'release') FROM version_events WHERE campaign_id = ?1 GROUP BY appid ORDER BY appid",
        )
        .unwrap();
    stmt.query_map([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).unwrap().collect::<rusqlite::Result<_>>().unwrap()
}

/// Starts campaign `id` and waits for its runner to stop; returns the campaign and what the
/// workspace says about the stop: the stored reason, or the error the runner could not store.
async fn start_and_stop(fleet: &Fleet, id: i64, before_waiting: impl std::future::Future<Output = ()>) -> (Campaign, Value) {
    fleet.start_campaign(id).await.expect("the campaign starts");
    before_waiting.await;
    let stopped = tokio::time::timeout(Duration::from_secs(60), fleet.wait_campaign(id)).await.expect("the runner stops");
    let campaign = fleet.campaign(id).await.expect("the campaign can be read").campaign;
    let said = match stopped {
        Ok(stopped) => stopped.state_reason.unwrap_or(Value::Null),
        Err(unstored) => serde_json::to_value(unstored.problem()).unwrap(),
    };
    (campaign, said)
}

/// The stop's reason has `code` and says `words`.
fn assert_says(reason: &Value, code: &str, words: &[&str]) {
    assert_eq!(reason["code"], code, "{reason}");
    let message = reason["message"].as_str().unwrap_or_default();
    for word in words {
        assert!(message.contains(word), "{word:?} in {message:?}");
    }
}

async fn set_pragma(fleet: &Fleet, pragma: &'static str, value: i64) {
    fleet.store().read(move |conn| Ok(conn.pragma_update(None, pragma, value)?)).await.expect("pragma");
}

async fn page_count(fleet: &Fleet) -> i64 {
    fleet.store().read(|conn| Ok(conn.query_row("PRAGMA page_count", [], |r| r.get(0))?)).await.unwrap()
}

/// A campaign over `apps` mini programs on a workspace in `workspace_dir`, created and not started.
async fn campaign_world(workspace_dir: &Path, sandbox_dir: &Path, apps: usize) -> (SandboxWorld, Vec<String>, i64) {
    let world = SandboxWorld::start(workspace_dir, sandbox_dir, &WorldOptions { merchants: apps, ..WorldOptions::default() }).await;
    let appids = world.ready_apps(apps).await;
    let template = world.template_id("1.1.0").await;
    let mut spec = world.campaign_spec(template, "1.1.0", Targets::All);
    spec.concurrency = 4;
    let id = world.fleet.create_campaign(spec).await.expect("created").campaign.id;
    // The log is folded into the database and emptied, so the campaign's writes need new space.
    world.fleet.store().read(|conn| Ok(conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")?)).await.unwrap();
    (world, appids, id)
}

/// Resumes campaign `id` on a reopened workspace and checks it finished whole.
async fn resume_and_check(world: &SandboxWorld, db: &Path, workspace_dir: &Path, appids: &[String], id: i64) {
    assert_eq!(integrity(db), "ok");
    let reopened = Fleet::open(FleetOptions::in_dir_with_key_file(workspace_dir)).expect("the workspace opens again");
    let resumable = [CampaignState::Paused, CampaignState::StoppedQuota];
    let outcome = run_campaign(&reopened, id, true, &resumable, 3, Duration::from_secs(60)).await;
    let view: CampaignView = reopened.campaign(id).await.unwrap();
    assert_eq!(outcome.campaign.state, CampaignState::Done, "{:?} {:?}", outcome.campaign, outcome.stops);
    assert!(view.items.iter().all(|i| i.state.is_terminal()), "{:?}", view.items.iter().map(|i| i.state).collect::<Vec<_>>());
    assert_eq!(outcome.campaign.counts.released, appids.len() as u32, "{:?}", outcome.campaign.counts);
    let sim = world.sim_apps().await;
    for appid in appids {
        assert_eq!(sim[appid].submissions("1.1.0"), 1, "{appid} submitted once: {:?}", sim[appid].submitted);
        assert_eq!(sim[appid].live.as_deref(), Some("1.1.0"), "{appid}");
    }
    let history = history_counts(db, id);
    assert_eq!(history.len(), appids.len());
    assert!(history.iter().all(|(_, commits, releases)| (*commits, *releases) == (1, 1)), "one commit and one release each: {history:?}");
    assert_eq!(integrity(db), "ok");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_disk_filling_up_mid_campaign_stops_it_clearly_and_nothing_is_half_written() {
    let disk = SmallDisk::mount(24 * MIB);
    let sandbox_dir = tempfile::tempdir().unwrap();
    let workspace = disk.path().join("workspace");
    let db = workspace.join("wxfleet.db");
    let (world, appids, id) = campaign_world(&workspace, sandbox_dir.path(), 24).await;
    let fleet = &world.fleet;

    match disk.kind() {
        // Room for a few steps, not for the campaign.
        DiskKind::Tmpfs => disk.fill(96 * 1024),
        DiskKind::SqliteLimits => {
            // No free pages left to reuse, and room for a few more only.
            fleet.store().read(|conn| Ok(conn.execute_batch("VACUUM")?)).await.unwrap();
            set_pragma(fleet, "max_page_count", page_count(fleet).await + 2).await;
        }
    }
    let (stopped, said) = start_and_stop(fleet, id, async {}).await;
    let view = fleet.campaign(id).await.unwrap();
    println!(
        "disk full mid-campaign: stopped {:?} with {} of {} released; said {said}",
        stopped.state,
        stopped.counts.released,
        appids.len()
    );
    assert!(!fleet.campaign_running_here(id));
    assert_ne!(stopped.state, CampaignState::Done, "the full disk stopped it before the end: {:?}", stopped.counts);
    assert!(view.items.iter().any(|i| !i.state.is_terminal()), "work was left");
    assert_says(&said, "disk_full", &["disk is full", "free some space"]);

    // Space is back: the workspace is whole, the campaign resumes where each item stood.
    match disk.kind() {
        DiskKind::Tmpfs => disk.free(),
        DiskKind::SqliteLimits => set_pragma(fleet, "max_page_count", 1 << 30).await,
    }
    resume_and_check(&world, &db, &workspace, &appids, id).await;
    world.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_read_only_database_is_refused_clearly_and_whole_when_writable_again() {
    let disk = SmallDisk::mount(24 * MIB);
    let sandbox_dir = tempfile::tempdir().unwrap();
    let workspace = disk.path().join("workspace");
    let db = workspace.join("wxfleet.db");

    // Mid-campaign the database stops taking writes (on a live connection the kernel will not
    // remount; SQLite's query_only gives the same SQLITE_READONLY).
    let (world, appids, id) = campaign_world(&workspace, sandbox_dir.path(), 8).await;
    let fleet = &world.fleet;
    set_pragma(fleet, "query_only", 1).await;
    let refused = fleet.start_campaign(id).await.expect_err("a campaign does not start on a read-only database");
    let problem = serde_json::to_value(refused.problem()).unwrap();
    assert_says(&problem, "read_only", &["read-only", "writable again"]);
    assert_eq!(fleet.campaign(id).await.unwrap().campaign.state, CampaignState::Ready, "nothing changed");
    set_pragma(fleet, "query_only", 0).await;
    let (stopped, said) = start_and_stop(fleet, id, set_pragma(fleet, "query_only", 1)).await;
    println!("read-only mid-campaign: stopped {:?} ({} released); said {said}", stopped.state, stopped.counts.released);
    assert_ne!(stopped.state, CampaignState::Done);
    assert!(!fleet.campaign_running_here(id));
    assert_says(&said, "read_only", &["read-only", "writable again"]);
    set_pragma(fleet, "query_only", 0).await;
    resume_and_check(&world, &db, &workspace, &appids, id).await;
    world.shutdown().await;

    // Opening a workspace whose disk is read-only.
    if disk.kind() == DiskKind::Tmpfs {
        let fleet_closed = Fleet::open(FleetOptions::in_dir_with_key_file(&workspace)).expect("opens");
        drop(fleet_closed);
        disk.set_read_only(true);
        let refused = Fleet::open(FleetOptions::in_dir_with_key_file(&workspace)).map(drop).expect_err("a read-only workspace is refused");
        let problem = refused.problem();
        println!("read-only disk at open: {problem:?}");
        assert_eq!(problem.code, "read_only", "{problem:?}");
        assert!(problem.message.contains("read-only") && problem.message.contains("writable again"), "{problem:?}");
        disk.set_read_only(false);
        let reopened = Fleet::open(FleetOptions::in_dir_with_key_file(&workspace)).expect("writable again, it opens");
        assert_eq!(reopened.campaign(id).await.unwrap().campaign.state, CampaignState::Done);
        drop(reopened);
        assert_eq!(integrity(&db), "ok");
    } else {
        println!("read-only disk at open: skipped (needs a mount)");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_disk_under_the_relay_answers_pushes_503_never_success() {
    let disk = SmallDisk::mount(8 * MIB);
    if disk.kind() != DiskKind::Tmpfs {
        println!("relay on a full disk: skipped (needs a mount; the relay's store has no page limit to stand in)");
        return;
    }
    let workspace = tempfile::tempdir().unwrap();
    let sandbox_dir = disk.path().join("sandbox");
    let world = SandboxWorld::start(workspace.path(), &sandbox_dir, &WorldOptions { merchants: 1, ..WorldOptions::default() }).await;
    let relay_db = sandbox_dir.join("relay.db");
    // The bodies of the pushes the relay kept.
    let stored = || -> Vec<String> {
        let conn = rusqlite::Connection::open(&relay_db).unwrap();
        let mut stmt = conn.prepare("SELECT body FROM events ORDER BY seq").unwrap();
        stmt.query_map([], |r| r.get(0)).unwrap().collect::<rusqlite::Result<_>>().unwrap()
    };
    let deliveries = |state: &Value| state["deliveries"].as_array().cloned().unwrap_or_default();
    let before = stored();
    let delivered_before = deliveries(&world.admin_get("/admin/state").await).len();

    disk.fill(0);
    world.admin("/admin/push-ticket", json!({})).await;
    // The first attempt meets the full disk.
    let first = wait_delivery(&world, delivered_before, |d| d["attempts"].as_u64() >= Some(1) && !d["last_error"].is_null()).await;
    println!("push onto a full relay disk: {first}");
    assert_ne!(first["outcome"], "delivered", "{first}");
    assert!(first["last_error"].as_str().is_some_and(|e| e.contains("503")), "the relay answered 503: {first}");
    // The refused attempt may have reached the log after all (its commit frame was written before
    // the failure was seen): harmless: WeChat retries, and the desktop de-duplicates what it pulls.
    let kept_while_full = stored().len() - before.len();
    assert!(kept_while_full <= 1, "{kept_while_full}");

    // Space is back before WeChat's next attempt: that one is answered `success` and stored.
    disk.free();
    let done = wait_delivery(&world, delivered_before, |d| d["outcome"] != "pending").await;
    assert_eq!(done["outcome"], "delivered", "{done}");
    // Every push answered `success` is stored (the simulator's own ticket schedule may add one).
    let state = world.admin_get("/admin/state").await;
    let delivered = deliveries(&state)[delivered_before..].iter().filter(|d| d["outcome"] == "delivered").count();
    let new = stored().len() - before.len();
    println!("the relay kept {kept_while_full} refused attempt(s) while full; {new} stored for {delivered} pushes answered success");
    assert!((delivered..=delivered + 1).contains(&new), "{new} stored for {delivered} delivered: {}", state["deliveries"]);
    assert_eq!(integrity(&relay_db), "ok");
    let _ = world.sandbox.shutdown().await;
}

/// Waits (up to 20 s) until the push delivered after the first `skip` meets `pred`.
async fn wait_delivery(world: &SandboxWorld, skip: usize, pred: impl Fn(&Value) -> bool) -> Value {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let state = world.admin_get("/admin/state").await;
        if let Some(delivery) = state["deliveries"].as_array().and_then(|d| d.get(skip)) {
            if pred(delivery) {
                return delivery.clone();
            }
        }
        assert!(tokio::time::Instant::now() < deadline, "no such delivery within 20 s: {}", state["deliveries"]);
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
