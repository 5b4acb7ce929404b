-- Each mini program's version history: every commit, audit, release, gray release, revert and
-- visit-status change, with its time and actor. Audits have a row of their own that follows the audit
-- (submitting → pending → delayed → passed/rejected/withdrawn); `version_events` is the append-only
-- story told to the staff.

-- One row per submission. Written BEFORE `submit_audit` is called (status 'submitting', no auditid):
-- a process killed during the call leaves the row, and recovery asks WeChat whether it went through.
CREATE TABLE audits (
    id             INTEGER PRIMARY KEY,
    appid          TEXT NOT NULL,
    auditid        INTEGER,                    -- WeChat's; NULL until the submission's answer is known
    template_id    INTEGER,
    user_version   TEXT NOT NULL,
    user_desc      TEXT NOT NULL DEFAULT '',
    status         TEXT NOT NULL,              -- submitting | pending | delayed | passed | rejected | withdrawn
    intent_at      INTEGER NOT NULL,           -- unix ms, when the submission was decided
    submitted_at   INTEGER,                    -- unix ms
    result_at      INTEGER,                    -- unix ms (WeChat's SuccTime / FailTime)
    reason         TEXT,                       -- rejection or delay reason, as WeChat wrote it
    screenshots    TEXT NOT NULL DEFAULT '[]', -- JSON array of media ids
    actor          TEXT NOT NULL,
    campaign_id    INTEGER,
    last_polled_at INTEGER                     -- unix ms, last get_auditstatus
) STRICT;
CREATE INDEX audits_app ON audits (appid, id);
CREATE UNIQUE INDEX audits_auditid ON audits (appid, auditid) WHERE auditid IS NOT NULL;
CREATE INDEX audits_open ON audits (status) WHERE status IN ('submitting', 'pending', 'delayed');

-- The history shown per mini program.
CREATE TABLE version_events (
    id             INTEGER PRIMARY KEY,
    appid          TEXT NOT NULL,
    kind           TEXT NOT NULL,   -- commit | submit_audit | audit_passed | audit_rejected | audit_delayed | undo_audit
                                    -- | speedup_audit | release | gray_release | revert | visit_status
    at             INTEGER NOT NULL,-- unix ms
    actor          TEXT NOT NULL,   -- the operator, or 'wechat' for audit results
    template_id    INTEGER,
    user_version   TEXT,
    user_desc      TEXT,
    ext_revision   INTEGER,         -- the merchant's ext_json revision committed
    audit_row      INTEGER REFERENCES audits (id),
    campaign_id    INTEGER,
    detail         TEXT NOT NULL DEFAULT '{}' -- JSON: gray_percentage, app_version, action, reason, screenshots, ...
) STRICT;
CREATE INDEX version_events_app ON version_events (appid, id);
CREATE INDEX version_events_kind ON version_events (appid, kind, at);
