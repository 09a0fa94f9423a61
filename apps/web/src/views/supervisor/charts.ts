import type { EChartsCoreOption } from 'echarts/core';
import { fenToNumber, formatRate, monthNames, tooltipLines, type MonthRow, type RegionRow, type RuleRow } from './figures';

/** ECharts options of the dashboard's charts: pure functions of the API's figures. */

/** What the series are called (the verdict's name comes from the API's labels). */
export interface SeriesNames {
  confirmed: string;
}

const RAISED = '#909399';
const CONFIRMED = '#c0392b';
const RATE = '#27ae60';
const BASE = { animation: false, textStyle: { fontFamily: "-apple-system, 'PingFang SC', 'Microsoft YaHei', 'Noto Sans CJK SC', sans-serif" } };

/** Leads per rule, horizontal bars (rule names are long): raised and confirmed. */
export function byRuleOption(rows: RuleRow[], ruleName: (code: string) => string, series: SeriesNames): EChartsCoreOption {
  const names = rows.map((r) => `${r.rule} ${ruleName(r.rule)}`);
  return {
    ...BASE,
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, formatter: (p: { dataIndex: number }[]) => tooltipLines(names[p[0].dataIndex], rows[p[0].dataIndex], series) },
    legend: { bottom: 0 },
    grid: { left: 8, right: 24, top: 8, bottom: 32, containLabel: true },
    xAxis: { type: 'value', minInterval: 1 },
    yAxis: { type: 'category', inverse: true, data: names, axisLabel: { width: 120, overflow: 'truncate' } },
    series: [
      { name: '发现线索', type: 'bar', data: rows.map((r) => r.raised), itemStyle: { color: RAISED }, label: { show: true, position: 'right' } },
      { name: series.confirmed, type: 'bar', data: rows.map((r) => r.confirmed), itemStyle: { color: CONFIRMED }, label: { show: true, position: 'right' } },
    ],
  };
}

/**
 * Leads per child region (a city's counties, a county's townships): raised and confirmed as
 * bars, the amount at risk on a second axis. A bar of a region with children is clickable
 * (the page drills down into it).
 */
export function byRegionOption(rows: RegionRow[], series: SeriesNames): EChartsCoreOption {
  return {
    ...BASE,
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, formatter: (p: { dataIndex: number }[]) => tooltipLines(rows[p[0].dataIndex].name, rows[p[0].dataIndex], series) + (rows[p[0].dataIndex].drillable ? '<br><i>点击查看下级</i>' : '') },
    legend: { bottom: 0 },
    grid: { left: 8, right: 8, top: 28, bottom: 32, containLabel: true },
    xAxis: { type: 'category', data: rows.map((r) => r.name), axisLabel: { interval: 0, rotate: rows.length > 4 ? 40 : 0, width: 96, overflow: 'truncate' }, triggerEvent: true },
    yAxis: [
      { type: 'value', minInterval: 1, name: '条' },
      { type: 'value', name: '元', splitLine: { show: false }, axisLabel: { formatter: (v: number) => (v >= 10000 ? `${v / 10000}万` : String(v)) } },
    ],
    series: [
      { name: '发现线索', type: 'bar', data: rows.map((r) => r.raised), itemStyle: { color: RAISED }, cursor: 'pointer' },
      { name: series.confirmed, type: 'bar', data: rows.map((r) => r.confirmed), itemStyle: { color: CONFIRMED }, cursor: 'pointer' },
      { name: '涉及金额', type: 'line', yAxisIndex: 1, data: rows.map((r) => fenToNumber(r.amountAtRiskFen)), itemStyle: { color: '#e6a23c' }, symbolSize: 6 },
    ],
  };
}

/** Every month of the period: raised and confirmed as bars, the rectification rate as a line. */
export function byMonthOption(rows: MonthRow[], series: SeriesNames): EChartsCoreOption {
  const rates = rows.map((r) => (r.rectificationRate === null ? null : Math.round(r.rectificationRate * 1000) / 10));
  return {
    ...BASE,
    tooltip: {
      trigger: 'axis',
      formatter: (p: { dataIndex: number }[]) => {
        const r = rows[p[0].dataIndex];
        return `<b>${monthNames([r])[0]}</b><br>发现线索 ${r.raised} 条，${series.confirmed} ${r.confirmed} 条<br>整改率 ${formatRate(r.rectificationRate)}`;
      },
    },
    legend: { bottom: 0 },
    grid: { left: 8, right: 8, top: 28, bottom: 32, containLabel: true },
    // Every month labelled (up to two years; longer periods let ECharts thin the labels out).
    xAxis: { type: 'category', data: monthNames(rows).map((m, i) => (i === 0 || m.endsWith('年1月') ? m : m.replace(/^\d{4}年/, ''))), axisLabel: { interval: rows.length <= 24 ? 0 : 'auto', rotate: rows.length > 6 ? 45 : 0 } },
    yAxis: [
      { type: 'value', minInterval: 1, name: '条' },
      { type: 'value', min: 0, max: 100, axisLabel: { formatter: '{value}%' }, splitLine: { show: false } },
    ],
    series: [
      { name: '发现线索', type: 'bar', data: rows.map((r) => r.raised), itemStyle: { color: RAISED } },
      { name: series.confirmed, type: 'bar', data: rows.map((r) => r.confirmed), itemStyle: { color: CONFIRMED } },
      { name: '整改率', type: 'line', yAxisIndex: 1, data: rates, itemStyle: { color: RATE }, connectNulls: false },
    ],
  };
}
