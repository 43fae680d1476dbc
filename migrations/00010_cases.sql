-- +goose Up
-- Case-discussion forums: de-identified cases, replies, helpful marks, edit
-- history, follows and read markers. The author of an anonymous post is
-- stored (moderators and the audit log know it) but never shown to members.
CREATE TABLE cases (
    id               bigserial PRIMARY KEY,
    author_id        bigint NOT NULL REFERENCES users (id),
    specialty_id     smallint NOT NULL REFERENCES specialties (id),
    title            text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    body             text NOT NULL CHECK (length(body) BETWEEN 1 AND 20000),
    body_html        text NOT NULL,
    anonymous        boolean NOT NULL DEFAULT false,
    -- structured de-identified fields; free text is the body
    age_band         text CHECK (age_band IN ('neonate', 'infant', 'child', 'adolescent', '18-29', '30-39',
                                              '40-49', '50-59', '60-69', '70-79', '80-89', '90+')),
    sex              text CHECK (sex IN ('female', 'male', 'other')),
    care_setting     text CHECK (care_setting IN ('outpatient', 'inpatient', 'emergency', 'icu', 'rural', 'telehealth')),
    -- "what happened", shown at the top once the author adds it
    outcome          text CHECK (length(outcome) <= 5000),
    outcome_html     text,
    outcome_at       timestamptz,
    accepted_reply_id bigint,
    -- published over the privacy guard: moderators look at these
    phi_ack          boolean NOT NULL DEFAULT false,
    reply_count      integer NOT NULL DEFAULT 0,
    created_at       timestamptz NOT NULL DEFAULT now(),
    edited_at        timestamptz,
    last_activity_at timestamptz NOT NULL DEFAULT now(),
    deleted_at       timestamptz,
    search           tsvector GENERATED ALWAYS AS (
                         setweight(to_tsvector('english', title), 'A') || setweight(to_tsvector('english', body), 'B')) STORED
);
-- Lists walk these newest activity first, with keyset pagination.
CREATE INDEX cases_activity_idx ON cases (last_activity_at DESC, id DESC) WHERE deleted_at IS NULL;
CREATE INDEX cases_specialty_activity_idx ON cases (specialty_id, last_activity_at DESC, id DESC) WHERE deleted_at IS NULL;
CREATE INDEX cases_author_idx ON cases (author_id);
CREATE INDEX cases_search_idx ON cases USING gin (search);

CREATE TABLE case_tags (
    case_id bigint NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    tag     text NOT NULL CHECK (tag ~ '^[a-z0-9][a-z0-9-]{0,29}$'),
    PRIMARY KEY (case_id, tag)
);
CREATE INDEX case_tags_tag_idx ON case_tags (tag, case_id);

CREATE TABLE replies (
    id            bigserial PRIMARY KEY,
    case_id       bigint NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    author_id     bigint NOT NULL REFERENCES users (id),
    body          text NOT NULL CHECK (length(body) BETWEEN 1 AND 20000),
    body_html     text NOT NULL,
    anonymous     boolean NOT NULL DEFAULT false,
    phi_ack       boolean NOT NULL DEFAULT false,
    helpful_count integer NOT NULL DEFAULT 0,
    created_at    timestamptz NOT NULL DEFAULT now(),
    edited_at     timestamptz,
    deleted_at    timestamptz,
    search        tsvector GENERATED ALWAYS AS (to_tsvector('english', body)) STORED
);
CREATE INDEX replies_case_idx ON replies (case_id, id);
CREATE INDEX replies_author_idx ON replies (author_id);
CREATE INDEX replies_search_idx ON replies USING gin (search);

ALTER TABLE cases ADD CONSTRAINT cases_accepted_reply_fk
    FOREIGN KEY (accepted_reply_id) REFERENCES replies (id) ON DELETE SET NULL;

CREATE TABLE reply_helpful (
    reply_id   bigint NOT NULL REFERENCES replies (id) ON DELETE CASCADE,
    user_id    bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (reply_id, user_id)
);

-- Earlier versions of edited posts, for moderators.
CREATE TABLE post_revisions (
    id         bigserial PRIMARY KEY,
    case_id    bigint NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    reply_id   bigint REFERENCES replies (id) ON DELETE CASCADE,
    editor_id  bigint NOT NULL REFERENCES users (id),
    title      text,
    body       text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX post_revisions_post_idx ON post_revisions (case_id, reply_id, id);

CREATE TABLE case_follows (
    case_id    bigint NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    user_id    bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, case_id)
);

-- What a member has read of a case, for unread markers: how many replies
-- there were, and the newest reply seen.
CREATE TABLE case_reads (
    case_id       bigint NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    user_id       bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    replies_seen  integer NOT NULL DEFAULT 0,
    last_reply_id bigint NOT NULL DEFAULT 0,
    read_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, case_id)
);

CREATE TABLE case_images (
    case_id  bigint NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    file_id  bigint NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    position smallint NOT NULL CHECK (position BETWEEN 0 AND 5),
    PRIMARY KEY (case_id, position)
);
CREATE UNIQUE INDEX case_images_file_idx ON case_images (file_id);

-- What a member typed and could not publish yet (or is still writing).
CREATE TABLE drafts (
    id         bigserial PRIMARY KEY,
    user_id    bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    case_id    bigint REFERENCES cases (id) ON DELETE CASCADE, -- set for a reply draft
    title      text NOT NULL DEFAULT '',
    body       text NOT NULL DEFAULT '' CHECK (length(body) <= 40000),
    fields     jsonb NOT NULL DEFAULT '{}',
    reason     text NOT NULL DEFAULT '',
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX drafts_user_idx ON drafts (user_id, updated_at DESC);
-- One reply draft per member and case.
CREATE UNIQUE INDEX drafts_reply_idx ON drafts (user_id, case_id) WHERE case_id IS NOT NULL;

-- +goose Down
DROP TABLE drafts;
DROP TABLE case_images;
DROP TABLE case_reads;
DROP TABLE case_follows;
DROP TABLE post_revisions;
DROP TABLE reply_helpful;
ALTER TABLE cases DROP CONSTRAINT cases_accepted_reply_fk;
DROP TABLE replies;
DROP TABLE case_tags;
DROP TABLE cases;
