-- Live feeds: news, weather and currency sources with their last good data and refresh
-- state. Same as migrations/postgres/0003_feeds.sql except for the id column type.

CREATE TABLE feeds (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id            BIGINT NOT NULL REFERENCES orgs(id),
    name              TEXT NOT NULL,
    -- What content may show it: news | weather | currency.
    kind              TEXT NOT NULL,
    -- Where and how it is fetched, as JSON (the API's `source`).
    source            TEXT NOT NULL,
    -- Fetched every interval_secs, or on the cron line read in timezone; both NULL for rates
    -- typed in by hand.
    interval_secs     BIGINT,
    cron              TEXT,
    timezone          TEXT,
    stale_after_secs  BIGINT NOT NULL,
    -- The last good data (JSON of the wire type FeedData) and when it arrived; NULL until the
    -- first success. Kept through failures.
    data              TEXT,
    data_at           BIGINT,
    -- What manifests say: set by the refresh loop when last_success_at grows too old.
    stale             BOOLEAN NOT NULL DEFAULT FALSE,
    last_attempt_at   BIGINT,
    last_success_at   BIGINT,
    -- Why the last attempt failed, in words; NULL after a success.
    last_error        TEXT,
    -- Failures in a row, for the back-off.
    failures          BIGINT NOT NULL DEFAULT 0,
    -- NULL: never fetched (rates typed in by hand).
    next_refresh_at   BIGINT,
    -- Held by the server instance fetching the source, so no other one fetches it at once.
    lease_owner       TEXT,
    lease_until       BIGINT,
    created_at        BIGINT NOT NULL,
    updated_at        BIGINT NOT NULL,
    UNIQUE (org_id, name)
);
CREATE INDEX feeds_due ON feeds (next_refresh_at);
CREATE INDEX feeds_org ON feeds (org_id);
