import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audit trail's head (the newest event's id and hash, which shows a deleted tail) in a table
 * of the audit library's own instead of app_meta: one owner per table.
 */
export class AuditHead1795403000000 implements MigrationInterface {
  name = 'AuditHead1795403000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE audit_head (
        one boolean PRIMARY KEY DEFAULT true CHECK (one),
        event_id bigint NOT NULL,
        hash text NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      INSERT INTO audit_head (event_id, hash, updated_at)
      SELECT (value->>'id')::bigint, value->>'hash', updated_at FROM app_meta WHERE key = 'audit-head'`);
    await q.query(`DELETE FROM app_meta WHERE key = 'audit-head'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      INSERT INTO app_meta (key, value, updated_at)
      SELECT 'audit-head', jsonb_build_object('id', event_id::text, 'hash', hash), updated_at FROM audit_head`);
    await q.query(`DROP TABLE audit_head`);
  }
}
