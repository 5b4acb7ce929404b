-- Drafts and the template library of each platform, as last synced from WeChat, with the local
-- metadata WeChat knows nothing about; and each mini program's ext_json configuration with its history.

-- The draft box as the last sync saw it (WeChat keeps only the latest upload per development mini
-- program, so a sync replaces the platform's rows).
CREATE TABLE template_drafts (
    component_appid           TEXT NOT NULL REFERENCES platforms (component_appid) ON DELETE CASCADE,
    draft_id                  INTEGER NOT NULL,
    user_version              TEXT NOT NULL,
    user_desc                 TEXT NOT NULL,
    create_time               INTEGER NOT NULL,       -- unix s, WeChat's
    source_miniprogram_appid  TEXT,
    source_miniprogram        TEXT,
    developer                 TEXT,
    synced_at                 INTEGER NOT NULL,       -- unix ms
    PRIMARY KEY (component_appid, draft_id)
) STRICT;

-- The template library. Rows are never deleted: a template WeChat no longer lists gets `gone_at`
-- (commits in the history still name it).
CREATE TABLE templates (
    component_appid           TEXT NOT NULL REFERENCES platforms (component_appid) ON DELETE CASCADE,
    template_id               INTEGER NOT NULL,
    template_type             INTEGER NOT NULL DEFAULT 0,  -- 0 ordinary, 1 standard
    user_version              TEXT NOT NULL,
    user_desc                 TEXT NOT NULL,
    create_time               INTEGER NOT NULL,       -- unix s, WeChat's
    draft_id                  INTEGER,
    source_miniprogram_appid  TEXT,
    source_miniprogram        TEXT,
    developer                 TEXT,
    audit_status              INTEGER,                -- standard templates only
    reason                    TEXT,
    category_list             TEXT NOT NULL DEFAULT '[]',  -- JSON, as WeChat sent it
    first_seen_at             INTEGER NOT NULL,       -- unix ms
    synced_at                 INTEGER NOT NULL,       -- unix ms, the last sync that listed it
    gone_at                   INTEGER,                -- unix ms, when a sync or a delete found it gone
    PRIMARY KEY (component_appid, template_id)
) STRICT;

-- What the agency knows about a template: never touched by a sync.
CREATE TABLE template_meta (
    component_appid   TEXT NOT NULL,
    template_id       INTEGER NOT NULL,
    changelog         TEXT NOT NULL DEFAULT '',
    screenshots       TEXT NOT NULL DEFAULT '[]',   -- JSON [{path, caption}]
    ext_schema        TEXT,                         -- JSON Schema of the `ext` object
    requirements      TEXT NOT NULL DEFAULT '{}',   -- JSON (domains, privacy keys, categories, base library)
    updated_at        INTEGER NOT NULL,
    updated_by        TEXT NOT NULL,
    PRIMARY KEY (component_appid, template_id),
    FOREIGN KEY (component_appid, template_id) REFERENCES templates (component_appid, template_id) ON DELETE CASCADE
) STRICT;

-- Every saved ext_json configuration of a mini program: {"ext": {...}, "window": ..., ...} without
-- `extAppid` (added when composing). Append-only.
CREATE TABLE ext_revisions (
    id                INTEGER PRIMARY KEY,
    appid             TEXT NOT NULL REFERENCES authorizers (appid) ON DELETE CASCADE,
    template_id       INTEGER NOT NULL,             -- the template whose schema it was checked against
    config            TEXT NOT NULL,                -- JSON
    actor             TEXT NOT NULL,
    created_at        INTEGER NOT NULL
) STRICT;
CREATE INDEX ext_revisions_appid ON ext_revisions (appid, id);

-- Every wxa/commit, recorded by the releases area inside its commit transaction: which configuration
-- (NULL when the mini program had none) went out with which template. The latest row per mini
-- program is what "diff against the committed" compares with, and what keeps a template in use.
CREATE TABLE ext_commits (
    id                INTEGER PRIMARY KEY,
    appid             TEXT NOT NULL REFERENCES authorizers (appid) ON DELETE CASCADE,
    revision_id       INTEGER REFERENCES ext_revisions (id),
    template_id       INTEGER NOT NULL,
    committed_at      INTEGER NOT NULL
) STRICT;
CREATE INDEX ext_commits_appid ON ext_commits (appid, id);
