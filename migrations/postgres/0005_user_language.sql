-- The browser admin's language per user ('en' or 'fa'); NULL follows the browser's language.
ALTER TABLE users ADD COLUMN language TEXT;
