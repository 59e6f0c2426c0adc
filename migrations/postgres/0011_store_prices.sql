-- Per-store prices of a franchise menu (issue 21): a store's own price for an item of a menu
-- content item, or for one variant of it (`variant` = '' for the item itself), and a local
-- sold-out mark. Items are found by their code, else their name (`item_key`); an override whose
-- item is gone stays, shown as stale and not applied. Applied when manifests are built.
CREATE TABLE store_prices (
    store_id    BIGINT NOT NULL REFERENCES stores(id) ON DELETE CASCADE,
    content_id  BIGINT NOT NULL REFERENCES content(id) ON DELETE CASCADE,
    item_key    TEXT NOT NULL,
    variant     TEXT NOT NULL DEFAULT '',
    price       BIGINT,
    sold_out    BOOLEAN NOT NULL DEFAULT FALSE,
    updated_at  BIGINT NOT NULL,
    PRIMARY KEY (store_id, content_id, item_key, variant)
);
CREATE INDEX store_prices_content ON store_prices (content_id);
