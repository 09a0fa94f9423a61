import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audit chain's append lock and its head in one round trip. Every writer of the trail waits
 * for that lock, and whoever holds it keeps it to its commit: each round trip inside (the
 * application reading the answer and sending the next statement, slow on a busy machine) was time
 * every other state change waited (20 inspectors at once queued on it). One statement cannot take
 * the lock and then read the head, since its snapshot is older than the lock; in a VOLATILE
 * PL/pgSQL function each statement takes a new snapshot (READ COMMITTED), so the head read after
 * the lock is the previous holder's, committed. The lock is the one the audit library took before
 * (AuditLog's APPEND_LOCK, 72450002); it runs with the caller's rights.
 */
export class AuditChainHead1795417300000 implements MigrationInterface {
  name = 'AuditChainHead1795417300000';

  async up(q: QueryRunner): Promise<void> {
    const [{ schema }]: { schema: string }[] = await q.query(`SELECT quote_ident(current_schema()) AS schema`);
    await q.query(`
      CREATE FUNCTION sl_audit_chain_head() RETURNS text LANGUAGE plpgsql VOLATILE SET search_path = ${schema}, pg_temp AS $$
      DECLARE
        head text;
      BEGIN
        PERFORM pg_advisory_xact_lock(72450002);
        SELECT hash INTO head FROM audit_events ORDER BY id DESC LIMIT 1;
        RETURN head;
      END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION IF EXISTS sl_audit_chain_head()`);
  }
}
