import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Queue views of one status over more than a county (a city's or province's "verifying, oldest
 * first", the supervisor's unassigned new leads by deadline): by status, then the view's order,
 * carrying the columns those views filter on, so that the page's ids come from the index alone
 * (SearchLeads reads the page's ids first, then its rows). Without them, a city's oldest verifying
 * leads were found by walking every lead in order of age, the settled history first.
 */
export class QueueStatusIndexes1795417100000 implements MigrationInterface {
  name = 'QueueStatusIndexes1795417100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX idx_leads_status_created ON leads (status, created_at, id) INCLUDE (county_code)`);
    await q.query(`CREATE INDEX idx_leads_status_due ON leads (status, (coalesce(due_on, 'infinity'::date)), id) INCLUDE (county_code, assignee_id, due_on)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS idx_leads_status_due`);
    await q.query(`DROP INDEX IF EXISTS idx_leads_status_created`);
  }
}
