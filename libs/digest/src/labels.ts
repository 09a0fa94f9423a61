import type { DigestKind } from './compose-digest.js';

/** Where a digest's delivery stands (column digests.status). */
export type DigestStatus = 'pending' | 'sending' | 'sent' | 'failed' | 'skipped' | 'not-configured';

/** The Chinese names of a digest's kinds and delivery statuses, for lists people read. */
export const DIGEST_KIND_LABELS: Record<DigestKind, string> = { scheduled: '定期摘要', alert: '即时预警', manual: '手动发送' };

export const DIGEST_STATUS_LABELS: Record<DigestStatus, string> = {
  pending: '待发送',
  sending: '发送中',
  sent: '已发送',
  failed: '发送失败',
  skipped: '无新情况，未发送',
  'not-configured': '未配置邮件，已保存',
};

export const DIGEST_FREQUENCY_LABELS: Record<'daily' | 'weekly' | 'off', string> = { daily: '每天', weekly: '每周', off: '不发送' };
