-- Reports and QR promos. The same in migrations/sqlite and migrations/postgres (no id columns).
-- Quarter hours (900 000 ms) line up with every local hour, +03:30 and +05:45 included, so
-- reports can group by the local hour or day of any timezone.

-- Plays per screen, content, playlist and quarter hour (of their start). Aggregates are kept
-- for good; raw `plays` rows only for the configured retention.
CREATE TABLE play_quarters (
    org_id       BIGINT NOT NULL,
    screen_id    BIGINT NOT NULL,
    content_id   BIGINT NOT NULL,
    playlist_id  BIGINT NOT NULL,
    quarter      BIGINT NOT NULL,
    plays        BIGINT NOT NULL,
    play_ms      BIGINT NOT NULL,
    PRIMARY KEY (screen_id, content_id, playlist_id, quarter)
);
CREATE INDEX play_quarters_org ON play_quarters (org_id, quarter);

-- What was already played before this migration.
INSERT INTO play_quarters (org_id, screen_id, content_id, playlist_id, quarter, plays, play_ms)
SELECT s.org_id, p.screen_id, p.content_id, p.playlist_id,
       p.started_at - (p.started_at % 900000), COUNT(*), SUM(p.ended_at - p.started_at)
FROM plays p JOIN screens s ON s.id = p.screen_id
GROUP BY s.org_id, p.screen_id, p.content_id, p.playlist_id, p.started_at - (p.started_at % 900000);

-- Scans of a QR promo's tracked link, per promo, screen and quarter hour. Only counts: no
-- address, user agent, cookie or other personal data is stored, ever.
CREATE TABLE scan_quarters (
    org_id      BIGINT NOT NULL,
    content_id  BIGINT NOT NULL,
    screen_id   BIGINT NOT NULL,
    quarter     BIGINT NOT NULL,
    scans       BIGINT NOT NULL,
    PRIMARY KEY (content_id, screen_id, quarter)
);
CREATE INDEX scan_quarters_org ON scan_quarters (org_id, quarter);

-- The minutes a screen counted as online: each heartbeat marks the minutes its interval
-- covers. Raw data: pruned after the raw retention like `plays`.
CREATE TABLE screen_minutes (
    org_id     BIGINT NOT NULL,
    screen_id  BIGINT NOT NULL,
    minute     BIGINT NOT NULL,
    PRIMARY KEY (screen_id, minute)
);
CREATE INDEX screen_minutes_org ON screen_minutes (org_id, minute);
