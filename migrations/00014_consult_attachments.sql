-- +goose Up
-- Files sent with a consult's request (message_id NULL) or with one of its
-- messages. Their original names stay behind: a file name is where a
-- patient's name slips in unnoticed, so pages call them by number and kind.
CREATE TABLE consult_attachments (
    id         bigserial PRIMARY KEY,
    consult_id bigint NOT NULL REFERENCES consults (id) ON DELETE CASCADE,
    message_id bigint REFERENCES consult_messages (id) ON DELETE CASCADE,
    file_id    bigint NOT NULL REFERENCES documents (id),
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX consult_attachments_consult_idx ON consult_attachments (consult_id, id);

-- +goose Down
DROP TABLE consult_attachments;
