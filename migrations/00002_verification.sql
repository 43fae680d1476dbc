-- +goose Up
-- Uploaded files live in the database, so a backup of it is a backup of everything.
CREATE TABLE documents (
    id           bigserial PRIMARY KEY,
    owner_id     bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    content_type text NOT NULL CHECK (content_type IN ('application/pdf', 'image/png', 'image/jpeg')),
    size_bytes   integer NOT NULL CHECK (size_bytes > 0),
    sha256       text NOT NULL,
    filename     text NOT NULL,
    data         bytea NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX documents_owner_id_idx ON documents (owner_id);

CREATE TABLE verification_requests (
    id             bigserial PRIMARY KEY,
    user_id        bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    full_name      text NOT NULL,
    npi            char(10) NOT NULL,
    license_state  char(2) NOT NULL,
    license_number text NOT NULL,
    specialty_id   smallint NOT NULL REFERENCES specialties (id),
    document_id    bigint NOT NULL REFERENCES documents (id),
    status         text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
    reason         text,
    decided_by     bigint REFERENCES users (id) ON DELETE SET NULL,
    decided_at     timestamptz,
    created_at     timestamptz NOT NULL DEFAULT now(),
    CHECK ((status = 'pending') = (decided_at IS NULL)),
    CHECK (status <> 'rejected' OR reason IS NOT NULL)
);
-- One open request per account.
CREATE UNIQUE INDEX verification_requests_one_pending ON verification_requests (user_id) WHERE status = 'pending';
CREATE INDEX verification_requests_queue_idx ON verification_requests (created_at, id) WHERE status = 'pending';
CREATE INDEX verification_requests_user_idx ON verification_requests (user_id, created_at DESC);

CREATE TABLE notifications (
    id         bigserial PRIMARY KEY,
    user_id    bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind       text NOT NULL,
    title      text NOT NULL,
    body       text NOT NULL DEFAULT '',
    link       text NOT NULL DEFAULT '',
    read_at    timestamptz,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX notifications_user_idx ON notifications (user_id, created_at DESC);
CREATE INDEX notifications_unread_idx ON notifications (user_id) WHERE read_at IS NULL;

-- Outgoing mail, delivered by a sender loop on any instance.
CREATE TABLE email_outbox (
    id              bigserial PRIMARY KEY,
    to_address      text NOT NULL,
    subject         text NOT NULL,
    body            text NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    attempts        integer NOT NULL DEFAULT 0,
    last_error      text,
    sent_at         timestamptz
);
CREATE INDEX email_outbox_due_idx ON email_outbox (next_attempt_at) WHERE sent_at IS NULL;

-- +goose Down
DROP TABLE email_outbox;
DROP TABLE notifications;
DROP TABLE verification_requests;
DROP TABLE documents;
