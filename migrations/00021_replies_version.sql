-- +goose Up
-- A case's replies_version changes whenever anything its page shows of its
-- replies may have changed: a reply written, edited, deleted, hidden or
-- marked helpful, or an author renamed. Each server keeps a case's replies
-- in memory with the version they were read at and asks PostgreSQL for the
-- rows again only when the version moved (cases.threadCache), so the
-- busiest page stops reading twenty bodies per view, and every instance
-- stays exact: the version lives here, not in any one process.
ALTER TABLE cases ADD COLUMN replies_version bigint NOT NULL DEFAULT 0;

-- +goose StatementBegin
CREATE FUNCTION replies_version_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE cases SET replies_version = replies_version + 1
    WHERE id IN (SELECT DISTINCT case_id FROM changed);
    RETURN NULL;
END
$$;
-- +goose StatementEnd

-- Statement triggers, so that a bulk insert (the synthetic seed) bumps each
-- case once. PostgreSQL allows no column list with transition tables, so
-- every UPDATE of a reply counts.
CREATE TRIGGER replies_version_inserted AFTER INSERT ON replies
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION replies_version_bump();
CREATE TRIGGER replies_version_updated AFTER UPDATE ON replies
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION replies_version_bump();
CREATE TRIGGER replies_version_deleted AFTER DELETE ON replies
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION replies_version_bump();

-- A reply shows its author's handle, name and specialty.
-- +goose StatementBegin
CREATE FUNCTION replies_version_author() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE cases SET replies_version = replies_version + 1
    WHERE id IN (SELECT DISTINCT case_id FROM replies WHERE author_id = NEW.id);
    RETURN NULL;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER replies_version_author AFTER UPDATE OF handle, display_name, specialty_id ON users
    FOR EACH ROW WHEN (OLD.handle IS DISTINCT FROM NEW.handle OR OLD.display_name IS DISTINCT FROM NEW.display_name
        OR OLD.specialty_id IS DISTINCT FROM NEW.specialty_id)
    EXECUTE FUNCTION replies_version_author();

-- +goose Down
DROP TRIGGER replies_version_author ON users;
DROP FUNCTION replies_version_author();
DROP TRIGGER replies_version_deleted ON replies;
DROP TRIGGER replies_version_updated ON replies;
DROP TRIGGER replies_version_inserted ON replies;
DROP FUNCTION replies_version_bump();
ALTER TABLE cases DROP COLUMN replies_version;
