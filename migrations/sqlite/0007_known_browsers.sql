-- Browsers that signed in to an account before (a random cookie; only its sha256 is kept).
-- Login rate limits count them apart, so nobody else's failures can lock them out.
CREATE TABLE known_browsers (
    token_hash  TEXT PRIMARY KEY,
    user_id     BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at  BIGINT NOT NULL
);
CREATE INDEX known_browsers_created ON known_browsers (created_at);
