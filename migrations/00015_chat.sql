-- +goose Up
-- Chat rooms: general and a lounge per specialty (made here, so they exist
-- once the database is migrated), a room per pair of members who wrote to
-- each other, and a room per claimed consult for its two parties.
CREATE TABLE chat_rooms (
    id              bigserial PRIMARY KEY,
    slug            text NOT NULL UNIQUE,
    kind            text NOT NULL CHECK (kind IN ('general', 'lounge', 'dm', 'consult')),
    title           text NOT NULL,
    specialty_id    smallint REFERENCES specialties (id),
    consult_id      bigint UNIQUE REFERENCES consults (id) ON DELETE CASCADE,
    -- closed_at: no new messages (a consult's room once the consult ends).
    closed_at       timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now()
);

-- The members of the private rooms (direct messages, consults); the open
-- rooms are every verified member's.
CREATE TABLE chat_members (
    room_id bigint NOT NULL REFERENCES chat_rooms (id) ON DELETE CASCADE,
    user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (room_id, user_id)
);
CREATE INDEX chat_members_user_idx ON chat_members (user_id, room_id);

-- How far each member has read each room.
CREATE TABLE chat_reads (
    user_id      bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    room_id      bigint NOT NULL REFERENCES chat_rooms (id) ON DELETE CASCADE,
    last_read_id bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (user_id, room_id)
);

-- A message's id is drawn from the sequence while its room's row is locked,
-- so ids commit in order within a room and a reader resuming after id N
-- never misses a message that committed late. (author_id, client_id) makes
-- a resend of an unacknowledged message land once.
CREATE TABLE chat_messages (
    id         bigserial PRIMARY KEY,
    room_id    bigint NOT NULL REFERENCES chat_rooms (id) ON DELETE CASCADE,
    author_id  bigint NOT NULL REFERENCES users (id),
    client_id  text NOT NULL,
    body       text NOT NULL,
    body_html  text NOT NULL,
    phi_ack    boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now(),
    hidden_at  timestamptz,
    hidden_by  bigint REFERENCES users (id),
    UNIQUE (author_id, client_id)
);
CREATE INDEX chat_messages_room_idx ON chat_messages (room_id, id);

INSERT INTO chat_rooms (slug, kind, title) VALUES ('general', 'general', 'General');
INSERT INTO chat_rooms (slug, kind, title, specialty_id)
    SELECT 'lounge-' || slug, 'lounge', name || ' lounge', id FROM specialties ORDER BY id;

-- +goose Down
DROP TABLE chat_messages;
DROP TABLE chat_reads;
DROP TABLE chat_members;
DROP TABLE chat_rooms;
