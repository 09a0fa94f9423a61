import type { CohortTotalsRow } from '@sunlight/leads';

/** Open leads (not dismissed, not closed) holding each warning card; `total` is their sum. */
export interface CardCounts {
  blue: number;
  yellow: number;
  red: number;
  total: number;
}

/**
 * The figures of a set of leads (a cohort, or one group of it), as the dashboard, the statistics
 * table and the workbook show them. Money in fen (integer, as text).
 */
export interface Figures {
  /** 发现线索 */
  raised: number;
  /** 已核查 (confirmed or dismissed) */
  verified: number;
  /** 查实 */
  confirmed: number;
  /** 查否 */
  dismissed: number;
  /** 已整改 */
  rectified: number;
  /** 整改率: confirmed leads rectified ÷ confirmed, 0..1 to four places; null when nothing was confirmed. */
  rectificationRate: number | null;
  /** 涉及金额 */
  amountAtRiskFen: string;
  /** 查实金额 */
  amountConfirmedFen: string;
  /** 收缴/追回金额 */
  amountRecoveredFen: string;
  /** 预警牌 (逾期): open leads per card. */
  overdue: CardCounts;
}

/** A row of cohort figures (fen as text) as Figures; undefined (a group without leads) as zeros. */
export function figuresOf(row: CohortTotalsRow | undefined): Figures {
  const r = row ?? { raised: 0, verified: 0, confirmed: 0, dismissed: 0, rectified: 0, confirmed_rectified: 0, at_risk: '0', confirmed_fen: '0', recovered_fen: '0', blue: 0, yellow: 0, red: 0 };
  return {
    raised: r.raised,
    verified: r.verified,
    confirmed: r.confirmed,
    dismissed: r.dismissed,
    rectified: r.rectified,
    rectificationRate: r.confirmed ? Math.round((r.confirmed_rectified / r.confirmed) * 10000) / 10000 : null,
    amountAtRiskFen: r.at_risk,
    amountConfirmedFen: r.confirmed_fen,
    amountRecoveredFen: r.recovered_fen,
    overdue: { blue: r.blue, yellow: r.yellow, red: r.red, total: r.blue + r.yellow + r.red },
  };
}

/** Most overdue first: all cards, then red, then yellow; ties in code order. */
export function byOverdue<T extends { code: string; overdue: CardCounts }>(a: T, b: T): number {
  return b.overdue.total - a.overdue.total || b.overdue.red - a.overdue.red || b.overdue.yellow - a.overdue.yellow || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0);
}
