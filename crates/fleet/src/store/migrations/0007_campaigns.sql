-- Campaigns: one template to many mini programs. Every step of every item is written here BEFORE
-- and AFTER its WeChat call, so a campaign resumed after a crash submits no mini program twice and
-- skips none.
CREATE TABLE campaigns (
    id             INTEGER PRIMARY KEY,
    platform       TEXT NOT NULL,
    template_id    INTEGER NOT NULL,
    user_version   TEXT NOT NULL,
    user_desc      TEXT NOT NULL,
    spec           TEXT NOT NULL,               -- the CampaignSpec, JSON
    state          TEXT NOT NULL,               -- ready | running | waiting_canary | paused | stopped_quota | done | cancelled
    state_reason   TEXT,                        -- why paused or stopped (JSON Problem or a word)
    canary_open    INTEGER NOT NULL DEFAULT 0,  -- the canary gate is open (passed, or overridden on resume)
    actor          TEXT NOT NULL,
    created_at     INTEGER NOT NULL,
    started_at     INTEGER,
    finished_at    INTEGER,
    updated_at     INTEGER NOT NULL
) STRICT;

CREATE TABLE campaign_items (
    id                INTEGER PRIMARY KEY,
    campaign_id       INTEGER NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    seq               INTEGER NOT NULL,          -- the order; the first K eligible are the canary
    appid             TEXT NOT NULL,
    canary            INTEGER NOT NULL DEFAULT 0,
    state             TEXT NOT NULL,             -- excluded | pending | committing | committed | submitting | submitted
                                                 -- | audit_passed | audit_rejected | releasing | released | failed | cancelled
    preflight         TEXT NOT NULL DEFAULT '{}',-- the per-app pre-flight report (JSON)
    category          TEXT,                      -- the approved category for item_list (JSON), from pre-flight
    ext_revision      INTEGER,
    audit_row         INTEGER REFERENCES audits (id),
    auditid           INTEGER,
    intent_at         INTEGER,                   -- unix ms: the in-flight step's intent
    attempts          INTEGER NOT NULL DEFAULT 0,-- failed tries of the current step
    privacy_waits     INTEGER NOT NULL DEFAULT 0,-- 61039 answers so far
    next_at           INTEGER,                   -- not before this (backoff, privacy scan, audit poll)
    release_requested INTEGER NOT NULL DEFAULT 0,
    errcode           INTEGER,
    problem           TEXT,                      -- the last error, JSON Problem
    started_at        INTEGER,
    committed_at      INTEGER,
    submitted_at      INTEGER,
    audit_at          INTEGER,
    released_at       INTEGER,
    finished_at       INTEGER,
    updated_at        INTEGER NOT NULL,
    UNIQUE (campaign_id, appid)
) STRICT;
CREATE INDEX campaign_items_state ON campaign_items (campaign_id, state);
CREATE INDEX campaign_items_app ON campaign_items (appid, state);
