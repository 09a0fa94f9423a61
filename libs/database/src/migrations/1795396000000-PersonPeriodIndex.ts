import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The person index of disbursements gains the period: a batch's duplicate check (R06) then reads
 * only the payments of the same person, program and period unit, not the person's whole history.
 */
export class PersonPeriodIndex1795396000000 implements MigrationInterface {
  name = 'PersonPeriodIndex1795396000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX idx_disbursements_person`);
    await q.query(`CREATE INDEX idx_disbursements_person ON disbursements (id_number, program_code, period)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX idx_disbursements_person`);
    await q.query(`CREATE INDEX idx_disbursements_person ON disbursements (id_number, program_code)`);
  }
}
