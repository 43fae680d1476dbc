-- +goose Up
-- When the moderators were mailed that this request has waited more than a
-- working day: set once, by whichever instance takes the request first.
ALTER TABLE verification_requests ADD COLUMN overdue_mailed_at timestamptz;
CREATE INDEX verification_requests_overdue_idx ON verification_requests (created_at)
    WHERE status = 'pending' AND overdue_mailed_at IS NULL;
-- The moderator's warnings: another account holding the same NPI, or a
-- byte-identical document on another request.
CREATE INDEX verification_requests_npi_idx ON verification_requests (npi) WHERE status IN ('pending', 'approved');
CREATE INDEX documents_sha256_idx ON documents (sha256);

-- +goose Down
DROP INDEX documents_sha256_idx;
DROP INDEX verification_requests_npi_idx;
DROP INDEX verification_requests_overdue_idx;
ALTER TABLE verification_requests DROP COLUMN overdue_mailed_at;
