import { Logger } from '@nestjs/common';
import type * as echarts from 'echarts';

/**
 * Charts for the digest, rendered on the server as SVG strings (echarts' SSR renderer, no DOM,
 * no canvas) so that they travel inside the mail, and rasterised to PNG for the mail clients
 * that block SVG images.
 */

/** The size charts are drawn at (CSS pixels); in the mail they shrink to the screen's width. */
// Narrow enough that on a phone (about 360 px for the mail) the text shrinks by a quarter at most.
export const CHART_WIDTH = 480;
export const CHART_HEIGHT = 300;
const TITLE = { left: 'center', top: 6, textStyle: { fontSize: 15 } };

const RED = '#c0392b';
/**
 * The charts' fonts: a CJK font a phone or desktop has, or the server's (for the PNG; resvg
 * takes the first one installed and falls back per glyph).
 */
const FONT_FAMILY = "'PingFang SC', 'Microsoft YaHei', 'WenQuanYi Micro Hei', 'Noto Sans CJK SC', 'Noto Sans SC', 'Source Han Sans SC', sans-serif";

export function barChart(title: string, labels: string[], values: number[]): Promise<string> {
  return render({
    title: { text: title, ...TITLE },
    grid: { left: 8, right: 16, top: 56, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: labels, axisLabel: { interval: 0, rotate: labels.length > 3 ? 35 : 0, fontSize: 13 } },
    yAxis: { type: 'value', minInterval: 1, axisLabel: { fontSize: 13 } },
    series: [{ type: 'bar', data: values, itemStyle: { color: RED }, label: { show: true, position: 'top', fontSize: 13 } }],
  });
}

export interface TrendPoint {
  /** YYYY-MM */
  month: string;
  raised: number;
  confirmed: number;
  /** 0..1, or null where nothing was confirmed. */
  rate: number | null;
}

/**
 * Every month of the range on the axis, in order, a month without leads at zero: leads raised
 * and confirmed as bars, the rectification rate as a line on a percentage axis (a gap where
 * nothing was confirmed, since no rate exists there).
 */
export function trendChart(title: string, points: TrendPoint[]): Promise<string> {
  return render({
    title: { text: title, ...TITLE },
    legend: { bottom: 4, itemWidth: 14, itemHeight: 10, textStyle: { fontSize: 13 } },
    grid: { left: 8, right: 8, top: 56, bottom: 36, containLabel: true },
    // Months as 7月 (the year where it changes, and at the start): six fit a phone's width.
    xAxis: { type: 'category', data: points.map((p) => p.month), axisLabel: { interval: 0, fontSize: 12, formatter: monthLabel } },
    yAxis: [
      { type: 'value', minInterval: 1, axisLabel: { fontSize: 12 } },
      { type: 'value', min: 0, max: 100, axisLabel: { formatter: '{value}%', fontSize: 12 }, splitLine: { show: false } },
    ],
    series: [
      { name: '发现线索', type: 'bar', data: points.map((p) => p.raised), itemStyle: { color: '#95a5a6' }, label: { show: true, position: 'top', fontSize: 12 } },
      { name: '查实', type: 'bar', data: points.map((p) => p.confirmed), itemStyle: { color: RED }, label: { show: true, position: 'top', fontSize: 12 } },
      {
        name: '整改率',
        type: 'line',
        yAxisIndex: 1,
        data: points.map((p) => (p.rate === null ? null : Math.round(p.rate * 1000) / 10)),
        itemStyle: { color: '#27ae60' },
        label: { show: true, formatter: '{c}%', fontSize: 12, position: 'top' },
      },
    ],
  });
}

/** 2026-07 → 2026年7月 for the first month and each January, else 7月. */
function monthLabel(value: string, index: number): string {
  const [year, month] = value.split('-');
  return index === 0 || month === '01' ? `${year}年${Number(month)}月` : `${Number(month)}月`;
}

/** echarts, loaded with the first chart (a large package most processes never need). */
let library: Promise<typeof echarts> | undefined;

async function render(option: echarts.EChartsCoreOption): Promise<string> {
  const { init } = await (library ??= import('echarts'));
  const chart = init(null, null, { renderer: 'svg', ssr: true, width: CHART_WIDTH, height: CHART_HEIGHT });
  try {
    chart.setOption({ animation: false, textStyle: { fontFamily: FONT_FAMILY }, backgroundColor: '#ffffff', ...option });
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

/**
 * The SVG as the mail carries it: it keeps its viewBox and takes the width it is given (up to
 * its drawn size), keeping its proportions, so that it fits a phone's screen.
 */
export function fluidSvg(svg: string): string {
  return svg.replace(/^<svg\b([^>]*)>/, (_open, attrs: string) => {
    const width = /\bwidth="(\d+(?:\.\d+)?)"/.exec(attrs)?.[1] ?? String(CHART_WIDTH);
    const height = /\bheight="(\d+(?:\.\d+)?)"/.exec(attrs)?.[1] ?? String(CHART_HEIGHT);
    const rest = attrs.replace(/\s(width|height|viewBox|preserveAspectRatio|style)="[^"]*"/g, '');
    return `<svg width="100%" viewBox="0 0 ${width} ${height}" preserveAspectRatio="xMidYMid meet" style="max-width:${width}px;height:auto"${rest}>`;
  });
}

const logger = new Logger('DigestCharts');

/** What we use of @resvg/resvg-js (typed here: the package is loaded only when a mail needs a PNG). */
interface ResvgImage {
  render(): { asPng(): Buffer; readonly pixels: Buffer };
}
interface ResvgModule {
  Resvg: new (svg: string, options: Record<string, unknown>) => ResvgImage;
}
const RESVG = '@resvg/resvg-js';
let resvg: Promise<ResvgModule | null> | undefined;
let cjkChecked = false;

/**
 * Logs once when the system has no font with Chinese glyphs (the PNG's labels would be blank):
 * one character is drawn, and a blank drawing says so.
 */
function warnWithoutCjk(lib: ResvgModule): void {
  if (cjkChecked) return;
  cjkChecked = true;
  const probe = new lib.Resvg(`<svg xmlns="http://www.w3.org/2000/svg" width="24" height="24"><text x="2" y="20" font-size="20" font-family="${FONT_FAMILY.replace(/"/g, '')}">监</text></svg>`, { font: { loadSystemFonts: true }, logLevel: 'off' });
  if (!probe.render().pixels.some((byte, i) => i % 4 === 3 && byte > 0)) {
    logger.warn('no CJK font installed (e.g. apt-get install fonts-wqy-microhei): the Chinese in digest chart PNGs has no glyphs; the SVG is unaffected');
  }
}

/**
 * The chart as a PNG at twice its drawn size (sharp on phones), for mail clients that block
 * SVG: resvg (Rust, prebuilt per platform) with the system's fonts. Chinese needs a CJK font
 * installed (the Docker image has fonts-wqy-microhei); without one the labels have no glyphs,
 * which is logged once, and the SVG stays what capable clients show. Null when the rasteriser
 * is not installed (the mail then carries the SVG alone).
 */
export async function rasterize(svg: string): Promise<Buffer | null> {
  resvg ??= (import(RESVG) as Promise<ResvgModule>).catch((err: Error) => {
    logger.warn(`@resvg/resvg-js unavailable, digest charts go without PNG: ${err.message}`);
    return null;
  });
  const lib = await resvg;
  if (!lib) return null;
  try {
    const image = new lib.Resvg(svg, {
      fitTo: { mode: 'zoom', value: 2 },
      background: '#ffffff',
      font: { loadSystemFonts: true },
      logLevel: 'off',
    });
    warnWithoutCjk(lib);
    return image.render().asPng();
  } catch (err) {
    logger.warn(`a digest chart could not be rasterised: ${(err as Error).message}`);
    return null;
  }
}

/**
 * The mail's HTML as a browser shows it (the console's preview): the charts the mail carries as
 * inline parts (`cid:`) written into the page as data URLs of their SVG.
 */
export function browserHtml(html: string, charts: { cid: string; pngCid?: string; svg: string }[]): string {
  let out = html;
  for (const c of charts) {
    const url = `data:image/svg+xml;base64,${Buffer.from(fluidSvg(c.svg)).toString('base64')}`;
    for (const cid of [c.cid, c.pngCid]) if (cid) out = out.split(`cid:${cid}`).join(url);
  }
  return out;
}
