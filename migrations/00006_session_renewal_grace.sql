-- +goose Up
-- When a token is renewed, the previous one keeps working for a moment, so
-- requests already in flight from the same browser do not sign it out.
ALTER TABLE sessions
    ADD COLUMN prev_token_hash  bytea,
    ADD COLUMN prev_valid_until timestamptz;
CREATE INDEX sessions_prev_token_hash_idx ON sessions (prev_token_hash) WHERE prev_token_hash IS NOT NULL;

-- +goose Down
ALTER TABLE sessions DROP COLUMN prev_valid_until, DROP COLUMN prev_token_hash;
