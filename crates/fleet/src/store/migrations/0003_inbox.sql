-- The event inbox: every push the relay delivered, stored byte-exact BEFORE anything is done with
-- it, then opened (signature, AES, padding, appid, XML), de-duplicated by WeChat's keys and handed
-- to its handler. Nothing is ever dropped: a push that does not open is kept with the failing step,
-- a handler error is kept on the row and retried.
CREATE TABLE inbox (
    id                INTEGER PRIMARY KEY,
    component_appid   TEXT NOT NULL REFERENCES platforms (component_appid) ON DELETE CASCADE,
    relay_log         TEXT NOT NULL DEFAULT '', -- the relay's log id (a wiped or replaced relay starts a new log at seq 1)
    relay_seq         INTEGER,                  -- the relay's sequence number in that log (NULL: not from the relay)
    source            TEXT NOT NULL,            -- 'component' | 'app' | 'authorize' | 'gap' (a reconciliation, not a push)
    appid             TEXT,                     -- the mini program of /wx/{p}/app/{appid}
    query             TEXT,                     -- the raw query string, byte-exact (NULL when sealed)
    query_sealed      BLOB,                     -- the query of 'authorize' events, which carries an auth_code: sealed
    body              TEXT NOT NULL,            -- the raw body, byte-exact (ciphertext for WeChat's pushes)
    received_at       INTEGER NOT NULL,         -- unix ms, when the relay received it
    stored_at         INTEGER NOT NULL,         -- unix ms, when this workspace stored it
    kind              TEXT,                     -- InfoType / Event / 'authorize' / 'relay_gap'; NULL when it did not open
    subject           TEXT,                     -- the mini program it is about (AuthorizerAppid, appid), when known
    create_time       INTEGER,                  -- CreateTime (unix s), when it opened
    dedup_key         TEXT,                     -- wechat::xml::Event::dedup_key
    failed_step       TEXT,                     -- 'signature' | 'xml' | 'base64' | 'aes' | 'padding' | 'length' | 'appid' | 'key'
    failed_code       INTEGER,                  -- the WXBizMsgCrypt sample code (-40001 …)
    failed_detail     TEXT,
    state             TEXT NOT NULL CHECK (state IN
                        ('pending', 'handled', 'retrying', 'error', 'failed', 'duplicate', 'unhandled', 'superseded')),
    duplicate_of      INTEGER REFERENCES inbox (id),
    attempts          INTEGER NOT NULL DEFAULT 0,
    last_error        TEXT,
    next_attempt_at   INTEGER,                  -- unix ms; set while 'pending' or 'retrying'
    handled_at        INTEGER
) STRICT;
CREATE UNIQUE INDEX inbox_relay_seq ON inbox (component_appid, relay_log, relay_seq) WHERE relay_seq IS NOT NULL;
-- One original per WeChat key; later copies are 'duplicate' and point at it.
CREATE UNIQUE INDEX inbox_dedup ON inbox (component_appid, dedup_key) WHERE dedup_key IS NOT NULL AND state <> 'duplicate' AND state <> 'failed';
CREATE INDEX inbox_due ON inbox (next_attempt_at) WHERE state IN ('pending', 'retrying');
CREATE INDEX inbox_subject ON inbox (component_appid, subject, kind);

-- Where each platform's delivery stands at its relay: the highest relay sequence number stored in
-- `inbox` (committed in the same transaction as the row), in the relay log `log_id`. Another relay
-- (or a wiped one) has another log id: the relay answers with a reset and the events from its start.
CREATE TABLE inbox_cursors (
    component_appid   TEXT PRIMARY KEY REFERENCES platforms (component_appid) ON DELETE CASCADE,
    seq               INTEGER NOT NULL,
    log_id            TEXT,                     -- NULL until the relay names its log
    updated_at        INTEGER NOT NULL
) STRICT;
