-- Vitrin schema, SQLite flavour. migrations/postgres/0001_init.sql is the same schema; only the
-- id column type differs (AUTOINCREMENT on SQLite, so an id is never reused).
-- Timestamps are epoch milliseconds (BIGINT), set by the server.

CREATE TABLE orgs (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    name        TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);

CREATE TABLE stores (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id      BIGINT NOT NULL REFERENCES orgs(id),
    name        TEXT NOT NULL,
    address     TEXT NOT NULL DEFAULT '',
    timezone    TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL,
    UNIQUE (org_id, name)
);

CREATE TABLE screens (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id            BIGINT NOT NULL REFERENCES orgs(id),
    store_id          BIGINT NOT NULL REFERENCES stores(id),
    name              TEXT NOT NULL,
    orientation       TEXT NOT NULL DEFAULT 'landscape',
    default_layout_id BIGINT,
    heartbeat_secs    BIGINT NOT NULL DEFAULT 60,
    -- Bumped exactly when what the screen's manifest contains changes (manifest_hash).
    manifest_version  BIGINT NOT NULL DEFAULT 1,
    manifest_hash     TEXT NOT NULL DEFAULT '',
    created_at        BIGINT NOT NULL,
    updated_at        BIGINT NOT NULL,
    UNIQUE (store_id, name)
);
CREATE INDEX screens_org ON screens (org_id);

CREATE TABLE screen_tags (
    screen_id   BIGINT NOT NULL REFERENCES screens(id) ON DELETE CASCADE,
    tag         TEXT NOT NULL,
    PRIMARY KEY (screen_id, tag)
);

CREATE TABLE screen_groups (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id      BIGINT NOT NULL REFERENCES orgs(id),
    name        TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL,
    UNIQUE (org_id, name)
);

CREATE TABLE group_members (
    group_id    BIGINT NOT NULL REFERENCES screen_groups(id) ON DELETE CASCADE,
    screen_id   BIGINT NOT NULL REFERENCES screens(id) ON DELETE CASCADE,
    PRIMARY KEY (group_id, screen_id)
);

CREATE TABLE users (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id        BIGINT NOT NULL REFERENCES orgs(id),
    email         TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role          TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL
);

-- The stores a store manager manages.
CREATE TABLE user_stores (
    user_id     BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    store_id    BIGINT NOT NULL REFERENCES stores(id) ON DELETE CASCADE,
    PRIMARY KEY (user_id, store_id)
);

-- Only the sha256 of a session token is stored: a copy of the table opens no session.
CREATE TABLE sessions (
    token_hash  TEXT PRIMARY KEY,
    user_id     BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_tokens (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id        BIGINT NOT NULL REFERENCES orgs(id),
    user_id       BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name          TEXT NOT NULL,
    token_hash    TEXT NOT NULL UNIQUE,
    created_at    BIGINT NOT NULL,
    last_used_at  BIGINT,
    UNIQUE (user_id, name)
);

-- Failed logins per key (email, client address) in a sliding window; in the database so that
-- several server instances share one limit.
CREATE TABLE login_failures (
    key           TEXT PRIMARY KEY,
    window_start  BIGINT NOT NULL,
    failures      BIGINT NOT NULL
);

CREATE TABLE audit_log (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id       BIGINT NOT NULL REFERENCES orgs(id),
    user_id      BIGINT,
    actor        TEXT NOT NULL,
    action       TEXT NOT NULL,
    object_type  TEXT NOT NULL,
    object_id    BIGINT,
    summary      TEXT NOT NULL,
    at           BIGINT NOT NULL
);
CREATE INDEX audit_log_org ON audit_log (org_id, id);

-- Blobs are shared by every organization that uploaded the same bytes.
CREATE TABLE blobs (
    sha256       TEXT PRIMARY KEY,
    size         BIGINT NOT NULL,
    mime         TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    -- Set when the last media row using the blob goes; collected after a grace period.
    orphaned_at  BIGINT
);

CREATE TABLE media (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id       BIGINT NOT NULL REFERENCES orgs(id),
    sha256       TEXT NOT NULL REFERENCES blobs(sha256),
    name         TEXT NOT NULL,
    kind         TEXT NOT NULL,
    mime         TEXT NOT NULL,
    size         BIGINT NOT NULL,
    width        BIGINT NOT NULL,
    height       BIGINT NOT NULL,
    duration_ms  BIGINT,
    created_at   BIGINT NOT NULL,
    UNIQUE (org_id, sha256)
);

CREATE TABLE content (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id      BIGINT NOT NULL REFERENCES orgs(id),
    name        TEXT NOT NULL,
    body        TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL,
    UNIQUE (org_id, name)
);

CREATE TABLE playlists (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id      BIGINT NOT NULL REFERENCES orgs(id),
    name        TEXT NOT NULL,
    body        TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL,
    UNIQUE (org_id, name)
);

CREATE TABLE layouts (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id      BIGINT NOT NULL REFERENCES orgs(id),
    name        TEXT NOT NULL,
    body        TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL,
    UNIQUE (org_id, name)
);

CREATE TABLE rules (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id      BIGINT NOT NULL REFERENCES orgs(id),
    name        TEXT NOT NULL,
    body        TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL,
    UNIQUE (org_id, name)
);

-- Which object uses which (a playlist its content, a layout its playlists, a rule its layout,
-- content its media): a deletion that would break a user is refused with the list of users.
CREATE TABLE refs (
    org_id     BIGINT NOT NULL,
    from_kind  TEXT NOT NULL,
    from_id    BIGINT NOT NULL,
    to_kind    TEXT NOT NULL,
    to_key     TEXT NOT NULL,
    PRIMARY KEY (from_kind, from_id, to_kind, to_key)
);
CREATE INDEX refs_to ON refs (org_id, to_kind, to_key);
