//! Campaigns: one template to many mini programs — pre-flight, commit, submit, canary, release;
//! bounded concurrency and rate, quota-aware, pause/resume/cancel, resumable after a crash.
//!
//! ```text
//!  create_campaign ── targets ── pre-flight (reads only) ──▶ ready
//!  start_campaign ──▶ running ─┬─ canary (first K) ── audit results ──▶ gate open ──▶ the rest
//!                              ├─ 45009 / 85085 / queryquota 0 ──▶ stopped_quota ── resume_campaign
//!                              ├─ canary rejected ──▶ paused ── resume (go on) or cancel
//!                              └─ every item released, waiting for release, or failed ──▶ done
//! ```
//!
//! * [`spec`] — what a campaign is asked to do.
//! * [`preflight`] — the per-app checks before anything is written at WeChat.
//! * [`store`] — campaigns and items as stored, their states and the views.
//! * [`steps`] — one item's steps, intent before and result after each call.
//! * [`runner`] — the scheduler: concurrency, rate, timers, canary gate, stopping.
//! * [`lock`] — one runner per campaign across processes.

pub mod lock;
pub mod model;
pub mod pace;
pub mod preflight;
pub mod runner;
pub mod spec;
pub mod steps;
pub mod store;

use std::collections::HashMap;
use std::sync::Mutex;

use rusqlite::Connection;
use serde_json::json;
use tokio::sync::{mpsc, watch};

pub use preflight::{CheckStatus, PreflightCheck, PreflightReport};
pub use spec::{AppFilter, CampaignSpec, RetryPolicy, Targets};
pub use store::{Campaign, CampaignItem, CampaignState, CampaignView, Counts, ItemState};

use crate::error::{FleetError, Result};
use crate::Fleet;
use runner::Control;

/// The campaigns running in this process.
#[derive(Default)]
pub struct Runners {
    runs: Mutex<HashMap<i64, RunHandle>>,
    /// Why a runner stopped when even that could not be stored (a full disk, a read-only
    /// database): handed to the next [`Fleet::wait_campaign`], so the stop is not silent.
    unrecorded: Mutex<HashMap<i64, FleetError>>,
}

struct RunHandle {
    control: watch::Sender<Control>,
    wakes: mpsc::UnboundedSender<i64>,
    finished: watch::Receiver<bool>,
}

impl Runners {
    /// Tells campaign `campaign_id`'s runner (if it runs here) that item `item_id` changed.
    pub fn wake(&self, campaign_id: i64, item_id: i64) {
        if let Some(run) = self.runs.lock().unwrap_or_else(|p| p.into_inner()).get(&campaign_id) {
            let _ = run.wakes.send(item_id);
        }
    }

    /// Whether campaign `campaign_id` runs in this process.
    pub fn is_running(&self, campaign_id: i64) -> bool {
        self.runs.lock().unwrap_or_else(|p| p.into_inner()).contains_key(&campaign_id)
    }

    /// Stops the runner of `campaign_id` (if any) and waits until its calls in flight are recorded.
    async fn stop(&self, campaign_id: i64) {
        let finished = {
            let runs = self.runs.lock().unwrap_or_else(|p| p.into_inner());
            runs.get(&campaign_id).map(|run| {
                let _ = run.control.send(Control::Stop);
                run.finished.clone()
            })
        };
        if let Some(finished) = finished {
            wait_finished(finished).await;
        }
    }

    /// Waits until the runner of `campaign_id` (if any) ends by itself.
    async fn wait(&self, campaign_id: i64) {
        let finished = self.runs.lock().unwrap_or_else(|p| p.into_inner()).get(&campaign_id).map(|run| run.finished.clone());
        if let Some(finished) = finished {
            wait_finished(finished).await;
        }
    }
}

async fn wait_finished(mut finished: watch::Receiver<bool>) {
    while !*finished.borrow_and_update() {
        if finished.changed().await.is_err() {
            return;
        }
    }
}

/// Starts the runner of `campaign_id` in this process (the state is already `running`).
fn launch(fleet: &Fleet, campaign_id: i64) -> Result<()> {
    let held = lock::RunnerLock::acquire(fleet.store(), campaign_id)?;
    fleet.campaign_runners().unrecorded.lock().unwrap_or_else(|p| p.into_inner()).remove(&campaign_id);
    let (control, control_rx) = watch::channel(Control::Run);
    let (wakes, wakes_rx) = mpsc::unbounded_channel();
    let (finished_tx, finished) = watch::channel(false);
    {
        let mut runs = fleet.campaign_runners().runs.lock().unwrap_or_else(|p| p.into_inner());
        if runs.contains_key(&campaign_id) {
            return Err(FleetError::Conflict(format!("campaign {campaign_id} is already running")));
        }
        runs.insert(campaign_id, RunHandle { control, wakes, finished });
    }
    let fleet = fleet.clone();
    tokio::spawn(async move {
        if let Err(e) = runner::run(fleet.clone(), campaign_id, control_rx, wakes_rx).await {
            tracing::error!(campaign = campaign_id, error = %e, "the campaign runner stopped");
            let (now, reason) = (fleet.now_ms(), json!({ "reason": "environment", "code": e.code(), "message": e.to_string() }));
            let recorded =
                fleet.store().write(move |tx| store::set_campaign_state(tx, campaign_id, CampaignState::Paused, Some(&reason), now)).await;
            if recorded.is_err() {
                fleet.campaign_runners().unrecorded.lock().unwrap_or_else(|p| p.into_inner()).insert(campaign_id, e);
            }
        }
        drop(held);
        fleet.campaign_runners().runs.lock().unwrap_or_else(|p| p.into_inner()).remove(&campaign_id);
        let _ = finished_tx.send(true);
    });
    Ok(())
}

/// The mini programs `spec` targets, in order.
fn resolve_targets(conn: &Connection, spec: &CampaignSpec) -> Result<Vec<String>> {
    let authorized = |conn: &Connection| -> Result<Vec<(String, String)>> {
        let mut stmt = conn.prepare(
            "SELECT appid, nick_name FROM authorizers WHERE component_appid = ?1 AND status = 'authorized' ORDER BY authorized_at, appid",
        )?;
        let rows = stmt.query_map([&spec.platform], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    };
    Ok(match &spec.targets {
        spec::Targets::All => authorized(conn)?.into_iter().map(|(appid, _)| appid).collect(),
        spec::Targets::List(appids) => {
            let mut seen = std::collections::HashSet::new();
            appids.iter().map(|a| a.trim().to_owned()).filter(|a| !a.is_empty() && seen.insert(a.clone())).collect()
        }
        spec::Targets::Filter(filter) => {
            let mut chosen = Vec::new();
            for (appid, name) in authorized(conn)? {
                if filter.exclude.contains(&appid) {
                    continue;
                }
                if let Some(needle) = filter.name_contains.as_deref().filter(|n| !n.is_empty()) {
                    if !name.contains(needle) && !appid.contains(needle) {
                        continue;
                    }
                }
                if filter.skip_released {
                    let live: Option<String> = conn
                        .query_row(
                            "SELECT user_version FROM version_events WHERE appid = ?1 AND kind = 'release' ORDER BY id DESC LIMIT 1",
                            [&appid],
                            |r| r.get(0),
                        )
                        .ok()
                        .flatten();
                    if live.as_deref() == Some(spec.user_version.as_str()) {
                        continue;
                    }
                }
                chosen.push(appid);
            }
            chosen
        }
    })
}

impl Fleet {
    /// Runs the pre-flight checks of `spec` without creating anything (reads only).
    pub async fn preflight_campaign(&self, spec: &CampaignSpec) -> Result<Vec<PreflightReport>> {
        spec.validate()?;
        let copy = spec.clone();
        let appids = self.store().read(move |conn| resolve_targets(conn, &copy)).await?;
        Ok(preflight::run(self, spec, &appids).await?.into_iter().map(|p| p.report).collect())
    }

    /// Creates a campaign: resolves the targets, runs the pre-flight of every one (nothing is
    /// written at WeChat), and stores one item per mini program — those failing pre-flight as
    /// `excluded`, with the report saying why. The canary is the first K that passed.
    pub async fn create_campaign(&self, spec: CampaignSpec) -> Result<CampaignView> {
        let outcome = self.create_campaign_inner(spec).await;
        let (appids, detail) = match &outcome {
            Ok(view) => (
                view.items.iter().map(|i| i.appid.clone()).collect::<Vec<_>>(),
                format!("campaign {} ({} eligible of {})", view.campaign.id, view.campaign.counts.pending, view.campaign.counts.total),
            ),
            Err(_) => (Vec::new(), String::new()),
        };
        self.record("campaign.create", &appids, &outcome, &detail).await;
        outcome
    }

    async fn create_campaign_inner(&self, spec: CampaignSpec) -> Result<CampaignView> {
        spec.validate()?;
        self.platform(&spec.platform).await?;
        let copy = spec.clone();
        let appids = self.store().read(move |conn| resolve_targets(conn, &copy)).await?;
        if appids.is_empty() {
            return Err(FleetError::invalid("targets", format!("no authorized mini program of {} matches", spec.platform)));
        }
        let checked = preflight::run(self, &spec, &appids).await?;
        let canary = usize::try_from(spec.canary.unwrap_or(0)).unwrap_or(usize::MAX);
        let mut in_canary = 0;
        let items: Vec<(PreflightReport, bool, Option<String>)> = checked
            .into_iter()
            .map(|p| {
                let is_canary = p.report.ok && in_canary < canary;
                if is_canary {
                    in_canary += 1;
                }
                (p.report, is_canary, p.category)
            })
            .collect();
        let (actor, now) = (self.actor().to_owned(), self.now_ms());
        let id = self.store().write(move |tx| store::insert_campaign(tx, &spec, &actor, now, &items)).await?;
        self.campaign(id).await
    }

    /// Starts a created campaign in this process.
    pub async fn start_campaign(&self, id: i64) -> Result<Campaign> {
        let outcome = self.run_campaign(id, &[CampaignState::Ready], false).await;
        self.record("campaign.start", &[], &outcome, &format!("campaign {id}")).await;
        outcome
    }

    /// Resumes a campaign that is paused, stopped on a quota, or was running in a process that
    /// ended (crashed, killed, closed): every item continues from its last recorded step, and a
    /// step whose outcome was not recorded is first looked up at WeChat. Resuming past a rejected
    /// canary lets the rest go on.
    pub async fn resume_campaign(&self, id: i64) -> Result<Campaign> {
        let states = [CampaignState::Paused, CampaignState::StoppedQuota, CampaignState::Running, CampaignState::WaitingCanary];
        let outcome = self.run_campaign(id, &states, true).await;
        self.record("campaign.resume", &[], &outcome, &format!("campaign {id}")).await;
        outcome
    }

    async fn run_campaign(&self, id: i64, from: &[CampaignState], resume: bool) -> Result<Campaign> {
        if self.campaign_runners().is_running(id) {
            return Err(FleetError::Conflict(format!("campaign {id} is already running")));
        }
        let campaign = self.store().read(move |conn| store::campaign(conn, id)).await?;
        if !from.contains(&campaign.state) {
            return Err(FleetError::Conflict(format!(
                "campaign {id} is {}: it cannot be {} now",
                campaign.state.as_str(),
                if resume { "resumed" } else { "started" }
            )));
        }
        let past_canary = campaign.state == CampaignState::Paused
            && campaign
                .state_reason
                .as_ref()
                .and_then(|r| r.get("reason"))
                .and_then(|r| r.as_str())
                .is_some_and(|r| r.starts_with("canary"));
        let now = self.now_ms();
        self.store()
            .write(move |tx| {
                if past_canary {
                    store::open_canary(tx, id, now)?;
                }
                store::set_campaign_state(tx, id, CampaignState::Running, None, now)
            })
            .await?;
        if let Err(e) = launch(self, id) {
            // Put the state back: nothing runs here.
            let state = campaign.state;
            let reason = campaign.state_reason.clone();
            self.store().write(move |tx| store::set_campaign_state(tx, id, state, reason.as_ref(), now)).await?;
            return Err(e);
        }
        self.store().read(move |conn| store::campaign(conn, id)).await
    }

    /// Pauses a running campaign: nothing new starts, the calls in flight end and are recorded
    /// before this returns.
    pub async fn pause_campaign(&self, id: i64) -> Result<Campaign> {
        let outcome = self.pause_campaign_inner(id).await;
        self.record("campaign.pause", &[], &outcome, &format!("campaign {id}")).await;
        outcome
    }

    async fn pause_campaign_inner(&self, id: i64) -> Result<Campaign> {
        let campaign = self.store().read(move |conn| store::campaign(conn, id)).await?;
        if !matches!(campaign.state, CampaignState::Running | CampaignState::WaitingCanary) {
            return Err(FleetError::Conflict(format!("campaign {id} is {}, not running", campaign.state.as_str())));
        }
        self.campaign_runners().stop(id).await;
        let (now, actor) = (self.now_ms(), self.actor().to_owned());
        let reason = json!({ "reason": "operator", "code": "paused", "message": format!("paused by {actor}") });
        let campaign = self
            .store()
            .write(move |tx| {
                let current = store::campaign(tx, id)?;
                if matches!(current.state, CampaignState::Running | CampaignState::WaitingCanary) {
                    store::set_campaign_state(tx, id, CampaignState::Paused, Some(&reason), now)?;
                }
                store::campaign(tx, id)
            })
            .await?;
        runner::progress(self, id, campaign.state, &campaign.counts);
        Ok(campaign)
    }

    /// Cancels a campaign: the runner stops, submissions whose outcome is unknown are looked up at
    /// WeChat, and every item not submitted is cancelled. Submitted items keep their audits.
    pub async fn cancel_campaign(&self, id: i64) -> Result<Campaign> {
        let outcome = self.cancel_campaign_inner(id).await;
        self.record("campaign.cancel", &[], &outcome, &format!("campaign {id}")).await;
        outcome
    }

    async fn cancel_campaign_inner(&self, id: i64) -> Result<Campaign> {
        let campaign = self.store().read(move |conn| store::campaign(conn, id)).await?;
        if matches!(campaign.state, CampaignState::Cancelled) {
            return Ok(campaign);
        }
        self.campaign_runners().stop(id).await;
        let _held = lock::RunnerLock::acquire(self.store(), id)?;
        let ctx = steps::Ctx::new(self.clone(), id, campaign.spec.clone());
        let unknown = self.store().read(move |conn| store::submitting_items(conn, id)).await?;
        for item in unknown {
            let (outcome, _) = ctx.run(item, steps::Step::Settle).await;
            if let steps::StepOutcome::Pause(reason) | steps::StepOutcome::StopQuota(reason) = outcome {
                tracing::warn!(campaign = id, item, %reason, "a submission could not be looked up while cancelling");
            }
        }
        let now = self.now_ms();
        let campaign = self
            .store()
            .write(move |tx| {
                store::cancel_unsubmitted(tx, id, now)?;
                store::set_campaign_state(tx, id, CampaignState::Cancelled, None, now)?;
                store::campaign(tx, id)
            })
            .await?;
        runner::progress(self, id, campaign.state, &campaign.counts);
        Ok(campaign)
    }

    /// Releases the items whose audit passed (all, or those of `appids`) — for campaigns without
    /// auto-release. Returns how many were asked for; the runner releases them.
    pub async fn release_campaign_items(&self, id: i64, appids: Option<Vec<String>>) -> Result<u32> {
        let outcome = self.release_campaign_items_inner(id, appids.clone()).await;
        self.record("campaign.release", &appids.unwrap_or_default(), &outcome, &format!("campaign {id}")).await;
        outcome
    }

    async fn release_campaign_items_inner(&self, id: i64, appids: Option<Vec<String>>) -> Result<u32> {
        let now = self.now_ms();
        let (campaign, asked) = self
            .store()
            .write(move |tx| {
                let campaign = store::campaign(tx, id)?;
                if campaign.state == CampaignState::Cancelled {
                    return Err(FleetError::Conflict(format!("campaign {id} is cancelled: release its mini programs one by one")));
                }
                let asked = store::request_release(tx, id, appids.as_deref(), now)?;
                Ok((campaign, asked))
            })
            .await?;
        if asked == 0 {
            return Ok(0);
        }
        let runs_here = self.campaign_runners().is_running(id);
        if runs_here {
            let items = self.campaign(id).await?.items;
            for item in items.iter().filter(|i| i.release_requested && i.state == ItemState::AuditPassed) {
                self.campaign_runners().wake(id, item.id);
            }
        } else if campaign.state == CampaignState::Done {
            self.run_campaign(id, &[CampaignState::Done], true).await?;
        }
        // Paused or stopped: released when resumed.
        Ok(asked)
    }

    /// One campaign with every item (state, pre-flight report, errcode and problem, timings).
    pub async fn campaign(&self, id: i64) -> Result<CampaignView> {
        self.store()
            .read(move |conn| {
                let campaign = store::campaign(conn, id)?;
                let items = store::items(conn, id)?;
                Ok(CampaignView { campaign, items })
            })
            .await
    }

    /// Every campaign, newest first, with item counts.
    pub async fn campaigns(&self) -> Result<Vec<Campaign>> {
        self.store().read(store::campaigns).await
    }

    /// Whether campaign `id` runs in this process. A campaign stored as `running` that does not run
    /// here was interrupted (the process that ran it ended): [`Fleet::resume_campaign`] goes on.
    pub fn campaign_running_here(&self, id: i64) -> bool {
        self.campaign_runners().is_running(id)
    }

    /// Waits until this process's runner of campaign `id` stops by itself (done, paused, stopped);
    /// returns the campaign then. Returns at once when it does not run here. When the runner
    /// stopped on an error it could not even store (a full disk, a read-only database), returns
    /// that error: the campaign is still stored as running and resumes once the cause is fixed.
    pub async fn wait_campaign(&self, id: i64) -> Result<Campaign> {
        self.campaign_runners().wait(id).await;
        if let Some(error) = self.campaign_runners().unrecorded.lock().unwrap_or_else(|p| p.into_inner()).remove(&id) {
            return Err(error);
        }
        self.store().read(move |conn| store::campaign(conn, id)).await
    }
}
