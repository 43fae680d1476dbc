-- +goose Up
-- Fixed-window counters for actions that cost us something (sign-ups,
-- uploads, posts), shared by every instance.
CREATE TABLE rate_limits (
    key          text PRIMARY KEY,
    window_start timestamptz NOT NULL,
    hits         integer NOT NULL
);

-- +goose Down
DROP TABLE rate_limits;
