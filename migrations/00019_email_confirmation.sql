-- +goose Up
-- A sign-up's address is confirmed through a link mailed to it. Accounts
-- made before confirmation existed, by the command line or through a
-- provider that vouches for the address count as confirmed.
ALTER TABLE users ADD COLUMN email_confirmed_at timestamptz;
UPDATE users SET email_confirmed_at = created_at;

CREATE TABLE email_confirmations (
    id         bigserial PRIMARY KEY,
    user_id    bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash bytea NOT NULL UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    used_at    timestamptz
);
CREATE INDEX email_confirmations_user_idx ON email_confirmations (user_id) WHERE used_at IS NULL;

-- +goose Down
DROP TABLE email_confirmations;
ALTER TABLE users DROP COLUMN email_confirmed_at;
