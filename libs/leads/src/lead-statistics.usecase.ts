import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { fenToYuan, InputError, inActorScope, NotFoundError, scopeSql } from '@sunlight/common';
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
  constructor(private readonly dataSource: DataSource) {}

  async execute(command: LeadStatisticsCommand): Promise<LeadFigures> {
    for (const [name, value] of [['from', command.from], ['to', command.to]] as const) {
      if (!DAY.test(value) || Number.isNaN(Date.parse(value))) throw new InputError(`${name} 应为日期 YYYY-MM-DD，收到 "${value}"`, { column: name, value, expected: 'YYYY-MM-DD' });
    }
    if (command.from > command.to) throw new InputError(`起始日期 ${command.from} 晚于截止日期 ${command.to}`, { column: 'from', value: command.from, expected: `≤ ${command.to}` });
    const region = command.regionCode ?? '';
    if (!/^\d{0,9}$/.test(region)) throw new InputError(`行政区划代码 "${region}" 无效`, { column: 'region', value: region, expected: '2–9 位数字' });
    if (region && !inActorScope(region)) throw new NotFoundError(`行政区划 ${region} 不在您的辖区内 (not in your region)`);
    const cohort = `FROM leads
      WHERE ${scopeSql('region_code')} AND region_code LIKE $1 || '%'
        AND created_at >= ($2::date)::timestamp AT TIME ZONE 'Asia/Shanghai'
        AND created_at < ($3::date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai'`;
    const params = [region, command.from, command.to];
    const [totals] = await this.dataSource.query(
      `SELECT count(*)::int AS raised,
              count(verdict)::int AS verified,
              count(*) FILTER (WHERE verdict = 'confirmed')::int AS confirmed,
              count(*) FILTER (WHERE verdict = 'dismissed')::int AS dismissed,
              count(*) FILTER (WHERE outcome = 'rectified')::int AS rectified,
              count(*) FILTER (WHERE outcome = 'rectified' AND verdict = 'confirmed')::int AS confirmed_rectified,
              coalesce(sum(amount_at_risk_fen), 0)::text AS at_risk,
              coalesce(sum(amount_confirmed_fen), 0)::text AS confirmed_fen,
              coalesce(sum(amount_recovered_fen), 0)::text AS recovered_fen,
              count(*) FILTER (WHERE card = 'blue' AND status NOT IN ('dismissed', 'closed'))::int AS blue,
              count(*) FILTER (WHERE card = 'yellow' AND status NOT IN ('dismissed', 'closed'))::int AS yellow,
              count(*) FILTER (WHERE card = 'red' AND status NOT IN ('dismissed', 'closed'))::int AS red
       ${cohort}`,
      params,
    );
    const statuses = await this.dataSource.query(`SELECT status, count(*)::int AS n ${cohort} GROUP BY status`, params);
    const disposals = await this.dataSource.query(`SELECT d AS disposal, count(*)::int AS n ${cohort.replace('FROM leads', 'FROM leads, unnest(disposals) AS d')} GROUP BY d`, params);
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
      byStatus: Object.fromEntries(statuses.map((s: { status: string; n: number }) => [s.status, s.n])),
    };
  }
}
