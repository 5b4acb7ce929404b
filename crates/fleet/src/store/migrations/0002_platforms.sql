-- Third-party platforms (component appids) of this workspace, their tickets and tokens.
-- Secrets (AppSecret, Token, EncodingAESKey, relay credential) live in `secrets`.
CREATE TABLE platforms (
    component_appid   TEXT PRIMARY KEY,
    name              TEXT NOT NULL,
    api_base_url      TEXT NOT NULL,            -- https://api.weixin.qq.com, or the simulator's URL
    relay_url         TEXT,                     -- the relay's base URL (device API and /authorize pages)
    relay_platform    TEXT,                     -- the platform's id in the relay's config
    proxy_url         TEXT,                     -- the relay's CONNECT egress proxy, when API calls go through it
    consent_origin    TEXT,                     -- where consent pages are (NULL = WeChat's); the simulator's URL in the sandbox
    sandbox           INTEGER NOT NULL DEFAULT 0,
    created_at        INTEGER NOT NULL
) STRICT;

-- The latest component_verify_ticket per platform (the ticket value itself is in `secrets` under
-- 'ticket/{appid}'). Only a push whose decrypted AppId is this platform's is stored here.
CREATE TABLE tickets (
    component_appid   TEXT PRIMARY KEY REFERENCES platforms (component_appid) ON DELETE CASCADE,
    received_at       INTEGER NOT NULL,         -- unix ms, when the push reached the relay (our edge)
    create_time       INTEGER NOT NULL          -- the push's CreateTime (unix s, WeChat's clock)
) STRICT;

-- Access tokens (component and authorizer); the value is sealed in `secrets` under
-- 'token/{kind}/{owner}'. A row without its secret (or the reverse) is ignored: both are written in
-- one transaction, and expiring a token deletes both.
CREATE TABLE tokens (
    kind              TEXT NOT NULL CHECK (kind IN ('component', 'authorizer')),
    owner             TEXT NOT NULL,            -- component appid or authorizer appid
    component_appid   TEXT NOT NULL REFERENCES platforms (component_appid) ON DELETE CASCADE,
    obtained_at       INTEGER NOT NULL,         -- unix ms (our clock)
    expires_at        INTEGER NOT NULL,         -- unix ms (our clock: obtained_at + expires_in)
    PRIMARY KEY (kind, owner)
) STRICT;
CREATE INDEX tokens_platform ON tokens (component_appid);
