-- +goose Up
-- What a member tells colleagues about themselves on their profile.
ALTER TABLE users
    ADD COLUMN bio text NOT NULL DEFAULT '' CHECK (length(bio) <= 1000),
    ADD COLUMN practice_setting text NOT NULL DEFAULT '',
    ADD COLUMN state text NOT NULL DEFAULT '';

-- A handle given up still leads to its member for a while (links in old
-- notifications, mentions people remember), unless someone takes it.
CREATE TABLE handle_redirects (
    old_handle text PRIMARY KEY CHECK (old_handle = lower(old_handle)),
    user_id    bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now()
);

-- +goose Down
DROP TABLE handle_redirects;
ALTER TABLE users DROP COLUMN state, DROP COLUMN practice_setting, DROP COLUMN bio;
