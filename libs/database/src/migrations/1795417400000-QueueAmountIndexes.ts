import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The queue's amount orders carry the columns the views filter them on (county and rule in the
 * province-wide one, rule in the county one), so that a view by amount over a few rules reads the
 * page's ids from the index alone. A city's "R07–R09 by amount" walked every lead in amount order
 * and fetched each one's row to test its county and rule: about 3,000 rows for a page of 50, the
 * slowest of the supervisor's views. The same keys, so every other use stays as it was; replaced
 * rather than added, since every state change writes every index of leads.
 */
export class QueueAmountIndexes1795417400000 implements MigrationInterface {
  name = 'QueueAmountIndexes1795417400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS idx_leads_amount`);
    await q.query(`CREATE INDEX idx_leads_amount ON leads (amount_at_risk_fen DESC, id DESC) INCLUDE (county_code, rule_code)`);
    await q.query(`DROP INDEX IF EXISTS idx_leads_county_amount`);
    await q.query(`CREATE INDEX idx_leads_county_amount ON leads (county_code, amount_at_risk_fen DESC, id DESC) INCLUDE (rule_code)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS idx_leads_county_amount`);
    await q.query(`CREATE INDEX idx_leads_county_amount ON leads (county_code, amount_at_risk_fen DESC, id DESC)`);
    await q.query(`DROP INDEX IF EXISTS idx_leads_amount`);
    await q.query(`CREATE INDEX idx_leads_amount ON leads (amount_at_risk_fen DESC, id DESC)`);
  }
}
