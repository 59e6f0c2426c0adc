-- Brand kits (issue 21): the colours, typeface, logo and background picture screens draw
-- with, as JSON documents (vitrin_shared's BrandKit, media references completed from the
-- library), set for the organization and overridden per store (NULL: the store follows the
-- organization's; an organization without one has the built-in dark kit).
ALTER TABLE orgs ADD COLUMN brand TEXT;
ALTER TABLE stores ADD COLUMN brand TEXT;
