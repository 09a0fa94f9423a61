import { Injectable } from '@nestjs/common';
import { fenToYuan, InputError, inActorScope, NotFoundError } from '@sunlight/common';
import { LeadRepository } from './lead.repository.js';
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

/**
 * The figures supervisors quote, for the leads raised in a region subtree during a period (a
 * cohort: every figure counts the same leads, so rates are rates of that cohort).
 */
@Injectable()
export class LeadStatistics {
  constructor(private readonly leads: LeadRepository) {}

  async execute(command: LeadStatisticsCommand): Promise<LeadFigures> {
    for (const [name, value] of [['from', command.from], ['to', command.to]] as const) {
      if (!DAY.test(value) || Number.isNaN(Date.parse(value))) throw new InputError(`${name} 应为日期 YYYY-MM-DD，收到 "${value}"`, { column: name, value, expected: 'YYYY-MM-DD' });
    }
    if (command.from > command.to) throw new InputError(`起始日期 ${command.from} 晚于截止日期 ${command.to}`, { column: 'from', value: command.from, expected: `≤ ${command.to}` });
    const region = command.regionCode ?? '';
    if (!/^\d{0,9}$/.test(region)) throw new InputError(`行政区划代码 "${region}" 无效`, { column: 'region', value: region, expected: '2–9 位数字' });
    if (region && !inActorScope(region)) throw new NotFoundError(`行政区划 ${region} 不在您的辖区内 (not in your region)`);
    const cohort = { region, from: command.from, to: command.to };
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
