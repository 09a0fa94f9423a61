import { describe, expect, it } from 'vitest';
import { byMonthOption, byRegionOption } from './charts';
import { describeSeries, formatRate, thisYear } from './figures';

const zero = { raised: 0, verified: 0, confirmed: 0, dismissed: 0, rectified: 0, rectificationRate: null, amountAtRiskFen: '0', amountConfirmedFen: '0', amountRecoveredFen: '0', overdue: { blue: 0, yellow: 0, red: 0, total: 0 } };

describe('supervisor figures', () => {
  it('opens on this year up to today, in Asia/Shanghai', () => {
    expect(thisYear(new Date('2026-12-31T16:30:00Z'))).toEqual({ from: '2027-01-01', to: '2027-01-01' });
    expect(thisYear(new Date('2026-06-15T03:00:00Z'))).toEqual({ from: '2026-01-01', to: '2026-06-15' });
  });

  it('writes rates as percentages, and no rate as a dash', () => {
    expect(formatRate(0.8532)).toBe('85.3%');
    expect(formatRate(1)).toBe('100.0%');
    expect(formatRate(null)).toBe('—');
  });

  it('says what a chart shows', () => {
    expect(describeSeries('按地区', [{ name: '松滋市', raised: 8 }, { name: '石首市', raised: 10 }])).toBe('按地区：松滋市 8 条，石首市 10 条');
    expect(describeSeries('按地区', [])).toBe('按地区：无线索');
  });

  it('puts every month on the axis, the year only where it starts or changes, a month without confirmed leads without a rate', () => {
    const months = ['2025-11', '2025-12', '2026-01', '2026-02'].map((month, i) => ({ month, ...zero, raised: i, confirmed: i === 3 ? 2 : 0, rectificationRate: i === 3 ? 0.5 : null }));
    const option = byMonthOption(months, { confirmed: 'C' }) as { xAxis: { data: string[] }; series: { data: (number | null)[] }[] };
    expect(option.xAxis.data).toEqual(['2025年11月', '12月', '2026年1月', '2月']);
    expect(option.series[0].data).toEqual([0, 1, 2, 3]);
    expect(option.series[2].data).toEqual([null, null, null, 50]);
  });

  it('charts every child region in yuan', () => {
    const option = byRegionOption([{ code: '421087', name: '松滋市', own: false, drillable: true, ...zero, raised: 8, amountAtRiskFen: '123456' }], { confirmed: 'C' }) as { xAxis: { data: string[] }; series: { data: number[] }[] };
    expect(option.xAxis.data).toEqual(['松滋市']);
    expect(option.series[2].data).toEqual([1234.56]);
  });
});
