import type { components } from '@/api/schema';
import { formatMoney, formatMonth } from '@/format';

/** The figures of the dashboard and the statistics table, as the API answers them. */
export type Dashboard = components['schemas']['DashboardDto'];
export type RegionTable = components['schemas']['RegionTableDto'];
export type Figures = components['schemas']['FiguresDto'];
export type RegionRow = components['schemas']['RegionRowDto'];
export type RuleRow = components['schemas']['RuleRowDto'];
export type MonthRow = components['schemas']['MonthRowDto'];

/** A period of days on which leads were raised (YYYY-MM-DD, Asia/Shanghai). */
export interface Period {
  from: string;
  to: string;
}

/** Today in Asia/Shanghai. */
export function shanghaiToday(now = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(now);
}

/** This year up to today: the period the dashboard opens with (as the API defaults it). */
export function thisYear(now = new Date()): Period {
  const today = shanghaiToday(now);
  return { from: `${today.slice(0, 4)}-01-01`, to: today };
}

/** 0.8532 → '85.3%'; no rate (nothing confirmed) → '—'. */
export function formatRate(rate: number | null | undefined): string {
  return rate === null || rate === undefined ? '—' : `${(Math.round(rate * 1000) / 10).toFixed(1)}%`;
}

/** Fen → yuan as a number, for chart values (display goes through formatMoney). */
export function fenToNumber(fen: string): number {
  return Number(fen) / 100;
}

/** A sentence saying what a chart shows, for screen readers (the chart's accessible name). */
export function describeSeries(title: string, items: { name: string; raised: number }[]): string {
  if (!items.length) return `${title}：无线索`;
  return `${title}：${items.map((i) => `${i.name} ${i.raised} 条`).join('，')}`;
}

/** The month rows as the axis shows them. */
export function monthNames(rows: MonthRow[]): string[] {
  return rows.map((r) => formatMonth(r.month));
}

/** One line of a tooltip: a region's or rule's figures. */
export function tooltipLines(name: string, f: Figures, series: { confirmed: string }): string {
  return [
    `<b>${escapeText(name)}</b>`,
    `发现线索 ${f.raised} 条，${series.confirmed} ${f.confirmed} 条`,
    `整改率 ${formatRate(f.rectificationRate)}`,
    `涉及金额 ${formatMoney(f.amountAtRiskFen)} 元`,
    `逾期预警 ${f.overdue.total} 条`,
  ].join('<br>');
}

function escapeText(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
