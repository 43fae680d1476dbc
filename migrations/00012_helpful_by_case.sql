-- +goose Up
-- A member's helpful marks, found by case: the case page reads the marks
-- of its reader on that case in one index scan, where probing each reply
-- for a mark was a third of the cost of reading its replies. A reply never
-- moves to another case, so the copy of its case never goes stale.
ALTER TABLE reply_helpful ADD COLUMN case_id bigint;
UPDATE reply_helpful h SET case_id = r.case_id FROM replies r WHERE r.id = h.reply_id;
ALTER TABLE reply_helpful ALTER COLUMN case_id SET NOT NULL;
CREATE INDEX reply_helpful_reader_idx ON reply_helpful (user_id, case_id, reply_id);

-- +goose Down
DROP INDEX reply_helpful_reader_idx;
ALTER TABLE reply_helpful DROP COLUMN case_id;
