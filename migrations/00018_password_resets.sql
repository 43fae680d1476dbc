-- +goose Up
-- Links that let a member who forgot their password set a new one: single
-- use, an hour long, kept as the token's hash only.
CREATE TABLE password_resets (
    id         bigserial PRIMARY KEY,
    user_id    bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash bytea NOT NULL UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    used_at    timestamptz
);
CREATE INDEX password_resets_user_idx ON password_resets (user_id) WHERE used_at IS NULL;

-- +goose Down
DROP TABLE password_resets;
