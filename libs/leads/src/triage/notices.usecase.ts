import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock, ConflictError, InputError, NotFoundError, escapeHtml, inActorScope, scopeSql } from '@sunlight/common';
import { AuditLog } from '@sunlight/audit';
import { InjectDeadlines, type DeadlineSettings } from '../deadlines.js';
import { LeadRepository } from '../lead.repository.js';
import { WorkingDays } from '../working-days.js';

/** 三书: 预警通知书, 工作提醒书, 整改建议书. */
export const NOTICE_KINDS = {
  warning: { title: '预警通知书', mark: '预' },
  reminder: { title: '工作提醒书', mark: '提' },
  rectification: { title: '整改建议书', mark: '建' },
} as const;
export type NoticeKind = keyof typeof NOTICE_KINDS;

/** Where a notice stands: open until the unit's answer is recorded. */
export const NOTICE_STATUS_LABELS = { issued: '待回复', answered: '已回复' } as const;

export class IssueNoticeCommand {
  constructor(
    readonly kind: NoticeKind,
    /** The issuing office's region (county, city …), inside the issuer's scope. */
    readonly regionCode: string,
    /** The unit it goes to (e.g. 松滋市民政局). */
    readonly recipient: string,
    readonly subject: string,
    readonly body: string,
    readonly leadIds: string[] = [],
    /** Answer due on; by default `noticeAnswer` working days from today. */
    readonly dueOn?: string,
  ) {}
}

export class AnswerNoticeCommand {
  constructor(
    readonly noticeId: string,
    readonly answer: string,
  ) {}
}

export interface Notice {
  id: string;
  kind: NoticeKind;
  title: string;
  number: string;
  region_code: string;
  year: number;
  seq: number;
  recipient: string;
  subject: string;
  body: string;
  lead_ids: string[];
  issued_by: string;
  issued_at: string;
  due_on: string;
  status: 'issued' | 'answered';
  overdue: boolean;
  answered_at: string | null;
  answer: string | null;
}

const COLUMNS = `id::text, kind, number, region_code, year, seq, recipient, subject, body, lead_ids::text[] AS lead_ids, issued_by, issued_at,
  to_char(due_on, 'YYYY-MM-DD') AS due_on, status, answered_at, answer`;

/**
 * The three notices (三书) a discipline office issues to a unit about one lead or a set of them:
 * numbered per issuing region, kind and year (松滋市纪预〔2026〕3号), printable, and tracked until
 * the unit answers. Issuing and answering are audited.
 */
@Injectable()
export class Notices {
  constructor(
    private readonly dataSource: DataSource,
    private readonly leads: LeadRepository,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
    @InjectDeadlines() private readonly settings: DeadlineSettings,
  ) {}

  async issue(c: IssueNoticeCommand): Promise<Notice> {
    if (!(c.kind in NOTICE_KINDS)) throw new InputError(`未知的文书种类 "${c.kind}"`, { column: 'kind', value: String(c.kind), expected: Object.keys(NOTICE_KINDS).join(' | ') });
    for (const [column, value, max] of [['recipient', c.recipient, 200], ['subject', c.subject, 200], ['body', c.body, 20000]] as const) {
      if (!value?.trim() || value.length > max) throw new InputError(`${column} 不能为空，且不超过 ${max} 字`, { column, expected: `1–${max} characters` });
    }
    if (!/^\d{2,9}$/.test(c.regionCode) || !inActorScope(c.regionCode)) throw new NotFoundError(`行政区划 ${c.regionCode} 不在您的辖区内 (not in your region)`);
    const today = this.clock.today();
    const dueOn = c.dueOn ?? WorkingDays.add(today, this.settings.deadlines.noticeAnswer);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(dueOn) || Number.isNaN(Date.parse(dueOn)) || dueOn < today) throw new InputError(`回复期限 "${dueOn}" 应为今天或以后的日期`, { column: 'dueOn', value: dueOn, expected: `YYYY-MM-DD ≥ ${today}` });
    const leadIds = [...new Set(c.leadIds.map(String))];
    const bad = leadIds.find((id) => !/^\d{1,18}$/.test(id));
    if (bad) throw new NotFoundError(`线索 ${bad} 不存在 (no such lead)`);
    const year = Number(today.slice(0, 4));
    const notice = await this.dataSource.transaction(async (em) => {
      const [region] = await em.query(`SELECT name FROM regions WHERE code = $1`, [c.regionCode]);
      if (!region) throw new NotFoundError(`行政区划 ${c.regionCode} 不存在`);
      if (leadIds.length) {
        const seen = new Set(await this.leads.visibleUnder(em, leadIds, c.regionCode));
        const missing = leadIds.filter((id) => !seen.has(id));
        if (missing.length) throw new NotFoundError(`线索 ${missing.join(', ')} 不存在或不在 ${region.name} (no such lead in this region)`);
      }
      const [counter] = await em.query(
        `INSERT INTO notice_counters (region_code, kind, year, last) VALUES ($1, $2, $3, 1)
         ON CONFLICT (region_code, kind, year) DO UPDATE SET last = notice_counters.last + 1 RETURNING last`,
        [c.regionCode, c.kind, year],
      );
      const number = `${region.name}纪${NOTICE_KINDS[c.kind].mark}〔${year}〕${counter.last}号`;
      const [row] = await em.query(
        `INSERT INTO notices (kind, number, region_code, year, seq, recipient, subject, body, lead_ids, issued_by, issued_at, due_on)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::bigint[], $10, $11, $12) RETURNING ${COLUMNS}`,
        [c.kind, number, c.regionCode, year, counter.last, c.recipient.trim(), c.subject.trim(), c.body.trim(), leadIds, `${region.name}纪委监委`, this.clock.now(), dueOn],
      );
      await this.audit.append(em, { action: 'notice.issue', subjectType: 'notice', subjectId: row.id, regionCode: c.regionCode, data: { kind: c.kind, number, recipient: row.recipient, leadIds, dueOn } }, undefined, this.clock.now());
      return row;
    });
    return this.present(notice);
  }

  async answer(c: AnswerNoticeCommand): Promise<Notice> {
    if (!c.answer?.trim()) throw new InputError('回复内容不能为空', { column: 'answer', expected: 'the unit’s answer' });
    const row = await this.dataSource.transaction(async (em) => {
      const [notice] = await em.query(`SELECT ${COLUMNS} FROM notices WHERE id = $1 AND ${scopeSql('region_code')} FOR UPDATE`, [this.id(c.noticeId)]);
      if (!notice) throw new NotFoundError(`文书 ${c.noticeId} 不存在`);
      if (notice.status === 'answered') throw new ConflictError(`文书 ${notice.number} 已于 ${new Date(notice.answered_at).toISOString().slice(0, 10)} 回复`, { status: notice.status });
      const [updated] = await em.query(
        `WITH u AS (UPDATE notices SET status = 'answered', answered_at = $2, answer = $3 WHERE id = $1 RETURNING ${COLUMNS}) SELECT * FROM u`,
        [notice.id, this.clock.now(), c.answer.trim()],
      );
      await this.audit.append(em, { action: 'notice.answer', subjectType: 'notice', subjectId: notice.id, regionCode: notice.region_code, data: { number: notice.number, answer: c.answer.trim() } }, undefined, this.clock.now());
      return updated;
    });
    return this.present(row);
  }

  async get(noticeId: string): Promise<Notice> {
    const [row] = await this.dataSource.query(`SELECT ${COLUMNS} FROM notices WHERE id = $1 AND ${scopeSql('region_code')}`, [this.id(noticeId)]);
    if (!row) throw new NotFoundError(`文书 ${noticeId} 不存在`);
    return this.present(row);
  }

  /** Newest first; `open` keeps the unanswered, `overdue` those past their answer date. */
  async list(filter: { status?: 'issued' | 'answered'; overdue?: boolean; limit?: number } = {}): Promise<Notice[]> {
    const rows = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM notices WHERE ${scopeSql('region_code')}
         AND ($1::text IS NULL OR status = $1) AND (NOT $2 OR (status = 'issued' AND due_on < $3::date))
       ORDER BY notices.id DESC LIMIT $4`,
      [filter.status ?? null, filter.overdue ?? false, this.clock.today(), Math.min(Math.max(filter.limit ?? 100, 1), 500)],
    );
    return rows.map((r: Record<string, any>) => this.present(r));
  }

  /** The notice as a printable A4 page (HTML; the browser prints or saves it as PDF). */
  async render(noticeId: string): Promise<string> {
    const n = await this.get(noticeId);
    const paragraphs = n.body.split(/\n+/).map((p) => `<p>${escapeHtml(p)}</p>`).join('\n');
    const issued = n.issued_at.slice(0, 10).split('-');
    return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>${escapeHtml(n.number)} ${escapeHtml(n.title)}</title>
<style>
  @page { size: A4; margin: 30mm 26mm; }
  body { font-family: "FangSong", "STFangsong", "仿宋", serif; font-size: 16pt; line-height: 1.8; color: #000; max-width: 160mm; margin: 0 auto; }
  h1 { font-family: "SimHei", "黑体", sans-serif; text-align: center; color: #c00; font-size: 24pt; letter-spacing: 0.2em; margin-bottom: 0; }
  .number { text-align: center; margin: 0.5em 0 1.5em; border-bottom: 2px solid #c00; padding-bottom: 0.5em; }
  p { text-indent: 2em; margin: 0.3em 0; }
  .recipient { text-indent: 0; }
  .leads, .due { text-indent: 0; font-size: 12pt; }
  .sign { text-align: right; margin-top: 3em; }
</style></head>
<body>
<h1>${escapeHtml(n.title)}</h1>
<div class="number">${escapeHtml(n.number)}</div>
<p class="recipient">${escapeHtml(n.recipient)}：</p>
<p><strong>关于${escapeHtml(n.subject)}</strong></p>
${paragraphs}
${n.lead_ids.length ? `<p class="leads">涉及问题线索编号：${n.lead_ids.map(escapeHtml).join('、')}</p>` : ''}
<p class="due">请于 ${escapeHtml(n.due_on)} 前书面回复。</p>
<div class="sign">${escapeHtml(n.issued_by)}<br>${issued[0]}年${Number(issued[1])}月${Number(issued[2])}日</div>
</body></html>`;
  }

  private present(r: Record<string, any>): Notice {
    return {
      id: r.id,
      kind: r.kind,
      title: NOTICE_KINDS[r.kind as NoticeKind].title,
      number: r.number,
      region_code: r.region_code,
      year: r.year,
      seq: r.seq,
      recipient: r.recipient,
      subject: r.subject,
      body: r.body,
      lead_ids: r.lead_ids ?? [],
      issued_by: r.issued_by,
      issued_at: new Date(r.issued_at).toISOString(),
      due_on: r.due_on,
      status: r.status,
      overdue: r.status === 'issued' && r.due_on < this.clock.today(),
      answered_at: r.answered_at ? new Date(r.answered_at).toISOString() : null,
      answer: r.answer,
    };
  }

  private id(noticeId: string): string {
    if (!/^\d{1,18}$/.test(noticeId)) throw new NotFoundError(`文书 ${noticeId} 不存在`);
    return noticeId;
  }

}
