-- +goose Up
-- cases.replies_version (00021) becomes cases.version: it moves whenever
-- anything every reader sees of a case's page may have changed, the case
-- itself as well as its replies. Each server keeps the whole shared part of
-- a case's page, and the lists of cases, with the versions they were read
-- at (cases.pageCache, cases.listCache); a view reads only the versions and
-- the reader's own marks, with the session, and shows what is kept while
-- they stand. The versions live here, so every instance stays exact.
ALTER TABLE cases RENAME COLUMN replies_version TO version;

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION replies_version_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE cases SET version = version + 1
    WHERE id IN (SELECT DISTINCT case_id FROM changed);
    RETURN NULL;
END
$$;
-- +goose StatementEnd

-- Any change to a case's row: an edit, an outcome, an accepted answer, its
-- tags, a moderator's hiding, a deletion, a new reply's count. An update that
-- sets the version itself (the triggers here) is not counted twice.
-- +goose StatementBegin
CREATE FUNCTION case_version_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.version = OLD.version THEN
        NEW.version := OLD.version + 1;
    END IF;
    RETURN NEW;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER case_version_row BEFORE UPDATE ON cases
    FOR EACH ROW EXECUTE FUNCTION case_version_row();

-- Images added or taken away.
CREATE TRIGGER case_version_images_inserted AFTER INSERT ON case_images
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION replies_version_bump();
CREATE TRIGGER case_version_images_deleted AFTER DELETE ON case_images
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION replies_version_bump();

-- The page names the case's author as well as the replies' authors. The
-- cases are locked in id order first, so that two renames touching the
-- same cases cannot each wait for the other; each set is found by its own
-- index.
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION replies_version_author() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM cases WHERE id IN (
        SELECT id FROM cases WHERE author_id = NEW.id
        UNION SELECT case_id FROM replies WHERE author_id = NEW.id)
    ORDER BY id FOR NO KEY UPDATE;
    UPDATE cases SET version = version + 1 WHERE id IN (
        SELECT id FROM cases WHERE author_id = NEW.id
        UNION SELECT case_id FROM replies WHERE author_id = NEW.id);
    RETURN NULL;
END
$$;
-- +goose StatementEnd

-- Named for what they now keep.
ALTER FUNCTION replies_version_bump() RENAME TO case_version_bump;
ALTER FUNCTION replies_version_author() RENAME TO case_version_author;

-- +goose Down
ALTER FUNCTION case_version_author() RENAME TO replies_version_author;
ALTER FUNCTION case_version_bump() RENAME TO replies_version_bump;
DROP TRIGGER case_version_images_deleted ON case_images;
DROP TRIGGER case_version_images_inserted ON case_images;
DROP TRIGGER case_version_row ON cases;
DROP FUNCTION case_version_row();
ALTER TABLE cases RENAME COLUMN version TO replies_version;
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION replies_version_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE cases SET replies_version = replies_version + 1
    WHERE id IN (SELECT DISTINCT case_id FROM changed);
    RETURN NULL;
END
$$;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION replies_version_author() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE cases SET replies_version = replies_version + 1
    WHERE id IN (SELECT DISTINCT case_id FROM replies WHERE author_id = NEW.id);
    RETURN NULL;
END
$$;
-- +goose StatementEnd
