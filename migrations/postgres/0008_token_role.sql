-- The role an API token acts with at most ('owner', 'store_manager', 'editor', 'viewer'); NULL
-- acts with its user's role. A token never acts above its user's current role.
ALTER TABLE api_tokens ADD COLUMN role TEXT;
