/**
 * The scale-out layout of issue 15, simulated on one PostgreSQL: payments and the person
 * registries as hash partitions by the person (id_number), as Citus would distribute them, and
 * the catalogues (regions, programs) as plain tables, as Citus reference tables are copied whole
 * to every node. Built in a schema of its own from the live tables, so that a rule's statement,
 * run with that schema first on the search path, reads the partitioned copies under the same
 * names (functions such as sl_id_birth_date still resolve in public). With partitionwise join
 * and aggregate on, a join on id_number then runs partition by partition: partition k of
 * payments against partition k of a registry, the work shard k would do.
 *
 * R09 (by bank account) and R08 (by household) key on something else: they get no copy of their
 * own hashed by account or household. Such a copy of disbursements, the largest table, would
 * double it and have to follow every import, for one rule; Citus repartitions those joins at
 * query time instead. Here they run on the id_number layout, and RULE_DISTRIBUTION says so.
 *
 * Each shard can also be read alone (createShardViews): a schema per partition k whose tables
 * are partition k, so that a statement run there does exactly what Citus sends to shard k of a
 * query it pushes down whole. For a co-located rule the shards' hits together are all its hits.
 */

/** Runs SQL: a pg client's or a TypeORM DataSource's `query`, answering the rows. */
export type SqlRunner = (sql: string, params?: unknown[]) => Promise<unknown>;

/** The tables distributed by the person, with the column they are hashed by. */
export const DISTRIBUTED_TABLES: { table: string; column: string }[] = [
  { table: 'disbursements', column: 'id_number' },
  { table: 'reg_deceased', column: 'id_number' },
  { table: 'reg_public_employees', column: 'id_number' },
  { table: 'reg_village_officials', column: 'id_number' },
  { table: 'reg_household_members', column: 'id_number' },
  // Vehicles and businesses are keyed by their owner's id_number (CONTRACT §3.2): R04 and R05 join on it.
  { table: 'reg_vehicles', column: 'id_number' },
  { table: 'reg_businesses', column: 'id_number' },
  { table: 'reg_residents', column: 'id_number' },
  // Derived at import from the officials and the household members, keyed by the connected person: R03 joins on it.
  { table: 'reg_official_connections', column: 'id_number' },
];

/** Copied whole, as Citus reference tables are to every node. */
export const REFERENCE_TABLES = ['regions', 'programs'];

export interface PartitionLayoutOptions {
  /** The schema the layout is built in (dropped first if it exists). */
  schema?: string;
  /** Hash partitions per distributed table (the shards). */
  partitions?: number;
}

/** The partition `k` of a distributed table in the layout, e.g. disbursements_p0. */
export function partitionName(table: string, k: number): string {
  return `${table}_p${k}`;
}

/**
 * Builds the layout from the live tables (public): each distributed table as a table of the same
 * columns partitioned by HASH on its person column, filled by INSERT … SELECT; the live tables'
 * indexes (those the rules use among them) created on it after the load; the reference tables
 * copied; then ANALYZE. Disbursements' generated columns (id, amount_fen, paid_on) become plain
 * columns holding the same values: the copy is read, never written by an import.
 */
export async function createPartitionLayout(query: SqlRunner, options: PartitionLayoutOptions = {}): Promise<{ schema: string; partitions: number }> {
  const schema = options.schema ?? 'sim';
  const partitions = options.partitions ?? 4;
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`schema ${schema}: lower-case letters, digits and _ only`);
  if (!Number.isInteger(partitions) || partitions < 1 || partitions > 256) throw new Error(`partitions ${partitions}: an integer 1–256`);
  await query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await query(`CREATE SCHEMA ${schema}`);
  for (const { table, column } of DISTRIBUTED_TABLES) {
    // LIKE copies the columns, their types and collations ("C" for id_number, as live: partitions
    // join partitionwise only when their keys' collations match) and NOT NULL, not the indexes.
    await query(`CREATE TABLE ${schema}.${table} (LIKE public.${table}) PARTITION BY HASH (${column})`);
    for (let k = 0; k < partitions; k++) {
      await query(`CREATE TABLE ${schema}.${partitionName(table, k)} PARTITION OF ${schema}.${table} FOR VALUES WITH (MODULUS ${partitions}, REMAINDER ${k})`);
    }
    await query(`INSERT INTO ${schema}.${table} SELECT * FROM public.${table}`);
    await copyIndexes(query, schema, table);
  }
  for (const table of REFERENCE_TABLES) {
    await query(`CREATE TABLE ${schema}.${table} (LIKE public.${table} INCLUDING ALL)`);
    await query(`INSERT INTO ${schema}.${table} SELECT * FROM public.${table}`);
  }
  for (const table of [...DISTRIBUTED_TABLES.map((t) => t.table), ...REFERENCE_TABLES]) await query(`ANALYZE ${schema}.${table}`);
  return { schema, partitions };
}

/** The live table's indexes, made again on the copy (an index on a partitioned table is made on each partition). */
async function copyIndexes(query: SqlRunner, schema: string, table: string): Promise<void> {
  const indexes = (await query(`SELECT indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename = $1 ORDER BY indexname`, [table])) as { indexdef: string }[];
  for (const { indexdef } of indexes) {
    await query(indexdef.replace(` ON public.${table} `, ` ON ${schema}.${table} `).replace(/ ON ONLY public\./, ` ON ${schema}.`));
  }
}

/**
 * The settings a rule's statement runs with on the layout: the layout's tables before public's,
 * and partitionwise join and aggregate, which PostgreSQL leaves off by default (they cost
 * planning time when there are many partitions).
 */
export function partitionLayoutSettings(schema = 'sim'): string[] {
  return [`SET search_path = ${schema}, public`, 'SET enable_partitionwise_join = on', 'SET enable_partitionwise_aggregate = on'];
}

/** Drops the layout. */
export async function dropPartitionLayout(query: SqlRunner, schema = 'sim'): Promise<void> {
  await query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
}

/**
 * How each rule's statement runs on the layout (tests/partition-simulation.e2e-spec.ts holds
 * both claims against EXPLAIN and the hits):
 * - `partitionwise`: PostgreSQL can plan it joining partition k with partition k only (or
 *   reading one distributed table, partition by partition, with reference tables), and does on
 *   the test's population. Whether it does is the planner's cost choice: with the checks
 *   benchmark's registries (100,000–300,000 rows against 1,000,000 payments) it joined R02, R04
 *   and R05 over whole tables (`npm run bench -- partitions` reports the plan it took). Citus
 *   plans each shard's query alone, so there it is not a choice;
 * - `colocated`: every join and grouping is by the person, so each shard finds its own hits
 *   alone and Citus can push the statement down whole; a rule that is co-located but not
 *   partitionwise is one PostgreSQL's planner will not join partitionwise above a GROUP BY or
 *   DISTINCT (it joins partitionwise only base tables and joins of them).
 */
export const RULE_DISTRIBUTION: Record<string, { partitionwise: boolean; colocated: boolean; why: string }> = {
  R01: { partitionwise: true, colocated: true, why: '支付 ⋈ 死亡人员，按身份证号' },
  R02: { partitionwise: true, colocated: true, why: '支付 ⋈ 财政供养人员，按身份证号；programs 为参照表' },
  R03: { partitionwise: true, colocated: true, why: '支付 ⋈ 村干部关联人（reg_official_connections，导入时按户推导、按关联人身份证号存放）' },
  R04: { partitionwise: true, colocated: true, why: '支付 ⋈ 车辆（车主身份证号）' },
  R05: { partitionwise: true, colocated: true, why: '支付 ⋈ 工商登记（登记人身份证号）' },
  R06: { partitionwise: false, colocated: true, why: '按人、项目分组后再与支付自连接：均按身份证号，Citus 可整句下推；PostgreSQL 不在 GROUP BY 之上做分区连接' },
  R07: { partitionwise: true, colocated: true, why: '只读支付与参照表 programs' },
  R08: { partitionwise: false, colocated: false, why: '同户其他成员（按 household_id）可能在别的分片：需按户重分布' },
  R09: { partitionwise: false, colocated: false, why: '按银行账户分组：跨分片，需按账户重分布' },
  R10: { partitionwise: false, colocated: true, why: '先按身份证号汇总出号码有误的人，再与支付连接：均按身份证号，Citus 可整句下推；PostgreSQL 不在 GROUP BY 之上做分区连接' },
  R11: { partitionwise: false, colocated: true, why: '先按身份证号与项目汇总出首末期年龄不符的人，再按身份证号读回其支付：均按身份证号，Citus 可整句下推；PostgreSQL 不在 GROUP BY 之上做分区连接' },
  R13: { partitionwise: false, colocated: false, why: '先按县汇总发放月份（跨分片，Citus 先算出再广播），再把户籍人口与各月配对、与已发放名单比对：按身份证号同分片，但 PostgreSQL 在物化的中间结果上连接' },
};

/** The schema holding shard `k` of a layout in `schema`. */
export function shardSchema(schema: string, k: number): string {
  return `${schema}_shard${k}`;
}

/**
 * One schema per partition k, whose distributed tables are views of partition k and whose
 * reference tables are the layout's: a statement run with it first on the search path reads
 * shard k alone. Answers the schemas.
 */
export async function createShardViews(query: SqlRunner, { schema, partitions }: { schema: string; partitions: number }): Promise<string[]> {
  const schemas: string[] = [];
  for (let k = 0; k < partitions; k++) {
    const shard = shardSchema(schema, k);
    await query(`DROP SCHEMA IF EXISTS ${shard} CASCADE`);
    await query(`CREATE SCHEMA ${shard}`);
    for (const { table } of DISTRIBUTED_TABLES) await query(`CREATE VIEW ${shard}.${table} AS SELECT * FROM ${schema}.${partitionName(table, k)}`);
    for (const table of REFERENCE_TABLES) await query(`CREATE VIEW ${shard}.${table} AS SELECT * FROM ${schema}.${table}`);
    schemas.push(shard);
  }
  return schemas;
}

/** A plan node of EXPLAIN (FORMAT JSON). */
export interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Parent Relationship'?: string;
  Plans?: PlanNode[];
  [key: string]: unknown;
}

/** A join of the plan whose two sides both read distributed partitions. */
export interface PartitionJoin {
  node: string;
  /** The partitions each side reads, e.g. ['disbursements_p0'] and ['reg_deceased_p0']. */
  outer: string[];
  inner: string[];
  /** Both sides read the same single partition number k: the join shard k would do. */
  partition: number | null;
}

const PARTITION = new RegExp(`^(${DISTRIBUTED_TABLES.map((t) => t.table).join('|')})_p(\\d+)$`);

/**
 * The joins of a plan that combine rows of distributed tables, each with the partitions its
 * sides read. A join partitionwise in PostgreSQL pairs partition k with partition k; a join over
 * whole tables (Appends of every partition) or with a probe into any partition crosses them.
 * Joins with reference tables or VALUES have at most one side reading partitions and are not
 * listed. A CTE scan reads what its CTE read: a materialized result over every partition, joined
 * with partition k, crosses them as much as the Append it was computed from.
 */
export function partitionJoins(plan: PlanNode): PartitionJoin[] {
  const joins: PartitionJoin[] = [];
  const ctes = ctePlansOf(plan);
  const read = (node: PlanNode) => partitionsRead(node, ctes);
  const visit = (node: PlanNode) => {
    if (/Join|Nested Loop/.test(node['Node Type'])) {
      const side = (rel: string) => [...new Set((node.Plans ?? []).filter((c) => c['Parent Relationship'] === rel).flatMap(read))].sort();
      const outer = side('Outer');
      const inner = side('Inner');
      if (outer.length && inner.length) {
        const numbers = new Set([...outer, ...inner].map((p) => Number(PARTITION.exec(p)![2])));
        joins.push({ node: node['Node Type'], outer, inner, partition: numbers.size === 1 ? [...numbers][0] : null });
      }
    }
    for (const child of node.Plans ?? []) visit(child);
  };
  visit(plan);
  return joins;
}

/**
 * The distributed partitions a plan node and those below it read; given the plan's CTEs
 * (ctePlansOf), a CTE scan reads what its CTE does.
 */
export function partitionsRead(node: PlanNode, ctes: Map<string, PlanNode> = new Map()): string[] {
  const own = node['Relation Name'] && PARTITION.test(node['Relation Name']) ? [node['Relation Name']] : [];
  const cte = node['Node Type'] === 'CTE Scan' ? ctes.get(String(node['CTE Name'])) : undefined;
  return [...own, ...(cte ? partitionsRead(cte, ctes) : []), ...(node.Plans ?? []).flatMap((child) => partitionsRead(child, ctes))];
}

/** The plans of a plan's CTEs by name (EXPLAIN lists each as an InitPlan named "CTE name"). */
export function ctePlansOf(plan: PlanNode): Map<string, PlanNode> {
  const ctes = new Map<string, PlanNode>();
  const visit = (node: PlanNode) => {
    const name = /^CTE (.+)$/.exec(String(node['Subplan Name'] ?? ''));
    if (name) ctes.set(name[1], node);
    for (const child of node.Plans ?? []) visit(child);
  };
  visit(plan);
  return ctes;
}
