-- +goose Up
-- "Find yourself" on the verification form: individuals by practice state
-- and the start of their names. The C collation lets one index serve both
-- the LIKE 'smi%' prefix and the ORDER BY of the first rows.
CREATE INDEX npi_registry_name_search_idx ON npi_registry
    (practice_state, (lower(last_name)) COLLATE "C", (lower(first_name)) COLLATE "C")
    WHERE entity_type = 1;

-- A license document kept while the form comes back with errors, so the
-- member need not attach it again: one per member, for a day.
CREATE TABLE verification_drafts (
    user_id    bigint PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    token      text NOT NULL UNIQUE,
    filename   text NOT NULL,
    data       bytea NOT NULL CHECK (octet_length(data) BETWEEN 1 AND 10485760),
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL
);
CREATE INDEX verification_drafts_expiry_idx ON verification_drafts (expires_at);

-- +goose Down
DROP TABLE verification_drafts;
DROP INDEX npi_registry_name_search_idx;
