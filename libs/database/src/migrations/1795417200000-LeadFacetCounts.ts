import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The queue's facet counts kept as they change: leads per county, status, rule, card and
 * severity, moved by statement triggers on leads (each statement's rows summed per key from its
 * transition tables, the keys locked in one order), so that a city's or province's facets add up a
 * few thousand counts instead of counting its leads one by one. Written in the transaction that
 * changes the leads, so a count is exactly what a count of the leads would say in the same snapshot.
 */
export class LeadFacetCounts1795417200000 implements MigrationInterface {
  name = 'LeadFacetCounts1795417200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE lead_facet_counts (
        county_code varchar(6) COLLATE "C" NOT NULL,
        status varchar(16) NOT NULL,
        rule_code varchar(4) NOT NULL,
        card varchar(8) NOT NULL,
        severity varchar(8) NOT NULL,
        n bigint NOT NULL,
        PRIMARY KEY (county_code, status, rule_code, card, severity)
      )`);
    // (PL/pgSQL plans a statement when it first runs it: each branch names only the transition
    // tables its event has.)
    await q.query(`
      CREATE FUNCTION sl_lead_facet_counts() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'TRUNCATE' THEN
          DELETE FROM lead_facet_counts;
        ELSIF TG_OP = 'INSERT' THEN
          INSERT INTO lead_facet_counts AS c (county_code, status, rule_code, card, severity, n)
          SELECT county_code, status, rule_code, coalesce(card, 'none'), severity, count(*) FROM new_leads
          GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5
          ON CONFLICT (county_code, status, rule_code, card, severity) DO UPDATE SET n = c.n + EXCLUDED.n;
        ELSIF TG_OP = 'DELETE' THEN
          INSERT INTO lead_facet_counts AS c (county_code, status, rule_code, card, severity, n)
          SELECT county_code, status, rule_code, coalesce(card, 'none'), severity, -count(*) FROM old_leads
          GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5
          ON CONFLICT (county_code, status, rule_code, card, severity) DO UPDATE SET n = c.n + EXCLUDED.n;
        ELSE
          -- Only keys whose count changes are written: most updates move no lead between them.
          INSERT INTO lead_facet_counts AS c (county_code, status, rule_code, card, severity, n)
          SELECT county_code, status, rule_code, card, severity, sum(d) FROM (
            SELECT county_code, status, rule_code, coalesce(card, 'none') AS card, severity, 1 AS d FROM new_leads
            UNION ALL
            SELECT county_code, status, rule_code, coalesce(card, 'none'), severity, -1 FROM old_leads) x
          GROUP BY 1, 2, 3, 4, 5 HAVING sum(d) <> 0 ORDER BY 1, 2, 3, 4, 5
          ON CONFLICT (county_code, status, rule_code, card, severity) DO UPDATE SET n = c.n + EXCLUDED.n;
        END IF;
        RETURN NULL;
      END $$`);
    await q.query(`CREATE TRIGGER sl_lead_facet_counts_insert AFTER INSERT ON leads REFERENCING NEW TABLE AS new_leads FOR EACH STATEMENT EXECUTE FUNCTION sl_lead_facet_counts()`);
    await q.query(`CREATE TRIGGER sl_lead_facet_counts_update AFTER UPDATE ON leads REFERENCING OLD TABLE AS old_leads NEW TABLE AS new_leads FOR EACH STATEMENT EXECUTE FUNCTION sl_lead_facet_counts()`);
    await q.query(`CREATE TRIGGER sl_lead_facet_counts_delete AFTER DELETE ON leads REFERENCING OLD TABLE AS old_leads FOR EACH STATEMENT EXECUTE FUNCTION sl_lead_facet_counts()`);
    await q.query(`CREATE TRIGGER sl_lead_facet_counts_truncate AFTER TRUNCATE ON leads FOR EACH STATEMENT EXECUTE FUNCTION sl_lead_facet_counts()`);
    await q.query(`
      INSERT INTO lead_facet_counts (county_code, status, rule_code, card, severity, n)
      SELECT county_code, status, rule_code, coalesce(card, 'none'), severity, count(*) FROM leads GROUP BY 1, 2, 3, 4, 5`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['insert', 'update', 'delete', 'truncate']) await q.query(`DROP TRIGGER IF EXISTS sl_lead_facet_counts_${t} ON leads`);
    await q.query(`DROP FUNCTION IF EXISTS sl_lead_facet_counts()`);
    await q.query(`DROP TABLE IF EXISTS lead_facet_counts`);
  }
}
