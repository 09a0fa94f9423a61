import { Injectable } from '@nestjs/common';
import { fenToYuan, InputError, inActorScope, NotFoundError } from '@sunlight/common';
import { LeadRepository, type Cohort } from './lead.repository.js';
import { DISPOSALS } from './triage/lifecycle.js';

export class LeadStatisticsCommand {
  constructor(
    /** A region subtree inside the actor's scope; '' or null: the whole scope. */
    readonly regionCode: string | null,
    /** First and last day (YYYY-MM-DD, Asia/Shanghai) on which the leads counted were raised. */
    readonly from: string,
    readonly to: string,
  ) {}
}

export interface LeadFigures {
  regionCode: string;
  from: string;
  to: string;
  /** 发现线索: leads raised in the period. */
  raised: number;
  /** 已核查: of those, verification concluded (confirmed or dismissed). */
  verified: number;
  /** 查实 */
  confirmed: number;
  /** 查否 */
  dismissed: number;
  /** 已整改 (rectified, whether closed or not) */
  rectified: number;
  /**
   * 整改率 = confirmed leads rectified ÷ confirmed, 0..1; null when nothing was confirmed. (A
   * lead closed as rectified without verification counts as rectified, not in this rate.)
   */
  rectificationRate: number | null;
  /** Leads per disposal type (a lead with two disposals counts under both). */
  disposals: Record<string, number>;
  /** Yuan, two decimals. */
  amountAtRisk: string;
  amountConfirmed: string;
  amountRecovered: string;
  /** Open leads (not dismissed, not closed) holding each card. */
  overdue: { blue: number; yellow: number; red: number };
  /** Leads per current status. */
  byStatus: Record<string, number>;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** YYYY-MM-DD naming a day of the calendar (not 2025-02-31, which Date.parse rolls over to March). */
export function isCalendarDay(value: string): boolean {
  if (!DAY.test(value)) return false;
  const t = Date.parse(`${value}T00:00:00Z`);
  return !Number.isNaN(t) && new Date(t).toISOString().slice(0, 10) === value;
}

/**
 * The cohort of a region subtree ('' or null: the actor's whole scope) and a period, checked: real
 * days, from ≤ to, a region code inside the actor's scope (404 outside, as for any object there).
 */
export function cohortOf(regionCode: string | null, from: string, to: string): Cohort {
  for (const [name, value] of [['from', from], ['to', to]] as const) {
    if (!isCalendarDay(value)) throw new InputError(`${name} 应为日期 YYYY-MM-DD，收到 "${value}"`, { column: name, value, expected: 'YYYY-MM-DD' });
  }
  if (from > to) throw new InputError(`起始日期 ${from} 晚于截止日期 ${to}`, { column: 'from', value: from, expected: `≤ ${to}` });
  const region = regionCode ?? '';
  if (!/^\d{0,9}$/.test(region)) throw new InputError(`行政区划代码 "${region}" 无效`, { column: 'region', value: region, expected: '2–9 位数字' });
  if (region && !inActorScope(region)) throw new NotFoundError(`行政区划 ${region} 不在您的辖区内 (not in your region)`);
  return { region, from, to };
}

/**
 * The figures supervisors quote, for the leads raised in a region subtree during a period (a
 * cohort: every figure counts the same leads, so rates are rates of that cohort).
 */
@Injectable()
export class LeadStatistics {
  constructor(private readonly leads: LeadRepository) {}

  async execute(command: LeadStatisticsCommand): Promise<LeadFigures> {
    const cohort = cohortOf(command.regionCode, command.from, command.to);
    const region = cohort.region;
    const totals = await this.leads.cohortTotals(cohort);
    const statuses = await this.leads.cohortStatuses(cohort);
    const disposals = await this.leads.cohortDisposals(cohort);
    const byDisposal: Record<string, number> = Object.fromEntries(DISPOSALS.map((d) => [d, 0]));
    for (const row of disposals) byDisposal[row.disposal] = row.n;
    return {
      regionCode: region,
      from: command.from,
      to: command.to,
      raised: totals.raised,
      verified: totals.verified,
      confirmed: totals.confirmed,
      dismissed: totals.dismissed,
      rectified: totals.rectified,
      rectificationRate: totals.confirmed ? Math.round((totals.confirmed_rectified / totals.confirmed) * 10000) / 10000 : null,
      disposals: byDisposal,
      amountAtRisk: fenToYuan(totals.at_risk),
      amountConfirmed: fenToYuan(totals.confirmed_fen),
      amountRecovered: fenToYuan(totals.recovered_fen),
      overdue: { blue: totals.blue, yellow: totals.yellow, red: totals.red },
      byStatus: Object.fromEntries(statuses.map((s) => [s.status, s.n])),
    };
  }
}
