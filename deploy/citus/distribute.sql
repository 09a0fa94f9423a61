-- Sunlight on Citus: which tables are spread over the workers, run once after the migrations
-- (docker compose --profile citus: the citus-distribute service). docs/scale-out.md says why.
--
-- Person group (按身份证号分片): payments and the six registries plus residents and the officials'
-- connections (derived at registry import, keyed by the connected person), hash-distributed by
-- id_number and co-located, so that the rules joining a payment to its recipient's registry
-- records (R01–R06, R10, R11, the person side of R08 and R13) run shard by
-- shard, as they run partition by partition in the simulation (test/partition-simulation.e2e-spec.ts).
-- Reference tables (每个节点一份): what those statements join besides the person (programs, regions).
-- Everything else stays a local table on the coordinator: leads and their evidence, the audit
-- trail, accounts, catalogues' versions, check runs, the outbox. Not run here: the images cannot
-- be pulled on the machine this was written on.
--
-- Idempotent: a table already distributed is left alone, so a second `up` changes nothing.

\set ON_ERROR_STOP on

-- Enough shards to spread over many more workers than two without re-sharding (a shard moves
-- whole with citus_rebalance_start); 32 is Citus's default, stated so that it is a decision.
SET citus.shard_count = 32;

DO $$
DECLARE
  person text[] := ARRAY['reg_deceased', 'reg_public_employees', 'reg_village_officials', 'reg_household_members',
                         'reg_vehicles', 'reg_businesses', 'reg_residents', 'reg_official_connections'];
  reference text[] := ARRAY['regions', 'programs'];
  t text;
BEGIN
  -- disbursements is partitioned by segment (migration PartitionedDisbursements): distributing the
  -- parent distributes every partition with it, co-located. The distribution column (id_number)
  -- differs from the partition key (segment), which Citus allows for a one-level partitioning.
  IF NOT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = 'disbursements'::regclass) THEN
    PERFORM create_distributed_table('disbursements', 'id_number', colocate_with => 'none');
  END IF;
  FOREACH t IN ARRAY person LOOP
    IF NOT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = t::regclass) THEN
      PERFORM create_distributed_table(t, 'id_number', colocate_with => 'disbursements');
    END IF;
  END LOOP;
  FOREACH t IN ARRAY reference LOOP
    IF NOT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = t::regclass) THEN
      PERFORM create_reference_table(t);
    END IF;
  END LOOP;
END $$;

-- The ID-number functions (migration IdNumberFunctions) run inside the rules' statements on the
-- workers (R10, R11, R13): they must exist there. Nothing distributed depends on them, so Citus
-- would not carry them over by itself.
SELECT create_distributed_function('sl_id_check_ok(text)');
SELECT create_distributed_function('sl_id_birth_date(text)');

-- What is where, for the log of the one-shot service.
SELECT logicalrelid::text AS "table",
       CASE partmethod WHEN 'h' THEN 'distributed by ' || column_to_column_name(logicalrelid, partkey) WHEN 'n' THEN 'reference' END AS placement,
       colocationid
FROM pg_dist_partition
WHERE NOT EXISTS (SELECT 1 FROM pg_inherits i WHERE i.inhrelid = logicalrelid)
ORDER BY colocationid, logicalrelid::text;
