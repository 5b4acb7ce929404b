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
-- 'ticket/{appid}').
CREATE TABLE tickets (
    component_appid   TEXT PRIMARY KEY REFERENCES platforms (component_appid) ON DELETE CASCADE,
    received_at       INTEGER NOT NULL,         -- unix ms, when the push arrived
    create_time       INTEGER NOT NULL          -- the push's CreateTime (unix s)
) STRICT;

-- Access tokens (component and authorizer); the value is in `secrets` under 'token/{kind}/{owner}'.
CREATE TABLE tokens (
    kind              TEXT NOT NULL,            -- 'component' | 'authorizer'
    owner             TEXT NOT NULL,            -- component appid or authorizer appid
    obtained_at       INTEGER NOT NULL,         -- unix ms
    expires_at        INTEGER NOT NULL,         -- unix ms
    PRIMARY KEY (kind, owner)
) STRICT;
