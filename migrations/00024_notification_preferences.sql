-- +goose Up
-- How each member wants to hear of each topic. No row: the topic's default
-- (in the app, and by mail where Curbside mailed before preferences existed).
CREATE TABLE notification_preferences (
    user_id  bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    topic    text NOT NULL CHECK (topic IN ('mentions', 'replies', 'follows', 'consults', 'verification')),
    -- as_sent: in the app, and by mail when the notice itself asks for it (urgent consults)
    delivery text NOT NULL CHECK (delivery IN ('off', 'app', 'email', 'as_sent')),
    PRIMARY KEY (user_id, topic)
);

-- Members who asked for a digest. No row: no digest. last_sent_at is where
-- the next digest starts; an instance claims a member by moving it forward,
-- so each digest goes out once whichever instance gets there first.
CREATE TABLE notification_digests (
    user_id      bigint PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    frequency    text NOT NULL CHECK (frequency IN ('daily', 'weekly')),
    last_sent_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX notification_digests_due_idx ON notification_digests (last_sent_at);

-- A digest carries a List-Unsubscribe address for mail clients' own button.
ALTER TABLE email_outbox ADD COLUMN list_unsubscribe text NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE email_outbox DROP COLUMN list_unsubscribe;
DROP TABLE notification_digests;
DROP TABLE notification_preferences;
