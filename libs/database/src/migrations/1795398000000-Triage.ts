import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Triage: who holds a lead, what verification found, the amounts confirmed and recovered, the
 * disposals, which deadline runs; indexes for the queue views (by county, the level most users
 * work at); the working-day calendar the card sweep counts with; the three notices and their
 * per-region, per-year numbering.
 */
export class Triage1795398000000 implements MigrationInterface {
  name = 'Triage1795398000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE leads
        ADD COLUMN county_code varchar(6) COLLATE "C" GENERATED ALWAYS AS (left(region_code, 6)) STORED,
        ADD COLUMN assignee_id bigint,
        ADD COLUMN assignee_name text,
        ADD COLUMN deadline_step varchar(16) NOT NULL DEFAULT 'verify',
        ADD COLUMN verdict varchar(16) CHECK (verdict IN ('confirmed', 'dismissed')),
        ADD COLUMN finding text,
        ADD COLUMN amount_confirmed_fen bigint,
        ADD COLUMN amount_recovered_fen bigint NOT NULL DEFAULT 0,
        ADD COLUMN disposals text[] NOT NULL DEFAULT '{}',
        ADD COLUMN verified_at timestamptz,
        ADD COLUMN rectified_at timestamptz,
        ADD COLUMN card_since timestamptz`);
    await q.query(`UPDATE leads SET card_since = created_at WHERE card IS NOT NULL`);
    await q.query(`UPDATE leads SET verdict = CASE outcome WHEN 'dismissed' THEN 'dismissed' ELSE 'confirmed' END WHERE outcome IS NOT NULL`);
    await q.query(`CREATE INDEX idx_leads_county_created ON leads (county_code, created_at, id)`);
    await q.query(`CREATE INDEX idx_leads_county_status_created ON leads (county_code, status, created_at, id)`);
    await q.query(`CREATE INDEX idx_leads_created ON leads (created_at, id)`);
    // Queue views: a county, ordered by deadline, amount or age; keyset pagination on (key, id).
    await q.query(`DROP INDEX IF EXISTS idx_leads_region_status`);
    await q.query(`CREATE INDEX idx_leads_region ON leads (region_code)`);
    await q.query(`CREATE INDEX idx_leads_county_due ON leads (county_code, (coalesce(due_on, 'infinity'::date)), id)`);
    // The same orders without a county, for city, province and national views.
    await q.query(`CREATE INDEX idx_leads_due ON leads ((coalesce(due_on, 'infinity'::date)), id)`);
    await q.query(`CREATE INDEX idx_leads_amount ON leads (amount_at_risk_fen DESC, id DESC)`);
    await q.query(`CREATE INDEX idx_leads_county_amount ON leads (county_code, amount_at_risk_fen DESC, id DESC)`);
    await q.query(`CREATE INDEX idx_leads_county_facets ON leads (county_code, status, rule_code, card, severity)`);
    // "Mine": the assignee within the caller's county, by due date.
    await q.query(`CREATE INDEX idx_leads_assignee ON leads (assignee_id, county_code, (coalesce(due_on, 'infinity'::date)), id) WHERE assignee_id IS NOT NULL`);
    await q.query(`CREATE INDEX idx_leads_open_due ON leads (due_on) WHERE status NOT IN ('dismissed', 'closed')`);
    await q.query(`
      CREATE TABLE calendar_days (
        day date PRIMARY KEY,
        workday boolean NOT NULL,
        workday_index integer NOT NULL
      )`);
    await q.query(`
      CREATE TABLE notices (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        kind varchar(16) NOT NULL CHECK (kind IN ('warning', 'reminder', 'rectification')),
        number text NOT NULL UNIQUE,
        region_code varchar(9) COLLATE "C" NOT NULL,
        year integer NOT NULL,
        seq integer NOT NULL,
        recipient text NOT NULL,
        subject text NOT NULL,
        body text NOT NULL,
        lead_ids bigint[] NOT NULL DEFAULT '{}',
        issued_by text NOT NULL,
        issued_at timestamptz NOT NULL DEFAULT now(),
        due_on date NOT NULL,
        status varchar(16) NOT NULL DEFAULT 'issued' CHECK (status IN ('issued', 'answered')),
        answered_at timestamptz,
        answer text,
        UNIQUE (region_code, kind, year, seq)
      )`);
    await q.query(`CREATE INDEX idx_notices_region ON notices (region_code, issued_at)`);
    await q.query(`CREATE INDEX idx_notices_open ON notices (due_on) WHERE status = 'issued'`);
    await q.query(`
      CREATE TABLE notice_counters (
        region_code varchar(9) COLLATE "C" NOT NULL,
        kind varchar(16) NOT NULL,
        year integer NOT NULL,
        last integer NOT NULL,
        PRIMARY KEY (region_code, kind, year)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE notice_counters; DROP TABLE notices; DROP TABLE calendar_days`);
    for (const index of ['idx_leads_region', 'idx_leads_county_due', 'idx_leads_county_amount', 'idx_leads_county_facets', 'idx_leads_assignee', 'idx_leads_open_due', 'idx_leads_county_created', 'idx_leads_due', 'idx_leads_amount', 'idx_leads_county_status_created', 'idx_leads_created']) {
      await q.query(`DROP INDEX IF EXISTS ${index}`);
    }
    await q.query(`CREATE INDEX idx_leads_region_status ON leads (region_code, status)`);
    await q.query(`ALTER TABLE leads DROP COLUMN county_code, DROP COLUMN assignee_id, DROP COLUMN assignee_name, DROP COLUMN deadline_step, DROP COLUMN verdict, DROP COLUMN finding,
      DROP COLUMN amount_confirmed_fen, DROP COLUMN amount_recovered_fen, DROP COLUMN disposals, DROP COLUMN verified_at, DROP COLUMN rectified_at, DROP COLUMN card_since`);
  }
}
