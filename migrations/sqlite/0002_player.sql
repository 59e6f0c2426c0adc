-- The player protocol: pairing, device tokens, commands, heartbeats, proof of play,
-- screenshots. Same as migrations/postgres/0002_player.sql except for the id column type.

-- Only the sha256 of a screen's device token is kept; NULL means not paired.
ALTER TABLE screens ADD COLUMN device_token_hash TEXT;
CREATE UNIQUE INDEX screens_device_token ON screens (device_token_hash);
ALTER TABLE screens ADD COLUMN last_seen_at BIGINT;
-- The last heartbeat, as JSON (player version, what it shows, cache and disk use, last error).
ALTER TABLE screens ADD COLUMN status TEXT;

-- A code shown by an unpaired player. The player polls with a secret only it knows; a user
-- claims the code for a screen; the next poll turns the claim into a device token.
CREATE TABLE pairings (
    code         TEXT PRIMARY KEY,
    secret_hash  TEXT NOT NULL UNIQUE,
    created_at   BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL,
    screen_id    BIGINT REFERENCES screens(id) ON DELETE CASCADE
);

-- Requests for pairing codes per client address, like login_failures.
CREATE TABLE pairing_requests (
    key           TEXT PRIMARY KEY,
    window_start  BIGINT NOT NULL,
    requests      BIGINT NOT NULL
);

-- What the push channel delivers besides manifest versions: commands (acknowledged by the
-- player) and emergency messages. The id orders them and is the resume point of a stream.
CREATE TABLE screen_events (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    screen_id   BIGINT NOT NULL REFERENCES screens(id) ON DELETE CASCADE,
    kind        TEXT NOT NULL,
    -- The event's JSON, as sent.
    payload     TEXT NOT NULL,
    -- Emergency messages only: gone when their rule is.
    rule_id     BIGINT,
    created_at  BIGINT NOT NULL,
    acked_at    BIGINT,
    ok          BOOLEAN,
    error       TEXT
);
CREATE INDEX screen_events_screen ON screen_events (screen_id, id);

-- Proof of play, one row per thing shown; (screen, event id) makes a retried batch harmless.
CREATE TABLE plays (
    screen_id    BIGINT NOT NULL REFERENCES screens(id) ON DELETE CASCADE,
    event_id     TEXT NOT NULL,
    content_id   BIGINT NOT NULL,
    playlist_id  BIGINT NOT NULL,
    layout_id    BIGINT,
    rule_id      BIGINT,
    zone         TEXT NOT NULL,
    started_at   BIGINT NOT NULL,
    ended_at     BIGINT NOT NULL,
    PRIMARY KEY (screen_id, event_id)
);

-- Plays per screen, content and hour (of its start), kept after raw rows are pruned.
CREATE TABLE play_hours (
    org_id      BIGINT NOT NULL,
    screen_id   BIGINT NOT NULL,
    content_id  BIGINT NOT NULL,
    hour        BIGINT NOT NULL,
    plays       BIGINT NOT NULL,
    play_ms     BIGINT NOT NULL,
    PRIMARY KEY (screen_id, content_id, hour)
);

CREATE TABLE screenshots (
    screen_id  BIGINT PRIMARY KEY REFERENCES screens(id) ON DELETE CASCADE,
    mime       TEXT NOT NULL,
    size       BIGINT NOT NULL,
    taken_at   BIGINT NOT NULL
);
