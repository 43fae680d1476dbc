-- +goose Up
-- Derived versions of a stored file (a thumbnail, a preview), kept with it
-- and gone with it.
CREATE TABLE file_variants (
    file_id      bigint NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    name         text NOT NULL CHECK (name ~ '^[a-z][a-z0-9_]{0,30}$'),
    content_type text NOT NULL CHECK (content_type IN ('image/png', 'image/jpeg')),
    size_bytes   integer NOT NULL CHECK (size_bytes > 0),
    width        integer,
    height       integer,
    data         bytea NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (file_id, name)
);

-- +goose Down
DROP TABLE file_variants;
