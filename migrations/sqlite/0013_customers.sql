-- After the scan (issue 22): feedback, one-time offer codes, loyalty stamps. Nothing here names
-- a person unless they chose to give it for a stated purpose: feedback's contact and signature
-- are optional, phone numbers are kept only as a salted hash, and a customer can delete what
-- they gave (feedback by the link they were shown, a card from the card itself).

-- Feedback left through a QR promo's form, about the store of the screen it was scanned on.
CREATE TABLE feedback (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id       BIGINT NOT NULL REFERENCES orgs(id),
    store_id     BIGINT NOT NULL REFERENCES stores(id) ON DELETE CASCADE,
    screen_id    BIGINT NOT NULL,
    content_id   BIGINT NOT NULL,
    at           BIGINT NOT NULL,
    rating       INTEGER NOT NULL,
    comment      TEXT NOT NULL DEFAULT '',
    -- The name the customer signs a review with, if they want it shown.
    signed       TEXT NOT NULL DEFAULT '',
    -- Given only to be contacted about this feedback.
    contact      TEXT NOT NULL DEFAULT '',
    -- The customer agreed that the comment may be shown on the shop's screens.
    public       BOOLEAN NOT NULL DEFAULT FALSE,
    lang         TEXT NOT NULL DEFAULT 'fa',
    -- new | read | approved | hidden. Approved comments appear in reviews content.
    status       TEXT NOT NULL DEFAULT 'new',
    -- sha256 of the link the customer was given to delete it.
    delete_hash  TEXT NOT NULL UNIQUE
);
CREATE INDEX feedback_org_at ON feedback (org_id, at);
CREATE INDEX feedback_store_status ON feedback (store_id, status);

-- One-time codes of offers. Only the hash of a code is kept; the customer's page shows it.
CREATE TABLE offer_codes (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id          BIGINT NOT NULL REFERENCES orgs(id),
    content_id      BIGINT NOT NULL,
    screen_id       BIGINT NOT NULL,
    store_id        BIGINT NOT NULL,
    code_hash       TEXT NOT NULL UNIQUE,
    issued_at       BIGINT NOT NULL,
    expires_at      BIGINT NOT NULL,
    redeemed_at     BIGINT,
    redeemed_by     BIGINT,
    redeemed_store  BIGINT
);
CREATE INDEX offer_codes_promo ON offer_codes (org_id, content_id, issued_at);
CREATE INDEX offer_codes_redeemed ON offer_codes (org_id, redeemed_at);

-- Codes handed out per offer: the limit holds under concurrent scans.
CREATE TABLE offer_counts (
    content_id  BIGINT PRIMARY KEY,
    issued      BIGINT NOT NULL
);

-- An organization's loyalty programme: every `every_nth` stamp is `reward`.
CREATE TABLE loyalty_programs (
    org_id      BIGINT PRIMARY KEY REFERENCES orgs(id),
    every_nth   INTEGER NOT NULL,
    reward      TEXT NOT NULL,
    -- Salts the phone hashes of this organization's cards.
    phone_salt  TEXT NOT NULL,
    updated_at  BIGINT NOT NULL
);

CREATE TABLE loyalty_cards (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id      BIGINT NOT NULL REFERENCES orgs(id),
    phone_hash  TEXT NOT NULL,
    -- The customer's browser holds the token; the counter scans the code derived from it.
    token_hash  TEXT NOT NULL UNIQUE,
    code_hash   TEXT NOT NULL UNIQUE,
    -- Stamps since the last reward.
    stamps      INTEGER NOT NULL DEFAULT 0,
    created_at  BIGINT NOT NULL,
    UNIQUE (org_id, phone_hash)
);

-- A stamp: one visit of a card at a store. `free` marks the visit that was the reward.
CREATE TABLE loyalty_visits (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id    BIGINT NOT NULL,
    card_id   BIGINT NOT NULL REFERENCES loyalty_cards(id) ON DELETE CASCADE,
    store_id  BIGINT NOT NULL,
    at        BIGINT NOT NULL,
    free      BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX loyalty_visits_store ON loyalty_visits (org_id, store_id, at);
CREATE INDEX loyalty_visits_card ON loyalty_visits (card_id, at);

-- A phone number being confirmed by a one-time code sent by SMS.
CREATE TABLE phone_challenges (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id      BIGINT NOT NULL,
    phone_hash  TEXT NOT NULL,
    code_hash   TEXT NOT NULL,
    -- Ties the confirmation to the browser that asked for the code.
    token_hash  TEXT NOT NULL UNIQUE,
    expires_at  BIGINT NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 0
);
