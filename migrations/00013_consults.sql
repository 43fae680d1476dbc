-- +goose Up
-- A consult: one physician's question to a specialty, answered by one
-- specialist (the eConsult workflow). Its status moves only as the contract
-- allows; every move is a row of consult_events, the timeline.
CREATE TABLE consults (
    id               bigserial PRIMARY KEY,
    requester_id     bigint NOT NULL REFERENCES users (id),
    specialty_id     smallint NOT NULL REFERENCES specialties (id),
    -- A named colleague of that specialty who has first refusal.
    addressed_to     bigint REFERENCES users (id),
    urgency          text NOT NULL CHECK (urgency IN ('routine', 'urgent')),
    question         text NOT NULL CHECK (length(question) BETWEEN 1 AND 2000),
    summary          text NOT NULL DEFAULT '' CHECK (length(summary) <= 20000),
    summary_html     text NOT NULL DEFAULT '',
    age_band         text,
    sex              text,
    history          text NOT NULL DEFAULT '' CHECK (length(history) <= 4000),
    medications      text NOT NULL DEFAULT '' CHECK (length(medications) <= 4000),
    results          text NOT NULL DEFAULT '' CHECK (length(results) <= 4000),
    phi_ack          boolean NOT NULL DEFAULT false,
    status           text NOT NULL DEFAULT 'open'
                     CHECK (status IN ('open', 'claimed', 'answered', 'closed', 'withdrawn')),
    consultant_id    bigint REFERENCES users (id),
    created_at       timestamptz NOT NULL DEFAULT now(),
    -- First claim and first answer, kept when a consult is released and
    -- claimed again: turnaround is measured from them.
    first_claimed_at timestamptz,
    answered_at      timestamptz,
    closed_at        timestamptz,
    -- An urgent consult still open after 30 minutes is overdue: reminded once.
    overdue_at       timestamptz,
    -- The requester's close-out survey.
    rating           smallint CHECK (rating BETWEEN 1 AND 5),
    referral         text CHECK (referral IN ('avoided', 'still_needed', 'not_considered')),
    survey_comment   text NOT NULL DEFAULT '' CHECK (length(survey_comment) <= 2000),
    CHECK ((status IN ('claimed', 'answered')) = (consultant_id IS NOT NULL) OR status = 'closed')
);

-- The specialty's queue: open consults, urgent first, then oldest.
CREATE INDEX consults_queue_idx ON consults (specialty_id, (urgency = 'urgent') DESC, created_at)
    WHERE status = 'open';
CREATE INDEX consults_requester_idx ON consults (requester_id, created_at DESC);
CREATE INDEX consults_consultant_idx ON consults (consultant_id, created_at DESC) WHERE consultant_id IS NOT NULL;
CREATE INDEX consults_addressed_idx ON consults (addressed_to) WHERE addressed_to IS NOT NULL AND status = 'open';
-- Urgent consults waiting for their reminder.
CREATE INDEX consults_overdue_idx ON consults (created_at)
    WHERE status = 'open' AND urgency = 'urgent' AND overdue_at IS NULL;

CREATE TABLE consult_events (
    id          bigserial PRIMARY KEY,
    consult_id  bigint NOT NULL REFERENCES consults (id) ON DELETE CASCADE,
    -- NULL for the system (the overdue reminder).
    actor_id    bigint REFERENCES users (id),
    action      text NOT NULL,
    from_status text,
    to_status   text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX consult_events_consult_idx ON consult_events (consult_id, id);

CREATE TABLE consult_messages (
    id         bigserial PRIMARY KEY,
    consult_id bigint NOT NULL REFERENCES consults (id) ON DELETE CASCADE,
    author_id  bigint NOT NULL REFERENCES users (id),
    body       text NOT NULL CHECK (length(body) BETWEEN 1 AND 20000),
    body_html  text NOT NULL,
    is_answer  boolean NOT NULL DEFAULT false,
    phi_ack    boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX consult_messages_consult_idx ON consult_messages (consult_id, id);

-- +goose Down
DROP TABLE consult_messages;
DROP TABLE consult_events;
DROP TABLE consults;
