-- +goose Up
-- The audit log is append-only for the application itself: a row, once
-- written, can be neither changed nor removed, whatever a bug or an
-- attacker with the application's connection tries. (A member with audit
-- history therefore cannot be deleted either: the foreign key's SET NULL
-- would change their rows.) Only a migration, run by a person, can drop it.
-- +goose StatementBegin
CREATE FUNCTION audit_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;
-- +goose StatementEnd
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change();

-- The log page filters by actor and by action, newest first.
CREATE INDEX audit_log_actor_idx ON audit_log (actor_id, created_at DESC, id DESC);
CREATE INDEX audit_log_action_idx ON audit_log (action text_pattern_ops, created_at DESC, id DESC);

-- +goose Down
DROP INDEX audit_log_action_idx;
DROP INDEX audit_log_actor_idx;
DROP TRIGGER audit_log_no_truncate ON audit_log;
DROP TRIGGER audit_log_append_only ON audit_log;
DROP FUNCTION audit_log_refuse_change();
