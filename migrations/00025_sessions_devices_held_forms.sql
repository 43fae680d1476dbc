-- +goose Up
-- remembered: the member ticked "keep me signed in on this device"; the
-- session then lasts CURBSIDE_SESSION_REMEMBER instead of the usual limits.
ALTER TABLE sessions ADD COLUMN remembered boolean NOT NULL DEFAULT false;

-- A browser that signed in to an account before, which login throttling
-- trusts: the cookie holds a random token, and this row its hash, so the
-- trust expires here (not only in the cookie) and can be revoked.
CREATE TABLE trusted_devices (
    id           bigserial PRIMARY KEY,
    user_id      bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash   bytea NOT NULL UNIQUE,
    user_agent   text NOT NULL DEFAULT '',
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_used_at timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL
);
CREATE INDEX trusted_devices_user ON trusted_devices (user_id);

-- A form sent with a lapsed session, kept for that session's member for a
-- short while and put back into the form after they sign in again. The key
-- travels in the login's next link; only its hash is stored.
CREATE TABLE held_forms (
    key_hash   bytea PRIMARY KEY,
    user_id    bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    path       text NOT NULL,
    fields     jsonb NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL
);
CREATE INDEX held_forms_expires ON held_forms (expires_at);

-- When the member confirmed they saved their current recovery codes.
ALTER TABLE users ADD COLUMN recovery_codes_saved_at timestamptz;

-- +goose Down
ALTER TABLE users DROP COLUMN recovery_codes_saved_at;
DROP TABLE held_forms;
DROP TABLE trusted_devices;
ALTER TABLE sessions DROP COLUMN remembered;
