import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A payment's derived values — `id` ((batch_id << 24) + row_no), `amount_fen` (the yuan amount in
 * fen) and `paid_on` (paid_on_text as a date) — become plain NOT NULL columns, written by whoever
 * writes the row, instead of generated ones. The fast import path computes them while it checks
 * the file and sends them typed in a binary COPY: PostgreSQL no longer evaluates three
 * expressions (a numeric cast, a make_date of three substrings) per row of a million-row COPY.
 * The values are kept (DROP EXPRESSION keeps what was stored).
 */
export class PlainDerivedPaymentColumns1795417600000 implements MigrationInterface {
  name = 'PlainDerivedPaymentColumns1795417600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE disbursements ALTER id DROP EXPRESSION, ALTER amount_fen DROP EXPRESSION, ALTER paid_on DROP EXPRESSION`);
    await q.query(`ALTER TABLE disbursements ALTER id SET NOT NULL, ALTER amount_fen SET NOT NULL, ALTER paid_on SET NOT NULL`);
  }

  async down(): Promise<void> {
    throw new Error('PlainDerivedPaymentColumns cannot be undone automatically (a column cannot become generated again): restore from a backup');
  }
}
