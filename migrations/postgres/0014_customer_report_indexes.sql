-- The customer reports (server/src/customer_reports.rs) read only these indexes, no table rows.
-- Measured by `vitrin-load customers` (BENCHMARKS.md): over a million codes the offers report
-- took 1.4–1.7 s on SQLite through `offer_codes_promo` (its range column is third, so every
-- code of the organization was read, each with a table lookup). The report groups by
-- `+t.content_id` on SQLite so that it does not go back to that index for its promo order.
CREATE INDEX offer_codes_report
    ON offer_codes (org_id, issued_at, content_id, screen_id, store_id, redeemed_at);
CREATE INDEX feedback_report ON feedback (org_id, at, store_id, screen_id, rating);
-- Loyalty groups visits per store and card: in this order the grouping needs no sort, and the
-- "no visit before" probe for new cards is one seek. On SQLite the report's range condition
-- is written `+t.at` so that it does not prefer `loyalty_visits_store` (a skip-scan, a table
-- lookup and a sort per visit: 4.2 s over a million visits, 0.6 s with this index).
CREATE INDEX loyalty_visits_report ON loyalty_visits (org_id, store_id, card_id, at);
