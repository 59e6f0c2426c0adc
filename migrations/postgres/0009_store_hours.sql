-- Store hours (issue 20): opening hours and dayparts as JSON documents (vitrin_shared's
-- StoreHours and [Daypart]), set once for the organization and overridden per store (NULL:
-- the store follows the organization's; an organization without hours is always open and has
-- the built-in dayparts). Screens sleep outside opening hours unless told not to.
ALTER TABLE orgs ADD COLUMN hours TEXT;
ALTER TABLE orgs ADD COLUMN dayparts TEXT;
ALTER TABLE stores ADD COLUMN hours TEXT;
ALTER TABLE stores ADD COLUMN dayparts TEXT;
ALTER TABLE screens ADD COLUMN sleep_when_closed BOOLEAN NOT NULL DEFAULT TRUE;
ALTER TABLE screens ADD COLUMN wake_minutes_before BIGINT NOT NULL DEFAULT 10;
