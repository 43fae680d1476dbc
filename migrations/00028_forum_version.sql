-- +goose Up
-- forum_version moves with every statement that changes any case (and so
-- with every reply, tag, hiding or author rename, which all touch their
-- cases: 00021, 00027). Each server keeps the lists of cases it has shown
-- with the version they were read at (cases.listCache); a list view reads
-- the version and the reader's own marks with the session, and shows the
-- kept list while the version stands.
--
-- One row: a statement that changes cases holds its lock until it commits,
-- so writes to the forum take turns here. They are a member's post or edit
-- at a time, each a short transaction; none changes two cases in separate
-- statements, so no two can wait on each other.
CREATE TABLE forum_version (
    one boolean PRIMARY KEY DEFAULT true CHECK (one),
    version bigint NOT NULL
);
INSERT INTO forum_version (version) VALUES (0);

-- +goose StatementBegin
CREATE FUNCTION forum_version_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE forum_version SET version = version + 1;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER forum_version_cases AFTER INSERT OR UPDATE OR DELETE ON cases
    FOR EACH STATEMENT EXECUTE FUNCTION forum_version_bump();

-- +goose Down
DROP TRIGGER forum_version_cases ON cases;
DROP FUNCTION forum_version_bump();
DROP TABLE forum_version;
