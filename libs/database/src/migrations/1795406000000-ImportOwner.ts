import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Who runs a batch's import (host/boot/pid/start time): the janitor leaves an import whose
 * process still runs on this machine alone, however old its heartbeat (one long statement on
 * the embedded database holds every heartbeat back).
 */
export class ImportOwner1795406000000 implements MigrationInterface {
  name = 'ImportOwner1795406000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE disbursement_batches ADD COLUMN importer text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE disbursement_batches DROP COLUMN importer`);
  }
}
