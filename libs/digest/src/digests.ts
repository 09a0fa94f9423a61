import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ActorContext, Clock, InputError, NotFoundError, shanghaiDate, shanghaiHour } from '@sunlight/common';
import { InjectConfig, type AppConfig } from '@sunlight/config';
import { InjectQueue, JobName, QueueName, type TypedQueue } from '@sunlight/queue';
import { UserDirectory } from '@sunlight/accounts';
import { LeadSummaries } from '@sunlight/leads';
import { browserHtml } from './charts.js';
import { ComposeDigest, ComposeDigestCommand, type DigestFigures, type DigestKind, type Recipient } from './compose-digest.js';
import { DeliveryError, Mailer, WebhookSender } from './delivery.js';
import type { DigestStatus } from './labels.js';

export interface DigestSettings {
  frequency: 'daily' | 'weekly' | 'off';
  /** 1 Monday … 7 Sunday (weekly). */
  weekday: number;
  /** Hour of the day, Asia/Shanghai. */
  hour: number;
  /** An empty period still sends a short "本期无新情况" (true) or nothing (false). */
  sendEmpty: boolean;
  /** Red cards and R12 repeats sent at once, at most once an hour. */
  alerts: boolean;
  /** Also post to the office chat webhook. */
  webhook: boolean;
}

export const DEFAULT_SETTINGS: DigestSettings = { frequency: 'daily', weekday: 1, hour: 8, sendEmpty: true, alerts: true, webhook: false };
const ALERT_LOOKBACK_MS = 24 * 3600_000;
/** A send claimed longer ago than this is taken to have died with its worker. */
const STALE_CLAIM = '10 minutes';

interface SettingsRow {
  user_id: string;
  frequency: DigestSettings['frequency'];
  weekday: number;
  hour: number;
  send_empty: boolean;
  alerts: boolean;
  webhook: boolean;
}

/** A digest as the list of digests shows it (columns as in the table). */
export interface DigestListRow {
  id: string;
  user_id: string;
  username: string;
  kind: DigestKind;
  period_key: string;
  period_start: Date;
  period_end: Date;
  recipient: string | null;
  subject: string;
  empty: boolean;
  status: DigestStatus;
  attempts: number;
  last_error: string | null;
  sent_at: Date | null;
  webhook_status: string | null;
  created_at: Date;
}

/** One digest in full (columns as in the table), with its HTML as a browser shows it. */
export interface DigestDetail extends Omit<DigestListRow, 'username'> {
  text_body: string;
  html_body: string;
  /** The HTML with its charts written in (data URLs): what the console shows. */
  browser_html: string;
  figures: DigestFigures;
  message_id: string | null;
}

export type DeliveryOutcome = 'sent' | 'failed' | 'skipped' | 'not-configured' | 'already-handled' | 'retry';

/**
 * Digests: composing one for a period exactly once (the row, unique per user, kind and period,
 * is created before anything is sent, with its content), delivering it exactly once (a worker
 * claims the row; a second worker finds nothing to claim), retrying transient failures with
 * back-off and recording permanent ones.
 */
@Injectable()
export class Digests {
  private readonly logger = new Logger(Digests.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly compose: ComposeDigest,
    private readonly users: UserDirectory,
    private readonly summaries: LeadSummaries,
    private readonly mailer: Mailer,
    private readonly webhook: WebhookSender,
    private readonly clock: Clock,
    @InjectConfig() private readonly config: AppConfig,
    @InjectQueue(QueueName.Digests) private readonly queue: TypedQueue<QueueName.Digests>,
  ) {}

  // ── settings and schedules ──────────────────────────────────────────────

  async settings(userId: string): Promise<DigestSettings> {
    return (await this.settingsOf([userId])).get(userId)!;
  }

  /** The settings of these users, by id, in one query (the defaults for those who chose none). */
  private async settingsOf(userIds: string[]): Promise<Map<string, DigestSettings>> {
    const rows: SettingsRow[] = await this.dataSource.query(
      `SELECT user_id::text AS user_id, frequency, weekday, hour, send_empty, alerts, webhook FROM digest_settings WHERE user_id = ANY($1::bigint[])`,
      [userIds],
    );
    const chosen = new Map(rows.map((row): [string, DigestSettings] => [row.user_id, { frequency: row.frequency, weekday: row.weekday, hour: row.hour, sendEmpty: row.send_empty, alerts: row.alerts, webhook: row.webhook }]));
    return new Map(userIds.map((id) => [id, chosen.get(id) ?? { ...DEFAULT_SETTINGS }]));
  }

  async updateSettings(userId: string, patch: Partial<DigestSettings>): Promise<DigestSettings> {
    const s = { ...(await this.settings(userId)), ...patch };
    if (!['daily', 'weekly', 'off'].includes(s.frequency)) throw new InputError(`frequency 应为 daily、weekly 或 off`, { column: 'frequency', value: String(s.frequency), expected: 'daily | weekly | off' });
    if (!Number.isInteger(s.weekday) || s.weekday < 1 || s.weekday > 7) throw new InputError('weekday 应为 1（周一）至 7（周日）', { column: 'weekday', value: String(s.weekday), expected: '1–7' });
    if (!Number.isInteger(s.hour) || s.hour < 0 || s.hour > 23) throw new InputError('hour 应为 0 至 23', { column: 'hour', value: String(s.hour), expected: '0–23' });
    await this.dataSource.query(
      `INSERT INTO digest_settings (user_id, frequency, weekday, hour, send_empty, alerts, webhook, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, now())
       ON CONFLICT (user_id) DO UPDATE SET frequency = $2, weekday = $3, hour = $4, send_empty = $5, alerts = $6, webhook = $7, updated_at = now()`,
      [userId, s.frequency, s.weekday, s.hour, s.sendEmpty, s.alerts, s.webhook],
    );
    await this.schedule(userId, s);
    return s;
  }

  /** The cron of a supervisor's digest in Asia/Shanghai (cron weekdays: 0 is Sunday). */
  static pattern(s: DigestSettings): string | null {
    if (s.frequency === 'off') return null;
    return s.frequency === 'daily' ? `0 ${s.hour} * * *` : `0 ${s.hour} * * ${s.weekday % 7}`;
  }

  private async schedule(userId: string, s: DigestSettings): Promise<void> {
    const pattern = Digests.pattern(s);
    if (pattern) await this.queue.schedule(`digest:${userId}`, pattern, JobName.PrepareDigest, { userId });
    else await this.queue.queue.removeJobScheduler(`digest:${userId}`);
  }

  /** Every active supervisor has a job scheduler for their digest, and nobody else has one. */
  async syncSchedules(): Promise<number> {
    const users = await this.users.activeSupervisors();
    const settings = await this.settingsOf(users.map((u) => u.id));
    for (const u of users) await this.schedule(u.id, settings.get(u.id)!);
    const wanted = new Set(users.map((u) => `digest:${u.id}`));
    for (const s of await this.queue.queue.getJobSchedulers()) {
      if (s.key.startsWith('digest:') && !wanted.has(s.key)) await this.queue.queue.removeJobScheduler(s.key);
    }
    return users.length;
  }

  // ── composing ───────────────────────────────────────────────────────────

  async recipient(userIdOrName: string): Promise<Recipient> {
    const u = await this.users.find(userIdOrName);
    if (!u || !u.active) throw new NotFoundError(`没有在岗的用户 ${userIdOrName}`);
    if (u.role !== 'supervisor' && u.role !== 'admin') throw new InputError(`${u.username} 不是分管领导（supervisor），不收摘要`, { column: 'user', value: u.username, expected: 'a supervisor' });
    return { id: u.id, username: u.username, displayName: u.displayName, email: u.email, role: u.role, regionCode: u.regionCode };
  }

  /** Where the next digest of this user starts: the end of the last one of these kinds. */
  private async lastEnd(userId: string, kinds: DigestKind[], fallbackMs: number): Promise<Date> {
    return (await this.lastEnds([userId], kinds, fallbackMs)).get(userId)!;
  }

  /** `lastEnd` of many users in one query; `fallbackMs` before now for those without one. */
  private async lastEnds(userIds: string[], kinds: DigestKind[], fallbackMs: number): Promise<Map<string, Date>> {
    const rows: { user_id: string; at: Date }[] = await this.dataSource.query(
      `SELECT user_id::text AS user_id, max(period_end) AS at FROM digests WHERE user_id = ANY($1::bigint[]) AND kind = ANY($2::text[]) GROUP BY user_id`,
      [userIds, kinds],
    );
    const found = new Map(rows.map((r) => [r.user_id, new Date(r.at)]));
    const fallback = new Date(this.clock.now().getTime() - fallbackMs);
    return new Map(userIds.map((id) => [id, found.get(id) ?? fallback]));
  }

  /** What the next scheduled digest would say now (nothing stored). */
  async preview(userIdOrName: string) {
    const recipient = await this.recipient(userIdOrName);
    const s = await this.settings(recipient.id);
    const since = await this.lastEnd(recipient.id, ['scheduled', 'manual'], (s.frequency === 'weekly' ? 7 : 1) * 24 * 3600_000);
    return this.compose.execute(new ComposeDigestCommand(recipient, 'scheduled', since, this.clock.now()));
  }

  /**
   * Composes and stores the digest of a period unless it exists; answers its id. The unique key
   * (user, kind, period) makes a second worker, or a second run of the same job, find the first.
   */
  async prepare(userIdOrName: string, kind: DigestKind): Promise<{ id: string; created: boolean }> {
    const recipient = await this.recipient(userIdOrName);
    const s = await this.settings(recipient.id);
    const now = this.clock.now();
    const day = shanghaiDate(now);
    const hour = shanghaiHour(now);
    const periodKey = kind === 'scheduled' ? day : kind === 'alert' ? `${day}T${hour}` : now.toISOString();
    const [existing] = await this.dataSource.query(`SELECT id::text FROM digests WHERE user_id = $1 AND kind = $2 AND period_key = $3`, [recipient.id, kind, periodKey]);
    if (existing) return { id: existing.id, created: false };
    const since = kind === 'alert'
      ? await this.lastEnd(recipient.id, ['alert'], ALERT_LOOKBACK_MS)
      : await this.lastEnd(recipient.id, ['scheduled', 'manual'], (s.frequency === 'weekly' ? 7 : 1) * 24 * 3600_000);
    const content = await this.compose.execute(new ComposeDigestCommand(recipient, kind, since, now));
    const unreachable = this.mailer.configured && !recipient.email && !(s.webhook && this.webhook.configured);
    const status = content.empty && kind === 'scheduled' && !s.sendEmpty ? 'skipped' : unreachable ? 'failed' : 'pending';
    const [row] = await this.dataSource.query(
      `INSERT INTO digests (user_id, kind, period_key, period_start, period_end, recipient, subject, text_body, html_body, charts, figures, empty, status, last_error)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
       ON CONFLICT (user_id, kind, period_key) DO NOTHING RETURNING id::text`,
      [recipient.id, kind, periodKey, since, now, recipient.email, content.subject, content.text, content.html, JSON.stringify(content.charts), JSON.stringify(content.figures), content.empty, status,
        status === 'failed' ? `${recipient.username} 没有电子邮箱 (no e-mail address)` : null],
    );
    if (!row) {
      const [winner] = await this.dataSource.query(`SELECT id::text FROM digests WHERE user_id = $1 AND kind = $2 AND period_key = $3`, [recipient.id, kind, periodKey]);
      return { id: winner.id, created: false };
    }
    return { id: row.id, created: true };
  }

  /** Queues delivery (once per digest: the job id is the digest's). */
  async enqueue(digestId: string): Promise<void> {
    await this.queue.add(JobName.SendDigest, { digestId }, {
      jobId: `send-digest-${digestId}`,
      attempts: this.config.mail.attempts,
      backoff: { type: 'exponential', delay: this.config.mail.retryDelayMs },
    });
  }

  // ── delivering ──────────────────────────────────────────────────────────

  /**
   * Delivers one digest if it is still to be delivered; safe to run twice and from two workers
   * at once. A transient failure puts the row back to pending and throws (the queue retries with
   * back-off); the last attempt, or a permanent failure, records status failed with the reason.
   */
  async deliver(digestId: string, lastAttempt = false): Promise<DeliveryOutcome> {
    const [d] = await this.dataSource.query(
      `WITH c AS (
         UPDATE digests SET status = 'sending', attempts = attempts + 1, claimed_at = now()
         WHERE id = $1 AND (status = 'pending' OR (status = 'sending' AND claimed_at < now() - interval '${STALE_CLAIM}'))
         RETURNING id::text, user_id::text, recipient, subject, text_body, html_body, charts, figures, attempts)
       SELECT * FROM c`,
      [digestId],
    );
    if (!d) return 'already-handled';
    const s = await this.settings(d.user_id);
    if (!this.mailer.configured && !(s.webhook && this.webhook.configured)) {
      await this.finish(digestId, 'not-configured', '未配置邮件服务器 (SUNLIGHT_SMTP_URL)，摘要已保存，可在系统中查看');
      return 'not-configured';
    }
    try {
      let messageId: string | null = null;
      if (this.mailer.configured && d.recipient) {
        messageId = await this.mailer.send({ id: digestId, to: d.recipient, subject: d.subject, text: d.text_body, html: d.html_body, charts: d.charts });
      }
      let webhookStatus: string | null = null;
      if (s.webhook && this.webhook.configured) {
        webhookStatus = await this.webhook
          .send({ digestId, subject: d.subject, text: d.text_body, figures: d.figures })
          .catch((err: Error) => `failed: ${err.message}`); // the mail went; the chat post is best effort
      }
      await this.dataSource.query(
        `UPDATE digests SET status = 'sent', sent_at = now(), message_id = $2, webhook_status = $3, last_error = NULL WHERE id = $1`,
        [digestId, messageId, webhookStatus],
      );
      this.logger.log({ digestId, attempts: d.attempts }, 'digest sent');
      return 'sent';
    } catch (err) {
      const e = err instanceof DeliveryError ? err : new DeliveryError((err as Error).message, false);
      if (e.permanent || lastAttempt) {
        await this.finish(digestId, 'failed', e.message);
        this.logger.error({ digestId, attempts: d.attempts, err: e.message }, 'digest delivery failed for good');
        return 'failed';
      }
      await this.finish(digestId, 'pending', e.message);
      this.logger.warn({ digestId, attempts: d.attempts, err: e.message }, 'digest delivery failed, will retry');
      throw e;
    }
  }

  private async finish(digestId: string, status: string, error: string | null): Promise<void> {
    await this.dataSource.query(`UPDATE digests SET status = $2, last_error = $3, claimed_at = NULL WHERE id = $1`, [digestId, status, error]);
  }

  // ── alerts ──────────────────────────────────────────────────────────────

  /**
   * Supervisors in whose scope a red card was set or an R12 repeat raised since their last
   * alert get an alert digest now — at most one per hour (the period key is the hour).
   */
  async scanAlerts(): Promise<string[]> {
    const supervisors = await this.users.activeSupervisors();
    const settings = await this.settingsOf(supervisors.map((u) => u.id));
    const watching = supervisors.filter((u) => settings.get(u.id)!.alerts);
    const since = await this.lastEnds(watching.map((u) => u.id), ['alert'], ALERT_LOOKBACK_MS);
    const alerting = await this.summaries.alerting(watching.map((u) => ({ key: u.id, region: u.regionCode, since: since.get(u.id)! })));
    const queued: string[] = [];
    for (const u of watching) {
      if (!alerting.has(u.id)) continue;
      const { id, created } = await this.prepare(u.id, 'alert');
      if (created) {
        await this.enqueue(id);
        queued.push(id);
      }
    }
    return queued;
  }

  // ── reading ─────────────────────────────────────────────────────────────

  /** A supervisor's own digests; an admin's: everybody's. Newest first. */
  async list(limit = 50): Promise<DigestListRow[]> {
    const actor = ActorContext.current();
    const rows: Omit<DigestListRow, 'username'>[] = await this.dataSource.query(
      `SELECT d.id::text, d.user_id::text, d.kind, d.period_key, d.period_start, d.period_end, d.recipient, d.subject, d.empty,
              d.status, d.attempts, d.last_error, d.sent_at, d.webhook_status, d.created_at
       FROM digests d
       WHERE ($1::boolean OR d.user_id = $2::bigint) ORDER BY d.id DESC LIMIT $3`,
      [actor.role === 'admin' || actor.role === 'system', /^\d+$/.test(actor.userId) ? actor.userId : '0', Math.min(Math.max(limit, 1), 200)],
    );
    // Every digest's user exists (the foreign key cascades), so each row finds its name.
    const names = await this.users.usernames(rows.map((r) => r.user_id));
    return rows.map(({ id, user_id, ...rest }) => ({ id, user_id, username: names.get(user_id)!, ...rest }));
  }

  async get(digestId: string): Promise<DigestDetail> {
    if (!/^\d{1,18}$/.test(digestId)) throw new NotFoundError(`摘要 ${digestId} 不存在`);
    const actor = ActorContext.current();
    const [row] = await this.dataSource.query(
      `SELECT d.id::text, d.user_id::text, d.kind, d.period_key, d.period_start, d.period_end, d.recipient, d.subject, d.text_body, d.html_body,
              d.figures, d.empty, d.status, d.attempts, d.last_error, d.sent_at, d.message_id, d.webhook_status, d.created_at, d.charts
       FROM digests d WHERE d.id = $1 AND ($2::boolean OR d.user_id = $3::bigint)`,
      [digestId, actor.role === 'admin' || actor.role === 'system', /^\d+$/.test(actor.userId) ? actor.userId : '0'],
    );
    if (!row) throw new NotFoundError(`摘要 ${digestId} 不存在`);
    const { charts, ...rest } = row;
    return { ...rest, browser_html: browserHtml(row.html_body, charts ?? []) };
  }
}
