import { Injectable } from '@nestjs/common';
import { format } from 'date-fns/format';
import { parseISO } from 'date-fns/parseISO';
import { startOfMonth } from 'date-fns/startOfMonth';
import { subMonths } from 'date-fns/subMonths';
import { AuditLog, type Checkpoint } from '@sunlight/audit';
import { ActorContext, fenToYuan, maskPersonalData, escapeHtml, shanghaiDate, shanghaiDateTime, type Actor } from '@sunlight/common';
import { InjectConfig, type AppConfig } from '@sunlight/config';
import { cohortOf, LeadBreakdowns, LeadStatistics, LeadStatisticsCommand, LeadSummaries, type LeadFigures, type LeadLineRow, type OverdueNoticeRow } from '@sunlight/leads';
import { RegionsService } from '@sunlight/regions';
import { RULE_CATALOGUE } from '@sunlight/rules';
import { barChart, CHART_WIDTH, trendChart } from './charts.js';

export type DigestKind = 'scheduled' | 'alert' | 'manual';

export interface Recipient {
  id: string;
  username: string;
  displayName: string;
  email: string | null;
  role: string;
  regionCode: string;
}

export class ComposeDigestCommand {
  constructor(
    readonly recipient: Recipient,
    readonly kind: DigestKind,
    /** New since (exclusive) … until (inclusive). */
    readonly since: Date,
    readonly until: Date,
  ) {}
}

interface LeadLine {
  id: string;
  rule_code: string;
  region_name: string;
  amount: string;
  explanation: string;
  card: string | null;
}

export interface DigestFigures {
  regionCode: string;
  regionName: string;
  since: string;
  until: string;
  newLeads: number;
  newByRule: Record<string, number>;
  newByRegion: { region: string; name: string; count: number }[];
  yellowCards: number;
  redCards: number;
  repeats: number;
  overdueNotices: OverdueNoticeRow[];
  yearToDate: Pick<LeadFigures, 'from' | 'to' | 'raised' | 'confirmed' | 'rectified' | 'rectificationRate' | 'amountAtRisk' | 'amountConfirmed' | 'amountRecovered'>;
  /**
   * The months of the trend (this month and the five before it, every one of them, a month
   * without leads at zero): leads raised in the month, of them confirmed, and their
   * rectification rate (null where nothing was confirmed). Digests composed before the counts
   * were added carry month and rate only.
   */
  rateTrend: { month: string; raised: number; confirmed: number; rate: number | null }[];
  mostOverdue: { region: string; name: string; overdue: number }[];
  leadIds: string[];
  /** The newest signed checkpoint of the audit trail when the digest was composed. */
  auditAnchor: Pick<Checkpoint, 'eventId' | 'hash' | 'at' | 'mac'> | null;
}

/** A chart of the mail: drawn as SVG; the HTML shows it by `cid`, a PNG of it by `pngCid`. */
export interface DigestChart {
  cid: string;
  pngCid: string;
  title: string;
  svg: string;
}

export interface DigestContent {
  subject: string;
  text: string;
  html: string;
  charts: DigestChart[];
  figures: DigestFigures;
  empty: boolean;
}

// The catalogue is the one source of rule names (CONTRACT §4); a copy here went stale once.
const RULE_NAMES = new Map(RULE_CATALOGUE.map((r) => [r.code, r.name.zh]));
const KIND_LABELS: Record<DigestKind, string> = { scheduled: '定期摘要', alert: '即时预警', manual: '摘要' };
const LIST_LIMIT = 20;
const TREND_MONTHS = 6;

/**
 * What a supervisor must know, for their region scope: every query runs as the supervisor (the
 * same scope in SQL as their console), so a digest can hold nothing they could not open.
 */
@Injectable()
export class ComposeDigest {
  constructor(
    private readonly summaries: LeadSummaries,
    private readonly regions: RegionsService,
    private readonly statistics: LeadStatistics,
    private readonly breakdowns: LeadBreakdowns,
    @InjectConfig() private readonly config: AppConfig,
    private readonly audit: AuditLog,
  ) {}

  execute(command: ComposeDigestCommand): Promise<DigestContent> {
    const r = command.recipient;
    const actor: Actor = { userId: r.id, username: r.username, role: r.role as Actor['role'], scope: r.regionCode };
    return ActorContext.run(actor, () => this.compose(command));
  }

  private async compose({ recipient, kind, since, until }: ComposeDigestCommand): Promise<DigestContent> {
    const window = { since, until };
    const today = shanghaiDate(until);
    const byRule = await this.summaries.raisedByRule(window);
    const byCounty = await this.summaries.raisedByCounty(window);
    const newRows = await this.summaries.largestRaised(window, LIST_LIMIT);
    const cardedRows = await this.summaries.largestNewlyCarded(window, LIST_LIMIT);
    const cards = await this.summaries.newCards(window);
    const repeatRows = await this.summaries.largestRepeats(window, LIST_LIMIT);
    const overdueNotices = await this.summaries.overdueNotices(today, LIST_LIMIT);
    const overdueCounties = await this.summaries.overdueByCounty(today, 5);
    // Every region the digest names, looked up at once; an unknown code stands for itself.
    const names = await this.regions.names([recipient.regionCode, ...byCounty.map((r) => r.county_code), ...overdueCounties.map((r) => r.county_code), ...[...newRows, ...cardedRows, ...repeatRows].map((l) => l.region_code)]);
    const nameOf = (code: string) => names.get(code) ?? code;
    const regionName = recipient.regionCode ? nameOf(recipient.regionCode) : '全国';
    const line = (l: LeadLineRow): LeadLine => ({ id: l.id, rule_code: l.rule_code, region_name: nameOf(l.region_code), amount: fenToYuan(l.amount_at_risk_fen), explanation: maskPersonalData(l.explanation), card: l.card });
    const newLeads = newRows.map(line);
    const carded = cardedRows.map(line);
    const repeats = repeatRows.map(line);
    const mostOverdue = overdueCounties.map((r) => ({ region: r.county_code, name: nameOf(r.county_code), overdue: r.overdue }));
    const region = recipient.regionCode || null;
    const year = await this.statistics.execute(new LeadStatisticsCommand(region, `${today.slice(0, 4)}-01-01`, today));
    // Every month from five months back to this one, in one statement (months without leads too).
    const months = await this.breakdowns.byMonth(cohortOf(region, format(subMonths(startOfMonth(parseISO(today)), TREND_MONTHS - 1), 'yyyy-MM-dd'), today));
    const rateTrend = months.map((m) => ({ month: m.month, raised: m.raised, confirmed: m.confirmed, rate: m.confirmed ? Math.round((m.confirmed_rectified / m.confirmed) * 10000) / 10000 : null }));

    const figures: DigestFigures = {
      regionCode: recipient.regionCode,
      regionName,
      since: since.toISOString(),
      until: until.toISOString(),
      newLeads: byRule.reduce((s, r) => s + r.n, 0),
      newByRule: Object.fromEntries(byRule.map((r) => [r.rule_code, r.n])),
      newByRegion: byCounty.map((r) => ({ region: r.county_code, name: nameOf(r.county_code), count: r.n })),
      yellowCards: cards.yellow,
      redCards: cards.red,
      repeats: byRule.find((r) => r.rule_code === 'R12')?.n ?? 0, // R12 leads are new leads of the period
      overdueNotices,
      yearToDate: { from: year.from, to: year.to, raised: year.raised, confirmed: year.confirmed, rectified: year.rectified, rectificationRate: year.rectificationRate, amountAtRisk: year.amountAtRisk, amountConfirmed: year.amountConfirmed, amountRecovered: year.amountRecovered },
      rateTrend,
      mostOverdue,
      leadIds: [...new Set([...newLeads, ...carded, ...repeats].map((l) => l.id))],
      // A printed digest anchors the audit trail: `audit verify --checkpoint ID:HASH` holds the
      // database against it, so a tail deleted later shows even if the checkpoint file goes too.
      auditAnchor: (await this.audit.latestCheckpoint().catch(() => undefined)) ?? null,
    };
    const empty = figures.newLeads === 0 && figures.yellowCards === 0 && figures.redCards === 0 && figures.repeats === 0 && overdueNotices.length === 0;
    const chart = (name: string, title: string, svg: string): DigestChart => ({ cid: `${name}@sunlight`, pngCid: `${name}-png@sunlight`, title, svg });
    const charts = [
      chart('leads-by-region', '新增线索（按地区）', await barChart('新增线索（按地区）', figures.newByRegion.slice(0, 12).map((r) => r.name), figures.newByRegion.slice(0, 12).map((r) => r.count))),
      chart('rectification-trend', '发现、查实与整改率走势（按发现月份）', await trendChart('发现、查实与整改率走势（按发现月份）', rateTrend)),
    ];
    const headline = empty
      ? '本期无新情况'
      : [`新增线索 ${figures.newLeads} 条`, figures.redCards && `红牌 ${figures.redCards} 张`, figures.yellowCards && `黄牌 ${figures.yellowCards} 张`, figures.repeats && `应改未改 ${figures.repeats} 条`, overdueNotices.length && `逾期文书 ${overdueNotices.length} 份`].filter(Boolean).join('，');
    const subject = `【阳光监管】${regionName}${KIND_LABELS[kind]} ${today}：${headline}`;
    const link = (id: string) => `${this.config.mail.consoleUrl}/#/leads/${id}`;
    const percent = (r: number | null) => (r === null ? '—' : `${(r * 100).toFixed(1)}%`);
    const period = `${shanghaiDateTime(since)} 至 ${shanghaiDateTime(until)}`;

    const text: string[] = [`${recipient.displayName}：`, '', `${regionName} ${period}`, headline, ''];
    // A phone's mail app shows this at its own width: nothing wider than the screen, charts shrink.
    const html: string[] = [
      `<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(subject)}</title></head>`,
      `<body style="margin:0;padding:0;background:#ffffff">`,
      `<div style="font-family:-apple-system,'PingFang SC','Microsoft YaHei',sans-serif;max-width:640px;margin:0 auto;padding:12px;color:#222;font-size:15px;line-height:1.6;word-break:break-word">`,
      `<h2 style="color:#c0392b;font-size:20px;margin:8px 0">${escapeHtml(regionName)} · ${escapeHtml(KIND_LABELS[kind])}</h2>`,
      `<p>${escapeHtml(recipient.displayName)}：</p><p>${escapeHtml(period)}<br><strong>${escapeHtml(headline)}</strong></p>`,
    ];
    const section = (title: string, items: string[], htmlItems: string[] = items.map(escapeHtml)) => {
      if (!items.length) return;
      text.push(`■ ${title}`, ...items.map((i) => `  · ${i}`), '');
      html.push(`<h3 style="font-size:16px;margin:16px 0 4px">${escapeHtml(title)}</h3><ul style="margin:0;padding-left:20px">${htmlItems.map((i) => `<li>${i}</li>`).join('')}</ul>`);
    };
    const leadItem = (l: LeadLine) => `#${l.id} ${l.rule_code} ${l.region_name} ${l.amount} 元 ${l.explanation}`;
    const leadHtml = (l: LeadLine) => `<a href="${escapeHtml(link(l.id))}">#${escapeHtml(l.id)}</a> ${escapeHtml(l.rule_code)} ${escapeHtml(l.region_name)} ${escapeHtml(l.amount)} 元 ${escapeHtml(l.explanation)}`;
    section('新增线索（按规则）', byRule.map((r) => `${r.rule_code} ${RULE_NAMES.get(r.rule_code) ?? ''}：${r.n} 条`));
    section('新增线索（按地区）', figures.newByRegion.map((r) => `${r.name}：${r.count} 条`));
    section(`新增线索（金额最大的 ${Math.min(LIST_LIMIT, newLeads.length)} 条）`, newLeads.map((l) => `${leadItem(l)} ${link(l.id)}`), newLeads.map(leadHtml));
    section('新亮黄牌、红牌', carded.map((l) => `${l.card === 'red' ? '红牌' : '黄牌'} ${leadItem(l)} ${link(l.id)}`), carded.map((l) => `${l.card === 'red' ? '🟥 红牌' : '🟨 黄牌'} ${leadHtml(l)}`));
    section('应改未改（R12）', repeats.map((l) => `${leadItem(l)} ${link(l.id)}`), repeats.map(leadHtml));
    section('逾期未回复的文书', overdueNotices.map((n) => `${n.number} 致 ${n.recipient}，应于 ${n.due_on} 前回复`));
    section('逾期线索最多的地区', mostOverdue.map((r) => `${r.name}：${r.overdue} 条`));
    const y = figures.yearToDate;
    section(`本年度（${y.from} 至 ${y.to}）`, [
      `发现线索 ${y.raised} 条，查实 ${y.confirmed} 条，已整改 ${y.rectified} 条，整改率 ${percent(y.rectificationRate)}`,
      `涉及金额 ${y.amountAtRisk} 元，查实金额 ${y.amountConfirmed} 元，追回金额 ${y.amountRecovered} 元`,
      `按发现月份（发现 / 查实 / 整改率）：${rateTrend.map((t) => `${t.month} ${t.raised} / ${t.confirmed} / ${percent(t.rate)}`).join('，')}`,
    ]);
    text.push(`详情请登录阳光监管：${this.config.mail.consoleUrl}/`);
    // The SVG where the client shows SVG (it scales without blur), else the PNG (<picture> is
    // ignored by clients that do not know it, and they show the <img>); either takes the width.
    html.push(
      ...charts.map(
        (c) =>
          `<p style="margin:12px 0"><picture><source srcset="cid:${c.cid}" type="image/svg+xml">` +
          `<img src="cid:${c.pngCid}" alt="${escapeHtml(c.title)}" width="${CHART_WIDTH}" style="display:block;width:100%;max-width:${CHART_WIDTH}px;height:auto;border:0"></picture></p>`,
      ),
    );
    html.push(`<p><a href="${escapeHtml(this.config.mail.consoleUrl)}/">登录阳光监管查看详情</a></p>`);
    const anchor = figures.auditAnchor;
    const anchorLine = anchor ? `审计锚点：${anchor.eventId}:${anchor.hash}（签名 ${anchor.mac.slice(0, 16)}，${shanghaiDateTime(new Date(anchor.at))}）` : '审计锚点：尚无检查点';
    text.push('', anchorLine);
    html.push(`<p style="font-size:11px;color:#888;font-family:monospace;word-break:break-all">${escapeHtml(anchorLine)}</p></div></body></html>`);
    return { subject, text: text.join('\n'), html: html.join('\n'), charts, figures, empty };
  }
}

