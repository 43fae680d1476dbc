-- +goose Up
-- A local copy of the NPPES NPI registry, loaded from CMS's monthly full file
-- and weekly incremental files, so applicants can be checked without calling
-- an outside service. Only the columns verification needs are kept.
CREATE TABLE npi_registry (
    npi                  text PRIMARY KEY CHECK (npi ~ '^[12][0-9]{9}$'),
    -- 1 individual, 2 organization; NPPES blanks it on deactivated NPIs
    entity_type          smallint CHECK (entity_type IN (1, 2)),
    first_name           text NOT NULL DEFAULT '',
    middle_name          text NOT NULL DEFAULT '',
    last_name            text NOT NULL DEFAULT '',
    organization_name    text NOT NULL DEFAULT '',
    credential           text NOT NULL DEFAULT '',
    practice_city        text NOT NULL DEFAULT '',
    practice_state       text NOT NULL DEFAULT '',
    practice_postal_code text NOT NULL DEFAULT '',
    enumeration_date     date,
    last_update_date     date,
    deactivation_date    date,
    reactivation_date    date,
    -- up to 15 {taxonomy_code, license_number, license_state, primary}, in file order
    licenses             jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(licenses) = 'array'),
    -- when an import last inserted or changed the row; unchanged rows keep it
    imported_at          timestamptz NOT NULL DEFAULT now()
);

-- +goose Down
DROP TABLE npi_registry;
