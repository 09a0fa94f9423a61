import * as echarts from 'echarts';

/**
 * Charts for the digest, rendered on the server as SVG strings (echarts' SSR renderer, no DOM,
 * no canvas) so that they travel inside the mail.
 */
export function barChart(title: string, labels: string[], values: number[]): string {
  return render({
    title: { text: title, left: 'center', textStyle: { fontSize: 14 } },
    grid: { left: 48, right: 16, top: 40, bottom: 64 },
    xAxis: { type: 'category', data: labels, axisLabel: { rotate: labels.length > 4 ? 30 : 0, fontSize: 11 } },
    yAxis: { type: 'value', minInterval: 1 },
    series: [{ type: 'bar', data: values, itemStyle: { color: '#c0392b' }, label: { show: true, position: 'top' } }],
  });
}

/** Rates (0..1, or null where nothing was confirmed) as percentages over the months. */
export function lineChart(title: string, labels: string[], rates: (number | null)[]): string {
  return render({
    title: { text: title, left: 'center', textStyle: { fontSize: 14 } },
    grid: { left: 48, right: 16, top: 40, bottom: 40 },
    xAxis: { type: 'category', data: labels },
    yAxis: { type: 'value', min: 0, max: 100, axisLabel: { formatter: '{value}%' } },
    series: [{ type: 'line', data: rates.map((r) => (r === null ? null : Math.round(r * 1000) / 10)), connectNulls: true, label: { show: true, formatter: '{c}%' } }],
  });
}

function render(option: echarts.EChartsCoreOption): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: 560, height: 280 });
  try {
    chart.setOption({ animation: false, textStyle: { fontFamily: 'sans-serif' }, ...option });
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}
