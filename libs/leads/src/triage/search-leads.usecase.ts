import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ActorContext, fenToYuan, InputError, NotFoundError, TIME_ZONE, yuanToFen } from '@sunlight/common';
import { allowedActions, type LeadAction } from './lifecycle.js';

export type LeadSort = 'due' | 'amount' | 'age' | 'newest' | 'id';

/** The queue's filters; every one optional, lists OR within a filter, filters AND together. */
export interface LeadFilters {
  region?: string;
  rules?: string[];
  severities?: string[];
  statuses?: string[];
  /** 'none' for leads without a card. */
  cards?: string[];
  programs?: string[];
  /** A user id, 'me', or 'none' (unassigned). */
  assignee?: string;
  /** Yuan. */
  amountMin?: string;
  amountMax?: string;
  /** Raised on or after / on or before (YYYY-MM-DD, Asia/Shanghai). */
  from?: string;
  to?: string;
}

/** A lead as the queue lists it (fen as yuan text; masked on its way out of the API). */
export interface LeadQueueItem {
  id: string;
  rule: string;
  severity: string;
  status: string;
  verdict: string | null;
  outcome: string | null;
  id_number: string | null;
  name: string | null;
  program_code: string | null;
  period: string | null;
  bank_account: string | null;
  region_code: string;
  amount_at_risk: string;
  amount_confirmed: string | null;
  amount_recovered: string;
  evidence_count: number;
  card: string | null;
  card_since: Date | null;
  due_on: string | null;
  deadline_step: string | null;
  assignee_id: string | null;
  assignee_name: string | null;
  disposals: string[];
  explanation: string;
  repeat_of: string | null;
  repeat_rule: string | null;
  created_at: Date;
  allowed_actions: LeadAction[];
}

/** One page of the queue; `next` is the cursor of the following page, null on the last. */
export interface LeadQueuePage {
  items: LeadQueueItem[];
  next: string | null;
}

/** Counts per facet under the queue's filters. */
export interface LeadFacets {
  total: number;
  status: Record<string, number>;
  rule: Record<string, number>;
  card: Record<string, number>;
  severity: Record<string, number>;
}

export class SearchLeadsCommand {
  constructor(
    readonly filters: LeadFilters = {},
    readonly sort: LeadSort = 'due',
    readonly limit = 50,
    /** The `next` of the previous page. */
    readonly cursor?: string,
  ) {}
}

// (Qualified with the table alias: bare names in ORDER BY would mean the text output columns.)
const SORTS: Record<LeadSort, { key: string; cast: string; order: string; after: string }> = {
  // Leads without a deadline (settled ones) come last.
  due: { key: `coalesce(l.due_on, 'infinity'::date)`, cast: 'date', order: `coalesce(l.due_on, 'infinity'::date), l.id`, after: '>' },
  amount: { key: 'l.amount_at_risk_fen', cast: 'bigint', order: 'l.amount_at_risk_fen DESC, l.id DESC', after: '<' },
  // Age by the time raised (not the id): the (county, created_at, id) and (county, status,
  // created_at, id) indexes then serve the date-range and status filters in order.
  age: { key: 'l.created_at', cast: 'timestamptz', order: 'l.created_at, l.id', after: '>' },
  newest: { key: 'l.created_at', cast: 'timestamptz', order: 'l.created_at DESC, l.id DESC', after: '<' },
  // The export's order (the ids only: every lead once, whatever changes while it runs).
  id: { key: 'l.id', cast: 'bigint', order: 'l.id', after: '>' },
};

const STATUSES = ['new', 'assigned', 'verifying', 'dismissed', 'confirmed', 'disposed', 'rectifying', 'rectified', 'closed'];
const SEVERITIES = ['low', 'medium', 'high'];
const CARDS = ['blue', 'yellow', 'red', 'none'];

/**
 * The discipline staff's queue: leads in the caller's region subtree, filtered, sorted by due
 * date, amount at risk or age, a page at a time with a keyset cursor (constant cost however deep
 * the page), and counts per facet. Every filter becomes a bound parameter; the sort and the
 * region narrowing match the indexes of the Triage migration.
 */
@Injectable()
export class SearchLeads {
  constructor(private readonly dataSource: DataSource) {}

  async execute(command: SearchLeadsCommand): Promise<LeadQueuePage> {
    const sort = SORTS[command.sort];
    if (!sort) throw new InputError(`未知的排序 "${command.sort}"`, { column: 'sort', value: String(command.sort), expected: Object.keys(SORTS).join(' | ') });
    const limit = Math.min(Math.max(Math.trunc(command.limit) || 50, 1), 200);
    const where = whereClause(command.filters);
    if (command.cursor) {
      const [key, id] = decodeCursor(command.cursor, command.sort);
      where.params.push(key, id);
      const k = where.params.length - 1;
      where.conditions.push(`(${sort.key}, l.id) ${sort.after} ($${k}::${sort.cast}, $${k + 1}::bigint)`);
    }
    where.params.push(limit);
    // The page's ids first, then their rows: the ids alone can come from an index that holds
    // every column the filters and the order need (an index-only scan), which the planner then
    // prefers to walking a wider order and fetching each row to test it (a city's verifying leads
    // by age, found among every lead by age).
    const rows = await this.dataSource.query(
      `SELECT l.id::text, rule_code, severity, status, verdict, outcome, id_number, name, program_code, period, bank_account, region_code,
              amount_at_risk_fen::text, amount_confirmed_fen::text, amount_recovered_fen::text, evidence_count, card, card_since,
              to_char(due_on, 'YYYY-MM-DD') AS due_on, deadline_step, assignee_id::text, assignee_name, disposals,
              explanation, repeat_of::text, repeat_rule, created_at,
              ${sort.cast === 'timestamptz' ? `to_char(${sort.key} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')` : `(${sort.key})::text`} AS sort_key
       FROM (SELECT l.id FROM leads l WHERE ${where.conditions.join(' AND ')} ORDER BY ${sort.order} LIMIT $${where.params.length}) page
       JOIN leads l ON l.id = page.id
       ORDER BY ${sort.order}`,
      where.params,
    );
    const last = rows[rows.length - 1];
    return {
      items: rows.map(toItem),
      next: rows.length === limit ? encodeCursor(command.sort, last.sort_key, last.id) : null,
    };
  }

  /**
   * Counts per facet (status, rule, card, severity) under the same filters. Filters on a county or
   * wider and on the facets themselves add up lead_facet_counts (kept by triggers on leads, in
   * the same transactions); any other filter counts the leads.
   */
  async facets(filters: LeadFilters): Promise<LeadFacets> {
    const counted = whereClause(filters, { counts: true });
    const where = counted.facetsOnly ? counted : whereClause(filters);
    const rows = counted.facetsOnly
      ? await this.dataSource.query(
          `SELECT status, rule_code, card, severity, GROUPING(status, rule_code, card, severity) AS g, coalesce(sum(n), 0)::int AS n
           FROM lead_facet_counts WHERE ${where.conditions.join(' AND ')} AND n > 0
           GROUP BY GROUPING SETS ((status), (rule_code), (card), (severity), ())`,
          where.params,
        )
      : await this.dataSource.query(
          `SELECT status, rule_code, coalesce(card, 'none') AS card, severity, GROUPING(status, rule_code, card, severity) AS g, count(*)::int AS n
           FROM leads WHERE ${where.conditions.join(' AND ')}
           GROUP BY GROUPING SETS ((status), (rule_code), (card), (severity), ())`,
          where.params,
        );
    const out = { total: 0, status: {} as Record<string, number>, rule: {} as Record<string, number>, card: {} as Record<string, number>, severity: {} as Record<string, number> };
    for (const r of rows) {
      // GROUPING bits: status 8, rule 4, card 2, severity 1 (a bit is set when the column is NOT grouped).
      if (r.g === 15) out.total = r.n;
      else if (r.g === 7) out.status[r.status] = r.n;
      else if (r.g === 11) out.rule[r.rule_code] = r.n;
      else if (r.g === 13) out.card[r.card] = r.n;
      else if (r.g === 14) out.severity[r.severity] = r.n;
    }
    return out;
  }
}

/**
 * Filters as SQL conditions with bound parameters, the caller's scope always among them.
 * `counts`: on lead_facet_counts (no card is 'none' there); `facetsOnly` then says whether every
 * filter is one it can answer (a county or wider, status, rule, card, severity).
 */
function whereClause(f: LeadFilters, { counts = false } = {}): { conditions: string[]; params: unknown[]; facetsOnly: boolean } {
  const conditions: string[] = [];
  const params: unknown[] = [];
  let facetsOnly = true;
  const bind = (value: unknown) => (params.push(value), `$${params.length}`);
  // One value as an equality, not "= ANY": an equality lets the index that leads with it also
  // give the sort order (PostgreSQL 15 does not order through an ANY).
  const oneOf = (column: string, values: string[]) => (values.length === 1 ? `${column} = ${bind(values[0])}` : `${column} = ANY(${bind(values)}::text[])`);
  const list = (name: string, values: string[] | undefined, allowed: (v: string) => boolean, expected: string) => {
    if (!values?.length) return undefined;
    const bad = values.find((v) => !allowed(v));
    if (bad !== undefined) throw new InputError(`筛选条件 ${name} 的值 "${bad}" 无效`, { column: name, value: bad, expected });
    return values;
  };

  const actorScope = ActorContext.current().scope;
  if (actorScope === null) return { conditions: ['FALSE'], params, facetsOnly };
  const scope = actorScope;
  const region = f.region ?? '';
  if (!/^\d{0,9}$/.test(region)) throw new InputError(`行政区划代码 "${region}" 无效`, { column: 'region', value: region, expected: '2–9 位数字' });
  if (region && !region.startsWith(scope) && !scope.startsWith(region)) throw new NotFoundError(`行政区划 ${region} 不在您的辖区内 (not in your region)`);
  // The caller's scope is enforced here (not by scopeSql) as the narrower of the scope and the
  // requested region, always a prefix inside the scope, and written on county_code, which the
  // queue indexes lead with: a county is an equality, a city or province a range of counties.
  // (A second, equivalent region_code LIKE would make the planner underestimate the rows and
  // sort the whole county instead of reading the first page in index order.)
  const prefix = region.length > scope.length ? region : scope;
  if (prefix.length >= 6) conditions.push(`county_code = ${bind(prefix.slice(0, 6))}`);
  else if (prefix.length > 0) conditions.push(`county_code LIKE ${bind(prefix)} || '%'`);
  if (prefix.length > 6) {
    conditions.push(`region_code LIKE ${bind(prefix)} || '%'`);
    facetsOnly = false;
  }
  if (!conditions.length) conditions.push('TRUE');

  const rules = list('rule', f.rules, (v) => /^R\d{2}$/.test(v), 'R01…R12');
  if (rules) conditions.push(oneOf('rule_code', rules));
  const severities = list('severity', f.severities, (v) => SEVERITIES.includes(v), SEVERITIES.join(' | '));
  if (severities) conditions.push(oneOf('severity', severities));
  const statuses = list('status', f.statuses, (v) => STATUSES.includes(v), STATUSES.join(' | '));
  if (statuses) conditions.push(oneOf('status', statuses));
  const cards = list('card', f.cards, (v) => CARDS.includes(v), CARDS.join(' | '));
  if (cards && counts) conditions.push(oneOf('card', cards));
  else if (cards) {
    const colours = cards.filter((c) => c !== 'none');
    const parts = [...(colours.length ? [oneOf('card', colours)] : []), ...(cards.includes('none') ? ['card IS NULL'] : [])];
    conditions.push(`(${parts.join(' OR ')})`);
  }
  const programs = list('program', f.programs, (v) => /^[A-Za-z0-9_]{1,16}$/.test(v), 'program codes');
  if (programs) conditions.push(oneOf('program_code', programs));
  if (programs || f.assignee || f.amountMin || f.amountMax || f.from || f.to) facetsOnly = false;
  if (f.assignee) {
    if (f.assignee === 'none') conditions.push('assignee_id IS NULL');
    else {
      const id = f.assignee === 'me' ? ActorContext.current().userId : f.assignee;
      if (!/^\d{1,18}$/.test(id)) throw new InputError(`筛选条件 assignee 的值 "${f.assignee}" 无效`, { column: 'assignee', value: f.assignee, expected: 'a user id, me or none' });
      conditions.push(`assignee_id = ${bind(id)}::bigint`);
    }
  }
  for (const [name, value, op] of [['amountMin', f.amountMin, '>='], ['amountMax', f.amountMax, '<=']] as const) {
    if (value === undefined || value === '') continue;
    const fen = yuanToFen(value);
    if (fen === null) throw new InputError(`筛选条件 ${name} 的值 "${value}" 不是金额`, { column: name, value, expected: '元，如 1200.50' });
    conditions.push(`amount_at_risk_fen ${op} ${bind(fen.toString())}::bigint`);
  }
  for (const [name, value, op] of [['from', f.from, '>='], ['to', f.to, '<']] as const) {
    if (!value) continue;
    if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(value))) throw new InputError(`筛选条件 ${name} 的值 "${value}" 不是日期`, { column: name, value, expected: 'YYYY-MM-DD' });
    const day = name === 'to' ? `(${bind(value)}::date + 1)` : `${bind(value)}::date`;
    conditions.push(`created_at ${op} (${day})::timestamp AT TIME ZONE '${TIME_ZONE}'`);
  }
  return { conditions, params, facetsOnly };
}

function encodeCursor(sort: LeadSort, key: string, id: string): string {
  return Buffer.from(JSON.stringify([sort, key, id])).toString('base64url');
}

function decodeCursor(cursor: string, sort: LeadSort): [string, string] {
  try {
    const [s, key, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    const keyOk =
      sort === 'due' ? /^(\d{4}-\d{2}-\d{2}|infinity)$/.test(key)
      : sort === 'amount' || sort === 'id' ? /^-?\d{1,19}$/.test(key)
      : /^\d{4}-\d{2}-\d{2}[ T][\d:.]+([+-]\d{2}(:?\d{2})?|Z)$/.test(key);
    if (s === sort && typeof key === 'string' && keyOk && /^\d{1,18}$/.test(id)) return [key, id];
  } catch {
    // fall through
  }
  throw new InputError('翻页游标无效或与排序方式不符，请从第一页重新开始', { column: 'cursor', value: cursor.slice(0, 40), expected: 'the next value of the previous page' });
}

function toItem(r: Record<string, any>): LeadQueueItem {
  return {
    id: r.id,
    rule: r.rule_code,
    severity: r.severity,
    status: r.status,
    verdict: r.verdict,
    outcome: r.outcome,
    id_number: r.id_number,
    name: r.name,
    program_code: r.program_code,
    period: r.period,
    bank_account: r.bank_account,
    region_code: r.region_code,
    amount_at_risk: fenToYuan(r.amount_at_risk_fen),
    amount_confirmed: r.amount_confirmed_fen != null ? fenToYuan(r.amount_confirmed_fen) : null,
    amount_recovered: fenToYuan(r.amount_recovered_fen ?? 0),
    evidence_count: r.evidence_count,
    card: r.card,
    card_since: r.card_since,
    due_on: r.due_on,
    deadline_step: r.deadline_step,
    assignee_id: r.assignee_id,
    assignee_name: r.assignee_name,
    disposals: r.disposals,
    explanation: r.explanation,
    repeat_of: r.repeat_of,
    repeat_rule: r.repeat_rule,
    created_at: r.created_at,
    allowed_actions: allowedActions(r.status, r.card),
  };
}
