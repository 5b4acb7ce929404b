-- The workspace's own bookkeeping: secrets (encrypted) and the operator audit log.

-- Every secret, sealed with AES-256-GCM under the master key; the name is the associated data, so a
-- sealed value cannot be moved to another name. Names: 'platform/{appid}/appsecret', '…/token',
-- '…/aes_key', '…/relay_credential', 'authorizer/{appid}/refresh_token', 'token/{kind}/{owner}',
-- 'payment/{appid}/key', 'payment/{appid}/p12'.
CREATE TABLE secrets (
    name        TEXT PRIMARY KEY,
    sealed      BLOB NOT NULL,
    updated_at  INTEGER NOT NULL
) STRICT;

-- Every operator action: who, what, on which mini programs, and how it ended.
CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    at          INTEGER NOT NULL,          -- unix ms
    actor       TEXT NOT NULL,
    action      TEXT NOT NULL,             -- e.g. 'platform.add', 'app.commit', 'campaign.start'
    appids      TEXT NOT NULL DEFAULT '[]',-- JSON array
    result      TEXT NOT NULL,             -- 'ok' or the error code
    detail      TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX audit_log_at ON audit_log (at);

-- Small workspace settings (the sandbox's addresses, the UI language, ...).
CREATE TABLE settings (
    key         TEXT PRIMARY KEY,
    value       TEXT NOT NULL
) STRICT;
