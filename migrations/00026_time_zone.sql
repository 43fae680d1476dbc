-- +goose Up
-- The member's time zone for the times on their pages (app/timezones);
-- '' until they choose one, shown as UTC.
ALTER TABLE users ADD COLUMN time_zone text NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE users DROP COLUMN time_zone;
