// Loads a population, builds the partitioned layout beside it and times every rule's statement
// on both, in a process of its own:
//   node dist/bench/partitions-worker.js DIR PARTITIONS ROUNDS   (DATABASE_URL names a migrated database)
import 'reflect-metadata';
import pg from 'pg';
import {
  ALL_PAYMENTS,
  RULE_DISTRIBUTION,
  RuleCatalogue,
  createPartitionLayout,
  createShardViews,
  partitionJoins,
  partitionLayoutSettings,
  ruleStatement,
  shardSchema,
  type PlanNode,
} from '@sunlight/rules';
import { runnableRules } from '../libs/rules/src/rule-catalogue.js';
import { loadPopulation, workerApp } from './worker-app.js';

const [dir, partitionsArg, roundsArg] = process.argv.slice(2);
const partitions = Number(partitionsArg);
const rounds = Number(roundsArg);
const { app, close } = await workerApp();
const ms = (start: bigint) => Math.round(Number(process.hrtime.bigint() - start) / 1e6);
const say = (line: string) => process.stderr.write(`  ${line}\n`);

const { payments } = await loadPopulation(app, dir);
const rules = runnableRules(await app.get(RuleCatalogue).live());
say(`${payments} payments loaded`);

// One session of its own: the layout's settings are per session.
const db = new pg.Client({ connectionString: process.env.DATABASE_URL });
await db.connect();
const query = (sql: string, params?: unknown[]) => db.query(sql, params).then((r) => r.rows);
let t = process.hrtime.bigint();
const layout = await createPartitionLayout(query, { partitions });
await createShardViews(query, layout);
const layoutMs = ms(t);
say(`partitioned layout (${partitions} partitions) built in ${layoutMs} ms`);

const today = () => db.query('RESET search_path; RESET enable_partitionwise_join; RESET enable_partitionwise_aggregate');
const partitioned = async () => {
  for (const setting of partitionLayoutSettings(layout.schema)) await db.query(setting);
};
/** The statement's hits counted, as a check reads them all. */
const timed = async (sql: string): Promise<{ ms: number; hits: number }> => {
  const start = process.hrtime.bigint();
  const [{ hits }] = await query(`SELECT count(*)::int AS hits FROM (${sql}) h`);
  return { ms: ms(start), hits };
};
const best = (values: number[]) => Math.min(...values);

const perRule: Record<string, { todayMs: number; partitionedMs: number; ratio: number; hits: number; partitionwise: boolean; crossingJoins: string[]; shards?: { sumMs: number; maxMs: number } }> = {};
for (const rule of rules) {
  const sql = ruleStatement(rule, ALL_PAYMENTS);
  const times = { today: [] as number[], partitioned: [] as number[], shardSum: [] as number[], shardMax: [] as number[] };
  let hits = -1;
  const colocated = RULE_DISTRIBUTION[rule.code]?.colocated ?? false;
  // A first round warms the caches (not counted); then today and partitioned alternate.
  for (let round = 0; round <= rounds; round++) {
    await today();
    const a = await timed(sql);
    await partitioned();
    const b = await timed(sql);
    if (a.hits !== b.hits) throw new Error(`${rule.code}: ${a.hits} hits today, ${b.hits} on the partitioned layout`);
    hits = a.hits;
    const shardMs: number[] = [];
    if (colocated) {
      for (let k = 0; k < partitions; k++) {
        await db.query(`SET search_path = ${shardSchema(layout.schema, k)}, public`);
        shardMs.push((await timed(sql)).ms);
      }
    }
    if (round === 0) continue;
    times.today.push(a.ms);
    times.partitioned.push(b.ms);
    if (colocated) {
      times.shardSum.push(shardMs.reduce((s, x) => s + x, 0));
      times.shardMax.push(Math.max(...shardMs));
    }
  }
  await partitioned();
  const [{ 'QUERY PLAN': [plan] }] = await query(`EXPLAIN (FORMAT JSON) ${sql}`);
  // The joins that read several partitions, named by what they join (the planner's choice at this size).
  const crossingJoins = partitionJoins((plan as { Plan: PlanNode }).Plan)
    .filter((j) => j.partition === null)
    .map((j) => `${j.node}: ${[...new Set(j.outer.map((p) => p.replace(/_p\d+$/, '')))].join('+')} ⋈ ${[...new Set(j.inner.map((p) => p.replace(/_p\d+$/, '')))].join('+')}`);
  const crossing = crossingJoins.length;
  const todayMs = best(times.today);
  const partitionedMs = best(times.partitioned);
  perRule[rule.code] = {
    todayMs,
    partitionedMs,
    ratio: Number((partitionedMs / Math.max(todayMs, 1)).toFixed(2)),
    hits,
    partitionwise: crossing === 0,
    crossingJoins,
    ...(colocated ? { shards: { sumMs: best(times.shardSum), maxMs: best(times.shardMax) } } : {}),
  };
  say(`${rule.code}: today ${todayMs} ms, partitioned ${partitionedMs} ms${colocated ? `, shards ${best(times.shardSum)} ms in all (slowest ${best(times.shardMax)} ms)` : ''} (${hits} hits)`);
}
await db.end();
await close();
const sum = (f: (r: (typeof perRule)[string]) => number) => Object.values(perRule).reduce((s, r) => s + f(r), 0);
const total = { todayMs: sum((r) => r.todayMs), partitionedMs: sum((r) => r.partitionedMs) };
process.stdout.write(
  JSON.stringify({
    payments,
    partitions,
    rounds,
    layoutMs,
    perRule,
    total: { ...total, ratio: Number((total.partitionedMs / total.todayMs).toFixed(2)) },
    note: 'best of the rounds; today and partitioned alternate in each round; shards: the co-located rules run on each shard alone, one after the other',
  }) + '\n',
);
