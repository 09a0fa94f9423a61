import type { components } from '@/api/schema';
import { formatMoney, parseYuan } from '@/format';

export type LeadItem = components['schemas']['LeadQueueItemDto'];
export type LeadDetail = components['schemas']['LeadDetailDto'];
export type LeadRecord = components['schemas']['LeadRecordDto'];
export type HistoryEntry = components['schemas']['LeadHistoryEntryDto'];
export type Attachment = components['schemas']['LeadAttachmentDto'];
export type Assignable = components['schemas']['AssignableInspectorDto'];
export type ScopeInspector = components['schemas']['ScopeInspectorDto'];
export type Notice = components['schemas']['NoticeDto'];
export type Facets = components['schemas']['LeadFacetsDto'];
export type LeadSort = 'due' | 'amount' | 'age' | 'newest';

/** The amounts of a lead come as yuan text ("6201.54"): shown with separators and two decimals. */
export function yuan(text: string | null | undefined): string {
  if (text === null || text === undefined || text === '') return '';
  const fen = parseYuan(text);
  return fen === null ? text : formatMoney(fen);
}

/** Fen (as parseYuan gives it) → the plain yuan text the API reads ("3600.00"). */
export function fenToYuanText(fen: string): string {
  const n = BigInt(fen);
  const sign = n < 0n ? '-' : '';
  const abs = n < 0n ? -n : n;
  return `${sign}${abs / 100n}.${String(abs % 100n).padStart(2, '0')}`;
}

/** Bytes as people read them (1.2 MB). */
export function fileSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** The queue's filters as the page holds them. */
export interface QueueFilters {
  region: string;
  rule: string[];
  severity: string[];
  status: string[];
  card: string[];
  program: string[];
  assignee: string;
  amountMin: string;
  amountMax: string;
  /** [from, to] as YYYY-MM-DD, or null. */
  raised: [string, string] | null;
}

export function emptyFilters(): QueueFilters {
  return { region: '', rule: [], severity: [], status: [], card: [], program: [], assignee: '', amountMin: '', amountMax: '', raised: null };
}

/** The filters as the API's query parameters (lists comma-separated; amounts as plain yuan). */
export function filterQuery(f: QueueFilters): Record<string, string> {
  const q: Record<string, string> = {};
  if (f.region) q.region = f.region;
  for (const key of ['rule', 'severity', 'status', 'card', 'program'] as const) if (f[key].length) q[key] = f[key].join(',');
  if (f.assignee) q.assignee = f.assignee;
  for (const key of ['amountMin', 'amountMax'] as const) {
    const fen = f[key] ? parseYuan(f[key]) : null;
    if (fen !== null) q[key] = fenToYuanText(fen);
  }
  if (f.raised) [q.from, q.to] = f.raised;
  return q;
}

/** Statuses whose lead is still open (not dismissed, not closed). */
export const OPEN_STATUSES = ['new', 'assigned', 'verifying', 'confirmed', 'disposed', 'rectifying', 'rectified'];

/** The queue's presets: a name and the filters it sets (the statuses' names come from the labels). */
export const PRESETS: { name: string; filters: Partial<QueueFilters> }[] = [
  { name: '全部线索', filters: {} },
  { name: '我的待办', filters: { assignee: 'me', status: ['assigned', 'verifying', 'confirmed', 'disposed', 'rectifying', 'rectified'] } },
  { name: '待分派', filters: { assignee: 'none', status: ['new'] } },
  { name: '红黄牌', filters: { card: ['red', 'yellow'] } },
  { name: '高风险未办结', filters: { severity: ['high'], status: OPEN_STATUSES } },
];

/** Is the keyboard event typed into a field (where j, k and Enter are text, not commands)? */
export function typingIn(event: KeyboardEvent): boolean {
  const target = event.target as HTMLElement | null;
  if (!target) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName) || !!target.closest('[role="dialog"]');
}

/** What an attachment may be, checked before it is sent (the server checks the content again). */
export const ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024;

/** PDF, PNG or JPEG by the file's first bytes, as the server decides; undefined for anything else. */
export async function sniffAttachment(file: Blob): Promise<'application/pdf' | 'image/png' | 'image/jpeg' | undefined> {
  const head = new Uint8Array(await file.slice(0, 8).arrayBuffer());
  const starts = (bytes: number[]) => bytes.every((b, i) => head[i] === b);
  if (starts([0x25, 0x50, 0x44, 0x46, 0x2d])) return 'application/pdf';
  if (starts([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (starts([0xff, 0xd8, 0xff])) return 'image/jpeg';
  return undefined;
}
