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
    updated_at        INTEGER NOT NULL
) STRICT;
CREATE INDEX authorizers_platform ON authorizers (component_appid);
