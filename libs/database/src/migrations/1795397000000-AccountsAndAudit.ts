import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Accounts (users, their sessions), the append-only audit trail, and a batch's region as its
 * payments' common region (the uploader's own region is kept beside it).
 */
export class AccountsAndAudit1795397000000 implements MigrationInterface {
  name = 'AccountsAndAudit1795397000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE users (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        username varchar(64) NOT NULL,
        display_name text NOT NULL,
        role varchar(16) NOT NULL CHECK (role IN ('uploader', 'inspector', 'supervisor', 'admin')),
        region_code varchar(9) COLLATE "C" NOT NULL DEFAULT '',
        email text,
        password_hash text NOT NULL,
        active boolean NOT NULL DEFAULT true,
        failed_logins integer NOT NULL DEFAULT 0,
        locked_until timestamptz,
        password_changed_at timestamptz NOT NULL DEFAULT now(),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX uq_users_username ON users (lower(username))`);
    await q.query(`CREATE INDEX idx_users_region ON users (region_code)`);
    await q.query(`
      CREATE TABLE sessions (
        id uuid PRIMARY KEY,
        user_id bigint NOT NULL REFERENCES users (id),
        refresh_hash char(64) NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        last_used_at timestamptz,
        revoked_at timestamptz,
        user_agent text,
        ip text
      )`);
    await q.query(`CREATE INDEX idx_sessions_user ON sessions (user_id)`);
    await q.query(`
      CREATE TABLE audit_events (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        at timestamptz NOT NULL,
        actor_id text NOT NULL,
        actor_name text NOT NULL,
        actor_role text NOT NULL,
        action text NOT NULL,
        subject_type text NOT NULL,
        subject_id text NOT NULL,
        region_code varchar(9) COLLATE "C",
        reason text,
        data jsonb NOT NULL DEFAULT '{}',
        prev_hash char(64) NOT NULL,
        hash char(64) NOT NULL UNIQUE
      )`);
    await q.query(`CREATE INDEX idx_audit_events_subject ON audit_events (subject_type, subject_id, id)`);
    // Append-only for every role, owners included: changing history means disabling this
    // trigger first, and the hash chain still tells.
    await q.query(`
      CREATE FUNCTION sl_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit events are append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await q.query(`CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events FOR EACH ROW EXECUTE FUNCTION sl_audit_append_only()`);
    await q.query(`CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events FOR EACH STATEMENT EXECUTE FUNCTION sl_audit_append_only()`);
    await q.query(`REVOKE UPDATE, DELETE, TRUNCATE ON audit_events FROM PUBLIC`);
    await q.query(`ALTER TABLE disbursement_batches ADD COLUMN uploader_region varchar(9) COLLATE "C" NOT NULL DEFAULT ''`);
    await q.query(`UPDATE disbursement_batches SET uploader_region = region_code`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE disbursement_batches DROP COLUMN uploader_region`);
    await q.query(`DROP TABLE audit_events; DROP FUNCTION sl_audit_append_only(); DROP TABLE sessions; DROP TABLE users`);
  }
}
