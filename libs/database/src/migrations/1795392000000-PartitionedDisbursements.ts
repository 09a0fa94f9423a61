import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Disbursements become a table partitioned by `segment`: small batches share partition 0, a large
 * batch is COPYed into a table of its own that is indexed by sort and attached as a partition
 * (no row-by-row index maintenance). A payment's id is (batch_id << 24) + row_no, unique by
 * construction. Amount and payment date are kept as written (validated) and their typed values
 * generated from them, so that COPY can fill the table straight from the file: amount_fen from
 * the yuan amount, paid_on from paid_on_text; the period stays 'YYYY-MM'. Existing rows and
 * evidence are carried over.
 * Hand-written: TypeORM does not model partitioning.
 */
export class PartitionedDisbursements1795392000000 implements MigrationInterface {
  name = 'PartitionedDisbursements1795392000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE disbursements RENAME TO disbursements_v1`);
    for (const index of ['uq_disbursements_batch_row', 'idx_disbursements_person', 'idx_disbursements_account', 'idx_disbursements_region']) {
      await q.query(`DROP INDEX IF EXISTS ${index}`);
    }
    await q.query(`
      CREATE TABLE disbursements (
        batch_id bigint NOT NULL,
        row_no integer NOT NULL,
        segment bigint NOT NULL,
        id bigint GENERATED ALWAYS AS ((batch_id << 24) + row_no) STORED,
        region_code varchar(9) COLLATE "C" NOT NULL,
        program_code varchar(16) COLLATE "C" NOT NULL,
        period varchar(7) COLLATE "C" NOT NULL,
        id_number varchar(18) COLLATE "C" NOT NULL,
        name text NOT NULL,
        household_id text,
        amount varchar(16) NOT NULL,
        amount_fen bigint GENERATED ALWAYS AS ((amount::numeric * 100)::bigint) STORED,
        bank_account varchar(30) COLLATE "C",
        account_holder text,
        paid_on_text varchar(10) NOT NULL,
        paid_on date GENERATED ALWAYS AS (make_date(substr(paid_on_text, 1, 4)::int, substr(paid_on_text, 6, 2)::int, substr(paid_on_text, 9, 2)::int)) STORED,
        payer text
      ) PARTITION BY LIST (segment)`);
    await q.query(`CREATE TABLE disbursements_shared PARTITION OF disbursements FOR VALUES IN (0)`);
    await q.query(`CREATE INDEX idx_disbursements_id ON disbursements (id)`);
    await q.query(`CREATE INDEX idx_disbursements_person ON disbursements (id_number, program_code)`);
    await q.query(`CREATE INDEX idx_disbursements_account ON disbursements (bank_account) WHERE bank_account IS NOT NULL`);
    await q.query(`
      INSERT INTO disbursements (batch_id, row_no, segment, region_code, program_code, period, id_number, name, household_id, amount, bank_account, account_holder, paid_on_text, payer)
      SELECT batch_id, row_no, 0, region_code, program_code, to_char(period, 'YYYY-MM'), id_number, name, household_id,
             to_char(amount_fen / 100.0, 'FM9999999990.00'), bank_account, account_holder, to_char(paid_on, 'YYYY-MM-DD'), payer
      FROM disbursements_v1`);
    await q.query(`
      UPDATE lead_evidence e SET disbursement_id = (o.batch_id << 24) + o.row_no
      FROM disbursements_v1 o WHERE o.id = e.disbursement_id`);
    await q.query(`DROP TABLE disbursements_v1`);
    await q.query(`ALTER TABLE disbursement_batches ADD COLUMN segment bigint NOT NULL DEFAULT 0, ADD COLUMN heartbeat_at timestamptz`);
  }

  async down(): Promise<void> {
    throw new Error('PartitionedDisbursements cannot be undone automatically: restore from a backup');
  }
}
