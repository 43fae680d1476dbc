-- +goose Up
-- A member's flag on something they think breaks the rules. One open flag
-- per member and target; a moderator resolves all the open flags on a
-- target at once, and each flagging member is told the outcome.
CREATE TABLE flags (
    id          bigserial PRIMARY KEY,
    reporter_id bigint NOT NULL REFERENCES users (id),
    target_type text NOT NULL CHECK (target_type IN ('case', 'reply', 'message', 'consult_message', 'user')),
    target_id   bigint NOT NULL,
    reason      text NOT NULL CHECK (length(reason) BETWEEN 1 AND 1000),
    created_at  timestamptz NOT NULL DEFAULT now(),
    resolved_at timestamptz,
    resolved_by bigint REFERENCES users (id),
    resolution  text CHECK (resolution IN ('dismiss', 'hide', 'suspend')),
    note        text NOT NULL DEFAULT '',
    CHECK ((resolved_at IS NULL) = (resolution IS NULL))
);
CREATE UNIQUE INDEX flags_one_open ON flags (reporter_id, target_type, target_id) WHERE resolved_at IS NULL;
CREATE INDEX flags_open_idx ON flags (created_at DESC, id DESC) WHERE resolved_at IS NULL;
CREATE INDEX flags_target_idx ON flags (target_type, target_id);

-- Content a moderator hid: gone for members ("removed by a moderator"),
-- still readable by moderators, who can restore it.
ALTER TABLE cases ADD COLUMN hidden_at timestamptz, ADD COLUMN hidden_by bigint REFERENCES users (id);
ALTER TABLE replies ADD COLUMN hidden_at timestamptz, ADD COLUMN hidden_by bigint REFERENCES users (id);
ALTER TABLE consult_messages ADD COLUMN hidden_at timestamptz, ADD COLUMN hidden_by bigint REFERENCES users (id);

-- +goose Down
ALTER TABLE consult_messages DROP COLUMN hidden_by, DROP COLUMN hidden_at;
ALTER TABLE replies DROP COLUMN hidden_by, DROP COLUMN hidden_at;
ALTER TABLE cases DROP COLUMN hidden_by, DROP COLUMN hidden_at;
DROP TABLE flags;
