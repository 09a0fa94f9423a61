// The triage benchmark's load, in a process of its own so that it does not share the API's event
// loop: node dist/bench/triage-load.js PLAN.json (written by bench/triage.ts). Concurrent clients
// over keep-alive connections (Node's fetch), each a loop of requests timed from send to the
// last byte of the answer; prints one JSON line with percentiles per request name.
import { readFileSync, readdirSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

export interface PlanClient {
  name: string;
  role: 'inspector' | 'supervisor';
  userId: string;
  region: string;
  token: string;
  /** Leads this client alone may move along (id, status): new, assigned or verifying. */
  leads: [string, string][];
}

export interface LoadPlan {
  baseUrl: string;
  /** The API's process, whose CPU time (with its children's: a cluster's workers) each phase reports (Linux /proc). */
  apiPid?: number;
  concurrency: number;
  warmupMs: number;
  /** One client alone: each request's own cost, without queueing. */
  soloMs: number;
  baselineMs: number;
  queriesMs: number;
  actionsMs: number;
  /** YYYY-MM-DD, for the date-range query. */
  today: string;
  clients: PlanClient[];
}

export interface Stats {
  count: number;
  errors: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
  perSecond: number;
}

/** CPU used during a phase, in % of one core: the API process, all PostgreSQL processes, this one. */
export interface CpuUse {
  api?: number;
  postgres?: number;
  load: number;
}

export interface LoadReport {
  concurrency: number;
  cpu: Record<'solo' | 'baseline' | 'queries' | 'actions', CpuUse>;
  solo: Record<string, Stats>;
  baseline: Record<string, Stats>;
  queries: { county: Record<string, Stats>; city: Record<string, Stats>; allCounty: Stats; allCity: Stats; all: Stats };
  actions: { byAction: Record<string, Stats>; all: Stats; leadsFinished: number; clientsOutOfLeads: number };
  errorSamples: string[];
}

interface ClientState extends PlanClient {
  index: number;
  cursor?: string;
  round: number;
}

/** One recording: latencies (ms) and errors per request name. */
class Recorder {
  readonly times = new Map<string, number[]>();
  readonly errors = new Map<string, number>();
  constructor(readonly ms: number) {}

  add(name: string, ms: number, ok: boolean) {
    if (!ok) this.errors.set(name, (this.errors.get(name) ?? 0) + 1);
    else {
      let list = this.times.get(name);
      if (!list) this.times.set(name, (list = []));
      list.push(ms);
    }
  }

  stats(filter: (name: string) => boolean = () => true, rename: (name: string) => string = (n) => n): Record<string, Stats> {
    const out: Record<string, Stats> = {};
    const names = new Set([...this.times.keys(), ...this.errors.keys()].filter(filter));
    for (const name of [...names].sort()) out[rename(name)] = summary(this.times.get(name) ?? [], this.errors.get(name) ?? 0, this.ms);
    return out;
  }

  pooled(filter: (name: string) => boolean): Stats {
    const names = [...new Set([...this.times.keys(), ...this.errors.keys()])].filter(filter);
    return summary(
      names.flatMap((n) => this.times.get(n) ?? []),
      names.reduce((sum, n) => sum + (this.errors.get(n) ?? 0), 0),
      this.ms,
    );
  }
}

function summary(values: number[], errors: number, ms: number): Stats {
  const sorted = Float64Array.from(values).sort();
  // Nearest rank: the smallest value with at least p of the values at or below it.
  const at = (p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] : NaN);
  const round = (v: number) => Math.round(v * 100) / 100;
  const mean = sorted.length ? sorted.reduce((a, b) => a + b, 0) / sorted.length : NaN;
  return { count: sorted.length, errors, p50: round(at(0.5)), p95: round(at(0.95)), p99: round(at(0.99)), max: round(at(1)), mean: round(mean), perSecond: round((sorted.length + errors) / (ms / 1000)) };
}

const errorSamples = new Set<string>();

/** Sends one request; answers the body (undefined on failure) and records the time to its last byte. */
async function timed(rec: Recorder | undefined, name: string, plan: LoadPlan, client: ClientState, path: string, body?: unknown): Promise<string | undefined> {
  const started = performance.now();
  let ok = false;
  let text: string | undefined;
  try {
    const res = await fetch(plan.baseUrl + path, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { authorization: `Bearer ${client.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    text = await res.text();
    ok = res.ok;
    if (!ok && errorSamples.size < 12) errorSamples.add(`${name} ${path.split('?')[0]} → ${res.status} ${text.slice(0, 240)}`);
  } catch (err) {
    if (errorSamples.size < 12) errorSamples.add(`${name} ${path.split('?')[0]} → ${(err as Error).message}`);
  }
  rec?.add(name, performance.now() - started, ok);
  return ok ? text : undefined;
}

function daysBefore(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - n);
  return d.toISOString().slice(0, 10);
}

const RULE_PAIRS = ['R01,R02', 'R03,R04', 'R01,R06', 'R02,R05', 'R07,R08,R09'];
const AMOUNT_RANGES = [['1000', '20000'], ['500', '5000'], ['5000', '100000']];

/**
 * The ten most common queue requests, as the console makes them: the default view (own region,
 * by deadline), its second page, the open backlog, my leads, cards, a rule by amount, an amount
 * range, a date range by age, verification by age, and the facet counts. A supervisor's "my
 * leads" is the unassigned new ones.
 */
const QUERIES: { name: string; path: (c: ClientState, plan: LoadPlan) => string }[] = [
  { name: 'queue-by-due', path: () => '/api/leads?sort=due&limit=50' },
  { name: 'queue-page-2', path: (c) => `/api/leads?sort=due&limit=50&cursor=${c.cursor}` },
  { name: 'open-by-due', path: () => '/api/leads?status=new,assigned,verifying&sort=due&limit=50' },
  { name: 'mine-by-due', path: (c) => (c.role === 'inspector' ? '/api/leads?assignee=me&sort=due&limit=50' : '/api/leads?assignee=none&status=new&sort=due&limit=50') },
  { name: 'cards-by-due', path: () => '/api/leads?card=red,yellow&sort=due&limit=50' },
  { name: 'rule-by-amount', path: (c) => `/api/leads?rule=${RULE_PAIRS[c.round % RULE_PAIRS.length]}&sort=amount&limit=50` },
  { name: 'amount-range', path: (c) => { const [lo, hi] = AMOUNT_RANGES[c.round % AMOUNT_RANGES.length]; return `/api/leads?amountMin=${lo}&amountMax=${hi}&sort=amount&limit=50`; } },
  { name: 'date-range-by-age', path: (c, plan) => `/api/leads?from=${daysBefore(plan.today, 30 + (c.round % 3) * 30)}&to=${plan.today}&sort=age&limit=50` },
  { name: 'verifying-by-age', path: () => '/api/leads?status=verifying&sort=age&limit=50' },
  { name: 'facets', path: () => '/api/leads/facets' },
];

/** Runs `step` in a loop on every client until `ms` have passed. */
async function phase(clients: ClientState[], ms: number, step: (c: ClientState) => Promise<boolean>): Promise<void> {
  const until = performance.now() + ms;
  await Promise.all(
    clients.map(async (c) => {
      while (performance.now() < until) if (!(await step(c))) return;
    }),
  );
}

async function queueStep(rec: Recorder | undefined, plan: LoadPlan, c: ClientState, position: { i: number }) {
  const q = QUERIES[position.i % QUERIES.length];
  position.i++;
  if (position.i % QUERIES.length === 0) c.round++;
  if (q.name === 'queue-page-2' && !c.cursor) return true;
  const tag = c.role === 'supervisor' ? `city:${q.name}` : `county:${q.name}`;
  const text = await timed(rec, tag, plan, c, q.path(c, plan));
  if (q.name === 'queue-by-due' && text) c.cursor = JSON.parse(text).next ?? undefined;
  return true;
}

const TICK_MS = 10; // USER_HZ is 100 on Linux

/** CPU ms of a process so far (utime + stime), or undefined where /proc is not there. */
function processCpuMs(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  } catch {
    return undefined;
  }
}

/** CPU ms so far of a process and its live children (the API's cluster workers), per pid. */
function treeCpuMs(pid: number): Map<number, number> {
  const out = new Map<number, number>();
  const own = processCpuMs(pid);
  if (own !== undefined) out.set(pid, own);
  try {
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) !== pid) continue;
        const ms = processCpuMs(Number(entry));
        if (ms !== undefined) out.set(Number(entry), ms);
      } catch {
        // gone meanwhile
      }
    }
  } catch {
    // no /proc
  }
  return out;
}

function postgresCpuMs(): Map<number, number> {
  const out = new Map<number, number>();
  try {
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        if (!stat.includes('(postgres)')) continue;
        const ms = processCpuMs(Number(entry));
        if (ms !== undefined) out.set(Number(entry), ms);
      } catch {
        // gone meanwhile
      }
    }
  } catch {
    // no /proc
  }
  return out;
}

/** Measures the CPU a phase costs; processes that start during it count from zero. */
async function withCpu(plan: LoadPlan, run: () => Promise<void>): Promise<CpuUse> {
  const started = performance.now();
  const api = plan.apiPid ? treeCpuMs(plan.apiPid) : undefined;
  const pg = postgresCpuMs();
  const self = process.cpuUsage();
  await run();
  const ms = performance.now() - started;
  let apiMs: number | undefined;
  if (api?.size && plan.apiPid) {
    apiMs = 0;
    for (const [pid, after] of treeCpuMs(plan.apiPid)) apiMs += after - (api.get(pid) ?? 0);
  }
  let pgMs = 0;
  for (const [pid, after] of postgresCpuMs()) pgMs += after - (pg.get(pid) ?? 0);
  const used = process.cpuUsage(self);
  const pct = (v: number) => Math.round((v / ms) * 100);
  return {
    api: apiMs !== undefined ? pct(apiMs) : undefined,
    postgres: pg.size ? pct(pgMs) : undefined,
    load: pct((used.user + used.system) / 1000),
  };
}

/**
 * Takes one lead to a verdict: new or assigned, assign to me, start verifying, then confirm (two
 * in three) or dismiss; verifying (someone else's), take it over, then the verdict.
 */
async function moveLead(rec: Recorder, plan: LoadPlan, c: ClientState, [id, status]: [string, string]): Promise<boolean> {
  const act = (body: Record<string, unknown>) => timed(rec, String(body.action), plan, c, `/api/leads/${id}/actions`, body);
  if (!(await act({ action: 'assign', assigneeId: c.userId }))) return false;
  if (status !== 'verifying' && !(await act({ action: 'start-verification' }))) return false;
  // The seeded leads' amounts vary: a confirmed amount above one needs a reason.
  if (Number(id) % 3) return (await act({ action: 'confirm', finding: '经核查属实：比对库记录与发放名单一致，已调取原始凭证', amountConfirmed: `${100 + (Number(id) % 900)}.50`, amountReason: '另据原始凭证核定' })) !== undefined;
  return (await act({ action: 'dismiss', reason: '经核查不属实：同名同姓，身份证号不同' })) !== undefined;
}

async function main() {
  const plan = JSON.parse(readFileSync(process.argv[2], 'utf8')) as LoadPlan;
  const all: ClientState[] = plan.clients.map((c, index) => ({ ...c, index, round: 0 }));
  const inspectors = all.filter((c) => c.role === 'inspector');
  const supervisors = all.filter((c) => c.role === 'supervisor');
  // The queue phase: the supervisor(s) and as many inspectors as make up the concurrency.
  const queueClients = [...supervisors, ...inspectors].slice(0, plan.concurrency);
  const actionClients = inspectors.slice(0, plan.concurrency);
  // Each client starts its loop at a different query, so that all ten are in flight together.
  const positions = new Map(all.map((c) => [c, { i: c.index }]));
  const say = (line: string) => process.stderr.write(`  ${line}\n`);

  say(`warm-up ${plan.warmupMs} ms`);
  await phase(queueClients, plan.warmupMs, (c) => queueStep(undefined, plan, c, positions.get(c)!));

  // One inspector of the largest county alone: each request's own cost, nothing queued before it.
  say(`one client alone ${plan.soloMs} ms`);
  const solo = new Recorder(plan.soloMs);
  const loner = inspectors[0];
  const lonePosition = { i: 0 };
  const soloCpu = await withCpu(plan, () =>
    phase([loner], plan.soloMs, async (c) => {
      if (lonePosition.i % QUERIES.length === 0) await timed(solo, 'county:auth-me', plan, c, '/api/auth/me');
      return queueStep(solo, plan, c, lonePosition);
    }),
  );

  // The same inspector alone moving leads (from the end of its list; the state-change phase takes
  // them from the start).
  say(`one client alone, state changes ${plan.soloMs / 2} ms`);
  const soloActions = new Recorder(plan.soloMs / 2);
  await phase([loner], plan.soloMs / 2, async (c) => {
    const lead = c.leads.pop();
    if (lead) await moveLead(soloActions, plan, c, lead);
    return lead !== undefined;
  });

  // Baseline: the same clients on trivial routes; /health is public (a database ping and a queue
  // count), /api/auth/me the cheapest authenticated one (token check and session lookup).
  say(`baseline ${plan.baselineMs} ms`);
  const baseline = new Recorder(plan.baselineMs);
  const baselineCpu = await withCpu(plan, () =>
    phase(queueClients, plan.baselineMs, async (c) => {
      const health = (c.round++ + c.index) % 2 === 0;
      await timed(baseline, health ? 'health' : 'auth-me', plan, c, health ? '/health' : '/api/auth/me');
      return true;
    }),
  );

  say(`queue queries ${plan.queriesMs} ms`);
  const queries = new Recorder(plan.queriesMs);
  const queriesCpu = await withCpu(plan, () => phase(queueClients, plan.queriesMs, (c) => queueStep(queries, plan, c, positions.get(c)!)));

  say(`state changes ${plan.actionsMs} ms`);
  const actions = new Recorder(plan.actionsMs);
  let leadsFinished = 0;
  let clientsOutOfLeads = 0;
  const next = new Map(actionClients.map((c) => [c, 0]));
  const actionsCpu = await withCpu(plan, () =>
    phase(actionClients, plan.actionsMs, async (c) => {
      const i = next.get(c)!;
      if (i >= c.leads.length) {
        clientsOutOfLeads++;
        return false;
      }
      next.set(c, i + 1);
      if (await moveLead(actions, plan, c, c.leads[i])) leadsFinished++;
      return true;
    }),
  );

  const isCounty = (n: string) => n.startsWith('county:');
  const isCity = (n: string) => n.startsWith('city:');
  const report: LoadReport = {
    concurrency: plan.concurrency,
    cpu: { solo: soloCpu, baseline: baselineCpu, queries: queriesCpu, actions: actionsCpu },
    solo: { ...solo.stats(() => true, (n) => n.slice('county:'.length)), ...soloActions.stats(() => true, (n) => `action:${n}`), 'action:all': soloActions.pooled(() => true) },
    baseline: baseline.stats(),
    queries: {
      county: queries.stats(isCounty, (n) => n.slice('county:'.length)),
      city: queries.stats(isCity, (n) => n.slice('city:'.length)),
      allCounty: queries.pooled(isCounty),
      allCity: queries.pooled(isCity),
      all: queries.pooled(() => true),
    },
    actions: { byAction: actions.stats(), all: actions.pooled(() => true), leadsFinished, clientsOutOfLeads },
    errorSamples: [...errorSamples],
  };
  process.stdout.write(JSON.stringify(report) + '\n');
}

await main();
