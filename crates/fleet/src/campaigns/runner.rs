//! The runner of one campaign: a scheduler task that hands ready items to steps, at most
//! `concurrency` at once (a semaphore), each WeChat call paced to `rate_per_sec`.
//!
//! Items wait in one of four places: the ready queue, a timer (backoff, privacy scan, the next audit
//! poll), the canary gate, or an audit push (a wake-up from [`crate::releases::on_audit_event`]).
//! The scheduler keeps only a small view of each item; the truth is in the database, written by the
//! steps before and after every call. It stops when nothing is left to do (done), when told to
//! (pause, cancel), on an exhausted quota (stopped_quota), on a rejected canary (paused), or when
//! the environment fails (paused) — always after the calls in flight have ended and been recorded.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap, HashSet, VecDeque};
use std::sync::Arc;
use std::time::Duration;

use serde_json::{json, Value};
use tokio::sync::{mpsc, watch, Semaphore};
use tokio::task::JoinSet;

use super::spec::RetryPolicy;
use super::steps::{Ctx, Step, StepOutcome};
use super::store::{self, CampaignState, Counts, ItemLite, ItemState};
use crate::error::Result;
use crate::{Fleet, FleetEvent};

/// What the runner is told.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Control {
    /// Go on.
    Run,
    /// Start nothing new; finish what is in flight and stop (the caller records the state).
    Stop,
}

/// Where an item waits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Plan {
    /// Run this step now.
    Run(Step),
    /// Look again at this time (backoff, privacy scan, the next audit poll).
    At(i64),
    /// Behind the canary gate.
    Gate,
    /// Passed; waits for a release the operator asks for. Finished as far as the runner goes.
    Idle,
    /// Nothing more.
    Terminal,
}

struct Sched {
    items: HashMap<i64, ItemLite>,
    order: Vec<i64>,
    ready: VecDeque<i64>,
    queued: HashSet<i64>,
    in_flight: HashSet<i64>,
    timers: BinaryHeap<Reverse<(i64, i64)>>,
    has_canary: bool,
    gate_open: bool,
    auto_release: bool,
    retry: RetryPolicy,
}

impl Sched {
    fn plan(&self, item: &ItemLite, now: i64) -> Plan {
        let due = |at: Option<i64>, step| match at {
            Some(at) if at > now => Plan::At(at),
            _ => Plan::Run(step),
        };
        let gated = self.has_canary && !self.gate_open && !item.canary;
        match item.state {
            ItemState::Excluded | ItemState::AuditRejected | ItemState::Released | ItemState::Failed | ItemState::Cancelled => {
                Plan::Terminal
            }
            ItemState::Pending if gated => Plan::Gate,
            ItemState::Pending | ItemState::Committing => due(item.next_at, Step::Commit),
            ItemState::Committed | ItemState::Submitting => due(item.next_at, Step::Submit),
            ItemState::Submitted => {
                let after = ms(self.retry.audit_poll_after_ms);
                let every = ms(self.retry.audit_poll_every_ms);
                let first = item.submitted_at.unwrap_or(now).saturating_add(after);
                let next = item.last_polled_at.map_or(first, |polled| first.max(polled.saturating_add(every)));
                due(Some(next), Step::Poll)
            }
            ItemState::AuditPassed if self.auto_release || item.release_requested => due(item.next_at, Step::Release),
            ItemState::AuditPassed => Plan::Idle,
            ItemState::Releasing => due(item.next_at, Step::Release),
        }
    }

    /// Puts an item where it waits.
    fn place(&mut self, id: i64, now: i64) {
        if self.in_flight.contains(&id) {
            return;
        }
        let Some(item) = self.items.get(&id) else { return };
        match self.plan(item, now) {
            Plan::Run(_) => {
                if self.queued.insert(id) {
                    self.ready.push_back(id);
                }
            }
            Plan::At(at) => self.timers.push(Reverse((at, id))),
            Plan::Gate | Plan::Idle | Plan::Terminal => {}
        }
    }

    /// The next item to run, and its step.
    fn next_ready(&mut self, now: i64) -> Option<(i64, Step)> {
        while let Some(id) = self.ready.pop_front() {
            self.queued.remove(&id);
            let Some(item) = self.items.get(&id) else { continue };
            match self.plan(item, now) {
                Plan::Run(step) => return Some((id, step)),
                _ => self.place(id, now),
            }
        }
        None
    }

    /// Timers that are due go back through `place`; returns when the next one is due.
    fn fire_timers(&mut self, now: i64) -> Option<i64> {
        while let Some(Reverse((at, id))) = self.timers.peek().copied() {
            if at > now {
                return Some(at);
            }
            self.timers.pop();
            self.place(id, now);
        }
        None
    }

    fn counts(&self) -> Counts {
        let mut counts = Counts::default();
        for item in self.items.values() {
            counts.add(item.state);
        }
        counts
    }

    /// Nothing left that the runner could do by itself.
    fn finished(&self, now: i64) -> bool {
        self.in_flight.is_empty() && self.items.values().all(|item| matches!(self.plan(item, now), Plan::Idle | Plan::Terminal))
    }

    /// The canary's verdict once every canary item has an audit result (or failed for good).
    fn gate_verdict(&self) -> Option<Gate> {
        if !self.has_canary || self.gate_open {
            return None;
        }
        let canary: Vec<&ItemLite> = self.order.iter().filter_map(|id| self.items.get(id)).filter(|item| item.canary).collect();
        if canary.iter().any(|item| !(item.state.has_audit_result() || item.state.is_terminal())) {
            return None;
        }
        let rejected: Vec<String> = canary.iter().filter(|i| i.state == ItemState::AuditRejected).map(|i| i.appid.clone()).collect();
        if !rejected.is_empty() {
            return Some(Gate::Hold(json!({
                "reason": "canary_rejected", "code": "canary_rejected", "class": "final", "appids": rejected,
                "message": format!("the canary's audit was rejected for {}: read the reasons, then resume (the rest goes on) or cancel", rejected.join(", ")),
            })));
        }
        if canary.iter().any(|item| item.state.has_audit_result()) {
            return Some(Gate::Open);
        }
        Some(Gate::Hold(json!({
            "reason": "canary_failed", "code": "canary_failed", "class": "final",
            "message": "no canary mini program got an audit result (all failed before): read their errors, then resume or cancel",
        })))
    }

    /// Only the canary's audit results are awaited.
    fn waiting_for_canary(&self) -> bool {
        self.has_canary
            && !self.gate_open
            && self.ready.is_empty()
            && self.in_flight.is_empty()
            && self
                .items
                .values()
                .filter(|i| i.canary)
                .all(|i| !matches!(i.state, ItemState::Pending | ItemState::Committing | ItemState::Committed))
    }
}

enum Gate {
    Open,
    Hold(Value),
}

fn ms(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

/// Why the runner stops.
enum Stop {
    /// Told to: the caller records the state.
    Told,
    /// By itself, with this state and reason.
    Itself(CampaignState, Option<Value>),
}

/// Runs campaign `id` until it is done or stopped.
pub async fn run(fleet: Fleet, id: i64, mut control: watch::Receiver<Control>, mut wakes: mpsc::UnboundedReceiver<i64>) -> Result<()> {
    let campaign = fleet.store().read(move |conn| store::campaign(conn, id)).await?;
    let lites = fleet.store().read(move |conn| store::lites(conn, id)).await?;
    let spec = campaign.spec.clone();
    // One token request up front instead of one per worker racing for it.
    if let Err(e) = fleet.component_token(&spec.platform).await {
        tracing::warn!(campaign = id, error = %e, "no component token before the campaign starts");
    }
    let ctx = Arc::new(Ctx::new(fleet.clone(), id, spec.clone()));
    let mut sched = Sched {
        order: lites.iter().map(|l| l.id).collect(),
        has_canary: lites.iter().any(|l| l.canary),
        items: lites.into_iter().map(|l| (l.id, l)).collect(),
        ready: VecDeque::new(),
        queued: HashSet::new(),
        in_flight: HashSet::new(),
        timers: BinaryHeap::new(),
        gate_open: campaign.canary_open,
        auto_release: spec.auto_release,
        retry: spec.retry.clone(),
    };
    let now = fleet.now_ms();
    for id in sched.order.clone() {
        sched.place(id, now);
    }
    let semaphore = Arc::new(Semaphore::new(usize::try_from(spec.concurrency).unwrap_or(1).max(1)));
    let mut jobs: JoinSet<(i64, StepOutcome, Option<ItemLite>)> = JoinSet::new();
    let mut stop: Option<Stop> = None;
    let mut shown = campaign.state;
    let mut last_progress = None;

    loop {
        let now = fleet.now_ms();
        if stop.is_none() && *control.borrow() == Control::Stop {
            stop = Some(Stop::Told);
        }
        if stop.is_none() {
            match sched.gate_verdict() {
                Some(Gate::Open) => {
                    fleet.store().write(move |tx| store::open_canary(tx, id, now)).await?;
                    sched.gate_open = true;
                    for item in sched.order.clone() {
                        sched.place(item, now);
                    }
                }
                Some(Gate::Hold(reason)) => stop = Some(Stop::Itself(CampaignState::Paused, Some(reason))),
                None => {}
            }
        }
        if stop.is_none() {
            sched.fire_timers(now);
            while !sched.ready.is_empty() {
                let Ok(permit) = semaphore.clone().try_acquire_owned() else { break };
                let Some((item, step)) = sched.next_ready(now) else { break };
                sched.in_flight.insert(item);
                let ctx = ctx.clone();
                jobs.spawn(async move {
                    let _permit = permit;
                    let (outcome, lite) = ctx.run(item, step).await;
                    (item, outcome, lite)
                });
            }
        }
        if jobs.is_empty() {
            match stop.take() {
                Some(Stop::Told) => return Ok(()),
                Some(Stop::Itself(state, reason)) => return finish(&fleet, id, state, reason, &sched).await,
                None if sched.finished(now) => return finish(&fleet, id, CampaignState::Done, None, &sched).await,
                None => {}
            }
        }
        let showing = if sched.waiting_for_canary() { CampaignState::WaitingCanary } else { CampaignState::Running };
        if stop.is_none() && showing != shown {
            fleet.store().write(move |tx| store::set_campaign_state(tx, id, showing, None, now)).await?;
            shown = showing;
        }
        let counts = sched.counts();
        if last_progress != Some((shown, counts)) {
            last_progress = Some((shown, counts));
            progress(&fleet, id, shown, &counts);
        }

        let next_timer = sched.timers.peek().map(|Reverse((at, _))| *at);
        let sleep = next_timer.map_or(Duration::from_secs(3600), |at| Duration::from_millis(u64::try_from((at - now).max(0)).unwrap_or(0)));
        tokio::select! {
            Some(joined) = jobs.join_next(), if !jobs.is_empty() => {
                let Ok((item, outcome, lite)) = joined else { continue };
                sched.in_flight.remove(&item);
                if let Some(lite) = lite {
                    sched.items.insert(item, lite);
                }
                match outcome {
                    StepOutcome::Moved => {}
                    StepOutcome::StopQuota(reason) => {
                        if !matches!(stop, Some(Stop::Itself(CampaignState::StoppedQuota, _))) {
                            stop = Some(Stop::Itself(CampaignState::StoppedQuota, Some(reason)));
                        }
                    }
                    StepOutcome::Pause(reason) => {
                        if stop.is_none() {
                            stop = Some(Stop::Itself(CampaignState::Paused, Some(reason)));
                        }
                    }
                }
                sched.place(item, fleet.now_ms());
            }
            Some(item) = wakes.recv() => {
                if let Ok(lite) = fleet.store().read(move |conn| store::lite(conn, item)).await {
                    if sched.items.contains_key(&item) && !sched.in_flight.contains(&item) {
                        sched.items.insert(item, lite);
                        sched.place(item, fleet.now_ms());
                    }
                }
            }
            () = tokio::time::sleep(sleep), if stop.is_none() => {}
            changed = control.changed() => {
                if changed.is_err() {
                    stop.get_or_insert(Stop::Told);
                }
            }
        }
    }
}

async fn finish(fleet: &Fleet, id: i64, state: CampaignState, reason: Option<Value>, sched: &Sched) -> Result<()> {
    let now = fleet.now_ms();
    fleet.store().write(move |tx| store::set_campaign_state(tx, id, state, reason.as_ref(), now)).await?;
    progress(fleet, id, state, &sched.counts());
    Ok(())
}

/// Emits the campaign's progress.
pub fn progress(fleet: &Fleet, id: i64, state: CampaignState, counts: &Counts) {
    fleet.emit(FleetEvent::CampaignProgress {
        campaign_id: id,
        state: state.as_str().to_owned(),
        done: counts.done(),
        failed: counts.failed_for_good(),
        total: counts.total,
    });
}
