import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audit chain becomes keyed (HMAC-SHA256 under a key outside the database). `alg` says how
 * each event's hash was made: the events already stored keep 'sha256' (the default, so a row
 * written without saying is unkeyed too); the application writes 'hmac-sha256'. Verification
 * checks each event by its alg and reports a 'sha256' event after a keyed one as a downgrade.
 */
export class KeyedAudit1795405000000 implements MigrationInterface {
  name = 'KeyedAudit1795405000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE audit_events ADD COLUMN alg text NOT NULL DEFAULT 'sha256' CHECK (alg IN ('sha256', 'hmac-sha256'))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE audit_events DROP COLUMN alg`);
  }
}
