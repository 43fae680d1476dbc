-- +goose Up
-- second_factor_at: when this session proved a second factor (login code, or
-- enrolment in it); moderation needs it, not merely an enrolled account.
-- renewed_at: when the token was last renewed, to renew again for a browser
-- that never received the new one.
ALTER TABLE sessions
    ADD COLUMN second_factor_at timestamptz,
    ADD COLUMN renewed_at       timestamptz;

-- +goose Down
ALTER TABLE sessions DROP COLUMN renewed_at, DROP COLUMN second_factor_at;
