-- Report queries read only these indexes (no table lookups): the range condition leads, then
-- every column a report groups by or sums. Measured by `vitrin-load reports` (BENCHMARKS.md).
CREATE INDEX play_quarters_report
    ON play_quarters (org_id, quarter, screen_id, content_id, playlist_id, plays, play_ms);
DROP INDEX play_quarters_org;
CREATE INDEX screen_minutes_report ON screen_minutes (org_id, minute, screen_id);
DROP INDEX screen_minutes_org;
