-- Merchants' mini programs (authorizers) of each platform. The refresh token is in `secrets` under
-- 'authorizer/{appid}/refresh_token'.
CREATE TABLE authorizers (
    appid             TEXT PRIMARY KEY,
    component_appid   TEXT NOT NULL REFERENCES platforms (component_appid) ON DELETE CASCADE,
    nick_name         TEXT NOT NULL DEFAULT '',
    user_name         TEXT NOT NULL DEFAULT '',  -- gh_… original id
    principal_name    TEXT NOT NULL DEFAULT '',
    head_img          TEXT NOT NULL DEFAULT '',
    func_ids          TEXT NOT NULL DEFAULT '[]',-- JSON array of granted permission set ids
    status            TEXT NOT NULL,             -- 'authorized' | 'revoked'
    authorized_at     INTEGER,
    revoked_at        INTEGER,
    info_synced_at    INTEGER,
    info              TEXT NOT NULL DEFAULT '{}',-- the last api_get_authorizer_info answer (JSON)
    list_synced_at    INTEGER,                   -- last seen in api_get_authorizer_list (sync_all)
    updated_at        INTEGER NOT NULL
) STRICT;
CREATE INDEX authorizers_platform ON authorizers (component_appid);

-- Authorization codes already exchanged (api_query_auth), by hash: a code is single use at WeChat
-- and arrives twice (the `authorized` push and the relay's redirect catcher), so the second source
-- finds it done here. Only the SHA-256 of the code is kept, never the code.
CREATE TABLE auth_codes (
    code_sha256       TEXT PRIMARY KEY,
    component_appid   TEXT NOT NULL,
    appid             TEXT NOT NULL,
    link_id           TEXT,
    accepted_at       INTEGER NOT NULL
) STRICT;

-- Authorization links (the relay's one-time /authorize/{id} pages), tracked until the merchant
-- completes, the link expires or the consent fails. A pending link past expires_at reads as expired.
CREATE TABLE links (
    id                TEXT PRIMARY KEY,          -- the relay's link id
    component_appid   TEXT NOT NULL REFERENCES platforms (component_appid) ON DELETE CASCADE,
    mode              TEXT NOT NULL,             -- 'pc' | 'mobile'
    biz_appid         TEXT,
    url               TEXT NOT NULL,             -- the relay's entry URL (what the QR code holds)
    state             TEXT NOT NULL,             -- 'pending' | 'done' | 'expired' | 'failed'
    appid             TEXT,                      -- the authorized mini program, when done
    created_at        INTEGER NOT NULL,
    expires_at        INTEGER NOT NULL,
    finished_at       INTEGER
) STRICT;
CREATE INDEX links_platform ON links (component_appid, created_at);

-- Domain change requests, for the monthly quotas WeChat does not report (50 a month per mini program
-- for modify_domain, 50 per platform list): owner is the mini program or the component appid.
CREATE TABLE domain_changes (
    owner             TEXT NOT NULL,
    kind              TEXT NOT NULL,             -- 'app' | 'platform_server' | 'platform_jump'
    at                INTEGER NOT NULL           -- unix ms
) STRICT;
CREATE INDEX domain_changes_owner ON domain_changes (owner, kind, at);

-- Privacy guide templates (用户隐私保护指引), applied to many mini programs at once.
CREATE TABLE privacy_templates (
    name              TEXT PRIMARY KEY,
    owner_setting     TEXT NOT NULL,             -- JSON, as setprivacysetting spells it
    setting_list      TEXT NOT NULL,             -- JSON array of {privacy_key, privacy_text}
    updated_at        INTEGER NOT NULL
) STRICT;

-- WeChat Pay configuration per mini program. The API key and the p12 certificate are secrets
-- ('payment/{appid}/key', 'payment/{appid}/p12'); only their presence, size and fingerprint are here.
CREATE TABLE payment_configs (
    appid             TEXT PRIMARY KEY,
    mchid             TEXT NOT NULL,
    p12_size          INTEGER,
    p12_sha256        TEXT,
    updated_at        INTEGER NOT NULL
) STRICT;

-- Fast registrations (快速注册) requested by this workspace; the result arrives as the
-- notify_third_fasteregister push.
CREATE TABLE fast_registrations (
    id                INTEGER PRIMARY KEY,
    component_appid   TEXT NOT NULL REFERENCES platforms (component_appid) ON DELETE CASCADE,
    name              TEXT NOT NULL,
    code              TEXT NOT NULL,
    code_type         INTEGER NOT NULL,
    legal_persona_wechat TEXT NOT NULL,
    legal_persona_name TEXT NOT NULL,
    state             TEXT NOT NULL,             -- 'waiting' | 'done' | 'failed'
    status            INTEGER,                   -- the push's status (0 ok)
    msg               TEXT,
    appid             TEXT,
    created_at        INTEGER NOT NULL,
    finished_at       INTEGER
) STRICT;
