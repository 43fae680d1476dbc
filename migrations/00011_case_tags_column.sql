-- +goose Up
-- A case's tags, kept on the case itself in order, so that lists read them
-- with the row rather than aggregating case_tags for each one (half the
-- cost of the /cases query). case_tags stays the source, indexed for the
-- tag filter; statement triggers keep the copy in step however it is
-- written, rows at a time or in bulk. Tags are only inserted and deleted
-- (cases.storeTags); an UPDATE of case_tags would need a trigger of its own.
ALTER TABLE cases ADD COLUMN tags text[] NOT NULL DEFAULT '{}';

UPDATE cases c SET tags = ARRAY(SELECT t.tag FROM case_tags t WHERE t.case_id = c.id ORDER BY t.tag)
WHERE EXISTS (SELECT 1 FROM case_tags t WHERE t.case_id = c.id);

-- +goose StatementBegin
CREATE FUNCTION case_tags_copy() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE cases c SET tags = ARRAY(SELECT t.tag FROM case_tags t WHERE t.case_id = c.id ORDER BY t.tag)
    WHERE c.id IN (SELECT DISTINCT case_id FROM changed);
    RETURN NULL;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER case_tags_inserted AFTER INSERT ON case_tags
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION case_tags_copy();
CREATE TRIGGER case_tags_deleted AFTER DELETE ON case_tags
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION case_tags_copy();

-- +goose Down
DROP TRIGGER case_tags_deleted ON case_tags;
DROP TRIGGER case_tags_inserted ON case_tags;
DROP FUNCTION case_tags_copy();
ALTER TABLE cases DROP COLUMN tags;
