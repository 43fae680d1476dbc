-- +goose Up
CREATE TABLE specialties (
    id            smallserial PRIMARY KEY,
    slug          text NOT NULL UNIQUE CHECK (slug ~ '^[a-z][a-z-]*[a-z]$'),
    name          text NOT NULL,
    taxonomy_code text NOT NULL
);

INSERT INTO specialties (slug, name, taxonomy_code) VALUES
    ('allergy-immunology',    'Allergy & Immunology',       '207K00000X'),
    ('anesthesiology',        'Anesthesiology',             '207L00000X'),
    ('cardiology',            'Cardiology',                 '207RC0000X'),
    ('dermatology',           'Dermatology',                '207N00000X'),
    ('emergency-medicine',    'Emergency Medicine',         '207P00000X'),
    ('endocrinology',         'Endocrinology',              '207RE0101X'),
    ('family-medicine',       'Family Medicine',            '207Q00000X'),
    ('gastroenterology',      'Gastroenterology',           '207RG0100X'),
    ('general-surgery',       'General Surgery',            '208600000X'),
    ('hematology-oncology',   'Hematology & Oncology',      '207RH0003X'),
    ('infectious-disease',    'Infectious Disease',         '207RI0200X'),
    ('internal-medicine',     'Internal Medicine',          '207R00000X'),
    ('nephrology',            'Nephrology',                 '207RN0300X'),
    ('neurology',             'Neurology',                  '2084N0400X'),
    ('obstetrics-gynecology', 'Obstetrics & Gynecology',    '207V00000X'),
    ('ophthalmology',         'Ophthalmology',              '207W00000X'),
    ('orthopedic-surgery',    'Orthopedic Surgery',         '207X00000X'),
    ('otolaryngology',        'Otolaryngology',             '207Y00000X'),
    ('pathology',             'Pathology',                  '207ZP0102X'),
    ('pediatrics',            'Pediatrics',                 '208000000X'),
    ('psychiatry',            'Psychiatry',                 '2084P0800X'),
    ('pulmonology',           'Pulmonology',                '207RP1001X'),
    ('radiology',             'Radiology',                  '2085R0202X'),
    ('rheumatology',          'Rheumatology',               '207RR0500X'),
    ('urology',               'Urology',                    '208800000X');

CREATE TABLE users (
    id                bigserial PRIMARY KEY,
    email             text NOT NULL,
    handle            text NOT NULL CHECK (handle ~ '^[A-Za-z0-9_-]{1,40}$'),
    display_name      text NOT NULL,
    password_hash     text,
    role              text NOT NULL DEFAULT 'member' CHECK (role IN ('member', 'moderator', 'admin')),
    status            text NOT NULL DEFAULT 'unverified'
                      CHECK (status IN ('unverified', 'pending', 'verified', 'rejected', 'suspended')),
    -- the status a suspension replaced, restored when it is lifted
    status_before_suspension text CHECK (status_before_suspension <> 'suspended'),
    suspension_reason text,
    specialty_id      smallint REFERENCES specialties (id),
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_email_key ON users (lower(email));
CREATE UNIQUE INDEX users_handle_key ON users (lower(handle));

CREATE TABLE sessions (
    id           bigserial PRIMARY KEY,
    user_id      bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash   bytea NOT NULL UNIQUE,
    -- the role and status the token was issued for; a change renews the token
    issued_role   text NOT NULL,
    issued_status text NOT NULL,
    user_agent   text NOT NULL DEFAULT '',
    ip           text NOT NULL DEFAULT '',
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_seen_at timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL
);
CREATE INDEX sessions_user_id_idx ON sessions (user_id);

CREATE TABLE audit_log (
    id          bigserial PRIMARY KEY,
    created_at  timestamptz NOT NULL DEFAULT now(),
    actor_id    bigint REFERENCES users (id) ON DELETE SET NULL,
    action      text NOT NULL,
    target_type text NOT NULL DEFAULT '',
    target_id   bigint,
    ip          text NOT NULL DEFAULT '',
    detail      jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_created_at_idx ON audit_log (created_at DESC, id DESC);
CREATE INDEX audit_log_target_idx ON audit_log (target_type, target_id);

-- Failed-login counters, one row per throttled key (an account, an address, or both).
CREATE TABLE login_throttle (
    key           text PRIMARY KEY,
    failures      integer NOT NULL,
    window_start  timestamptz NOT NULL,
    locked_until  timestamptz
);

-- +goose Down
DROP TABLE login_throttle;
DROP TABLE audit_log;
DROP TABLE sessions;
DROP TABLE users;
DROP TABLE specialties;
