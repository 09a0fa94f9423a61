import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Two roles on PostgreSQL: the owner (DATABASE_OWNER_URL) runs the migrations and owns the
 * schema; the application (DATABASE_URL) gets what sunlight_grant_app() gives it, which
 * migrate() runs after the migrations at every start (libs/database/src/migrate.ts says why
 * there). Nothing of the audit trail is the application's: it may add events and read them, and
 * read the head, never alter, disable a trigger on, update, delete, truncate or drop either.
 *
 * So the application can no longer keep the head itself: a statement trigger on audit_events,
 * running as the owner, moves the head to the newest event a statement inserted. The head then
 * follows real inserts only, and a deleted tail (by whoever still could) shows in verify().
 *
 * The functions pin search_path to this schema (then pg_temp, last, so that a temporary table of
 * the caller's cannot stand in for ours): SECURITY DEFINER runs with the owner's rights.
 */
export class AppRole1795404000000 implements MigrationInterface {
  name = 'AppRole1795404000000';

  async up(q: QueryRunner): Promise<void> {
    const [{ schema }]: { schema: string }[] = await q.query(`SELECT quote_ident(current_schema()) AS schema`);
    const path = `SET search_path = ${schema}, pg_temp`;

    await q.query(`
      CREATE FUNCTION sl_audit_follow_head() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER ${path} AS $$
      BEGIN
        INSERT INTO audit_head AS h (event_id, hash, updated_at)
        SELECT id, hash, now() FROM appended ORDER BY id DESC LIMIT 1
        ON CONFLICT (one) DO UPDATE SET event_id = EXCLUDED.event_id, hash = EXCLUDED.hash, updated_at = now()
          WHERE h.event_id < EXCLUDED.event_id;
        RETURN NULL;
      END $$`);
    await q.query(`REVOKE ALL ON FUNCTION sl_audit_follow_head() FROM PUBLIC`);
    await q.query(`
      CREATE TRIGGER audit_events_head AFTER INSERT ON audit_events
      REFERENCING NEW TABLE AS appended FOR EACH STATEMENT EXECUTE FUNCTION sl_audit_follow_head()`);

    // ANALYZE wants the table's owner (PostgreSQL 17's MAINTAIN privilege would do instead): a
    // registry import refreshes its table's statistics through this, as the owner.
    await q.query(`
      CREATE FUNCTION sunlight_analyze(tbl regclass) RETURNS void LANGUAGE plpgsql SECURITY DEFINER ${path} AS $$
      BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_class c WHERE c.oid = tbl AND c.relnamespace = '${schema}'::regnamespace AND c.relkind IN ('r', 'p')) THEN
          RAISE EXCEPTION 'sunlight_analyze: % is not a table of Sunlight', tbl USING ERRCODE = 'insufficient_privilege';
        END IF;
        EXECUTE format('ANALYZE %s', tbl);
      END $$`);

    // Run by migrate() as the owner, after the migrations, whenever the application's role is
    // another: idempotent, and it covers every table whichever migration made it.
    await q.query(`
      CREATE FUNCTION sunlight_grant_app(app name, app_schemas text[] DEFAULT '{}') RETURNS void LANGUAGE plpgsql ${path} AS $$
      DECLARE
        ns regnamespace := '${schema}'::regnamespace;
        app_oid oid;
        t record;
        own text;
      BEGIN
        SELECT oid INTO app_oid FROM pg_roles WHERE rolname = app;
        IF app_oid IS NULL THEN
          RAISE EXCEPTION 'the application role % (DATABASE_URL) does not exist', app;
        END IF;
        IF app = current_user THEN
          RETURN;
        END IF;
        IF (SELECT rolsuper FROM pg_roles WHERE oid = app_oid) THEN
          RAISE EXCEPTION 'the application role % (DATABASE_URL) is a superuser: it could rewrite the audit trail; give it a role of its own', app;
        END IF;

        -- An install whose application role ran the migrations before: the audit trail and its
        -- functions come back to the owner (the rest it may keep; it gets no more from here).
        FOR t IN SELECT c.oid::regclass AS rel FROM pg_class c
                 WHERE c.relnamespace = ns AND c.relname IN ('audit_events', 'audit_head', 'migrations') AND c.relowner = app_oid LOOP
          EXECUTE format('ALTER TABLE %s OWNER TO %I', t.rel, current_user);
        END LOOP;
        FOR t IN SELECT p.oid::regprocedure AS fn FROM pg_proc p
                 WHERE p.pronamespace = ns AND p.proname IN ('sl_audit_append_only', 'sl_audit_follow_head', 'sunlight_analyze', 'sunlight_grant_app') AND p.proowner = app_oid LOOP
          EXECUTE format('ALTER FUNCTION %s OWNER TO %I', t.fn, current_user);
        END LOOP;

        -- CREATE on the schema: ingestion's staging and landing tables and their sequences, the
        -- regions' staging table. CREATE on the database: BullMQ's PostgreSQL backend (no Redis)
        -- creates its own schema (CREATE SCHEMA IF NOT EXISTS checks this even when it exists).
        -- TEMPORARY: the rules' temporary tables (PUBLIC has it by default; said here anyway).
        EXECUTE format('GRANT USAGE, CREATE ON SCHEMA %s TO %I', ns, app);
        EXECUTE format('GRANT CREATE, TEMPORARY ON DATABASE %I TO %I', current_database(), app);

        -- The payments: a large batch is COPYed into a landing table the application creates,
        -- then ATTACHed as a partition, which PostgreSQL allows only the owner of both tables;
        -- its check run ANALYZEs the partition, which wants the owner too. So the application
        -- owns the whole tree (new partitions are its own already). Needs the owner role to be
        -- a superuser or a member of the application role.
        FOR t IN SELECT c.oid::regclass AS rel FROM pg_partition_tree('disbursements') p JOIN pg_class c ON c.oid = p.relid
                 WHERE c.relowner <> app_oid LOOP
          EXECUTE format('ALTER TABLE %s OWNER TO %I', t.rel, app);
        END LOOP;

        -- Schemas that are the application's own (BullMQ's, when the queue runs on PostgreSQL):
        -- it creates and migrates them itself, so it owns them and what is in them. One made
        -- while the owner was also the application (before a second role) is handed over.
        FOREACH own IN ARRAY app_schemas LOOP
          CONTINUE WHEN own = current_schema() OR NOT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = own);
          IF (SELECT nspowner FROM pg_namespace WHERE nspname = own) <> app_oid THEN
            EXECUTE format('ALTER SCHEMA %I OWNER TO %I', own, app);
          END IF;
          FOR t IN SELECT c.oid::regclass AS rel FROM pg_class c
                   WHERE c.relnamespace = own::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm', 'S') AND c.relowner <> app_oid
                     AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
                                       AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')) LOOP
            EXECUTE format('ALTER TABLE %s OWNER TO %I', t.rel, app);
          END LOOP;
          FOR t IN SELECT p.oid::regprocedure AS fn FROM pg_proc p
                   WHERE p.pronamespace = own::regnamespace AND p.proowner <> app_oid LOOP
            EXECUTE format('ALTER ROUTINE %s OWNER TO %I', t.fn, app);
          END LOOP;
          FOR t IN SELECT y.oid::regtype AS ty FROM pg_type y
                   WHERE y.typnamespace = own::regnamespace AND y.typowner <> app_oid AND y.typtype IN ('e', 'd', 'r', 'm')
                     AND y.typelem = 0 LOOP
            EXECUTE format('ALTER TYPE %s OWNER TO %I', t.ty, app);
          END LOOP;
        END LOOP;

        -- Every other table: reading and writing rows, nothing more (no TRUNCATE, REFERENCES,
        -- TRIGGER; no DDL, which is the owner's). Tables the application owns (its own staging
        -- tables, BullMQ's) are left as they are.
        FOR t IN SELECT c.oid::regclass AS rel, c.relname FROM pg_class c
                 WHERE c.relnamespace = ns AND c.relkind IN ('r', 'p', 'v', 'm') AND c.relowner <> app_oid LOOP
          EXECUTE format('REVOKE ALL ON TABLE %s FROM %I', t.rel, app);
          IF t.relname = 'audit_events' THEN
            EXECUTE format('GRANT SELECT, INSERT ON TABLE %s TO %I', t.rel, app);
          ELSIF t.relname IN ('audit_head', 'migrations') THEN
            -- The head moves by trigger only; the migrations are the owner's.
            EXECUTE format('GRANT SELECT ON TABLE %s TO %I', t.rel, app);
          ELSE
            EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE %s TO %I', t.rel, app);
          END IF;
        END LOOP;
        -- nextval for serial columns (identity columns need no grant); never setval.
        FOR t IN SELECT c.oid::regclass AS rel FROM pg_class c
                 WHERE c.relnamespace = ns AND c.relkind = 'S' AND c.relowner <> app_oid LOOP
          EXECUTE format('REVOKE ALL ON SEQUENCE %s FROM %I', t.rel, app);
          EXECUTE format('GRANT USAGE, SELECT ON SEQUENCE %s TO %I', t.rel, app);
        END LOOP;
      END $$`);
    await q.query(`REVOKE ALL ON FUNCTION sunlight_grant_app(name, text[]) FROM PUBLIC`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION sunlight_grant_app(name, text[])`);
    await q.query(`DROP FUNCTION sunlight_analyze(regclass)`);
    await q.query(`DROP TRIGGER audit_events_head ON audit_events`);
    await q.query(`DROP FUNCTION sl_audit_follow_head()`);
  }
}
