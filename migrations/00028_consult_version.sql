-- +goose Up
-- consults.version moves whenever anything a consult's page shows may have
-- changed: the consult's own row (a claim, a status, a rating, a reminder),
-- its messages, events and attachments, and the names of the members it
-- shows. Each server keeps a consult's page with the version it was read
-- at (consults.pageCache); a view reads the version with the session and
-- reads the page again only when it moved, on whichever instance. Who may
-- see the page is decided from the viewer and the kept consult, as before.
ALTER TABLE consults ADD COLUMN version bigint NOT NULL DEFAULT 0;

-- +goose StatementBegin
CREATE FUNCTION consult_version_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.version = OLD.version THEN
        NEW.version := OLD.version + 1;
    END IF;
    RETURN NEW;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER consult_version_row BEFORE UPDATE ON consults
    FOR EACH ROW EXECUTE FUNCTION consult_version_row();

-- +goose StatementBegin
CREATE FUNCTION consult_version_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE consults SET version = version + 1
    WHERE id IN (SELECT DISTINCT consult_id FROM changed);
    RETURN NULL;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER consult_version_messages_inserted AFTER INSERT ON consult_messages
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION consult_version_bump();
CREATE TRIGGER consult_version_messages_updated AFTER UPDATE ON consult_messages
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION consult_version_bump();
CREATE TRIGGER consult_version_messages_deleted AFTER DELETE ON consult_messages
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION consult_version_bump();
CREATE TRIGGER consult_version_events_inserted AFTER INSERT ON consult_events
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION consult_version_bump();
CREATE TRIGGER consult_version_attachments_inserted AFTER INSERT ON consult_attachments
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION consult_version_bump();
CREATE TRIGGER consult_version_attachments_deleted AFTER DELETE ON consult_attachments
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION consult_version_bump();

-- The page names the requester, the addressee, the consultant, and the
-- authors of its messages and events. The consults are locked in id order
-- first, so that two renames touching the same consults cannot each wait
-- for the other; each set is found by its own index.
CREATE INDEX consults_addressed_to_idx ON consults (addressed_to) WHERE addressed_to IS NOT NULL;
CREATE INDEX consult_messages_author_idx ON consult_messages (author_id);
CREATE INDEX consult_events_actor_idx ON consult_events (actor_id) WHERE actor_id IS NOT NULL;

-- +goose StatementBegin
CREATE FUNCTION consult_version_member() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM consults WHERE id IN (
        SELECT id FROM consults WHERE requester_id = NEW.id
        UNION SELECT id FROM consults WHERE consultant_id = NEW.id
        UNION SELECT id FROM consults WHERE addressed_to = NEW.id
        UNION SELECT consult_id FROM consult_messages WHERE author_id = NEW.id
        UNION SELECT consult_id FROM consult_events WHERE actor_id = NEW.id)
    ORDER BY id FOR NO KEY UPDATE;
    UPDATE consults SET version = version + 1 WHERE id IN (
        SELECT id FROM consults WHERE requester_id = NEW.id
        UNION SELECT id FROM consults WHERE consultant_id = NEW.id
        UNION SELECT id FROM consults WHERE addressed_to = NEW.id
        UNION SELECT consult_id FROM consult_messages WHERE author_id = NEW.id
        UNION SELECT consult_id FROM consult_events WHERE actor_id = NEW.id);
    RETURN NULL;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER consult_version_member AFTER UPDATE OF handle, display_name ON users
    FOR EACH ROW WHEN (OLD.handle IS DISTINCT FROM NEW.handle OR OLD.display_name IS DISTINCT FROM NEW.display_name)
    EXECUTE FUNCTION consult_version_member();

-- +goose Down
DROP TRIGGER consult_version_member ON users;
DROP FUNCTION consult_version_member();
DROP INDEX consult_events_actor_idx;
DROP INDEX consult_messages_author_idx;
DROP INDEX consults_addressed_to_idx;
DROP TRIGGER consult_version_attachments_deleted ON consult_attachments;
DROP TRIGGER consult_version_attachments_inserted ON consult_attachments;
DROP TRIGGER consult_version_events_inserted ON consult_events;
DROP TRIGGER consult_version_messages_deleted ON consult_messages;
DROP TRIGGER consult_version_messages_updated ON consult_messages;
DROP TRIGGER consult_version_messages_inserted ON consult_messages;
DROP FUNCTION consult_version_bump();
DROP TRIGGER consult_version_row ON consults;
DROP FUNCTION consult_version_row();
ALTER TABLE consults DROP COLUMN version;
