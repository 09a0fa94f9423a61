import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import { ActorContext, Clock, InputError, NotFoundError, scopeSql } from '@sunlight/common';
import { AuditLog } from '@sunlight/audit';
import { LeadRepository } from './lead.repository.js';

/** What an attachment is (附件类型); the console shows the names from /api/labels. */
export const ATTACHMENT_KIND_LABELS = {
  interview: '谈话记录',
  rectification: '整改报告',
  other: '其他',
} as const;
export type AttachmentKind = keyof typeof ATTACHMENT_KIND_LABELS;
export const ATTACHMENT_KINDS = Object.keys(ATTACHMENT_KIND_LABELS) as AttachmentKind[];

/** The largest attachment: a scanned interview record or report fits; a video does not. */
export const ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024;
/** Attachments one lead may hold. */
export const ATTACHMENTS_PER_LEAD = 100;

export type AttachmentMediaType = 'application/pdf' | 'image/png' | 'image/jpeg';

/** What each accepted type is called, its first bytes, and the file name endings it takes. */
const TYPES: { type: AttachmentMediaType; name: string; magic: Buffer; extensions: string[] }[] = [
  { type: 'application/pdf', name: 'PDF', magic: Buffer.from('%PDF-', 'latin1'), extensions: ['.pdf'] },
  { type: 'image/png', name: 'PNG', magic: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), extensions: ['.png'] },
  { type: 'image/jpeg', name: 'JPEG', magic: Buffer.from([0xff, 0xd8, 0xff]), extensions: ['.jpg', '.jpeg'] },
];
const ACCEPTED = TYPES.map((t) => t.name).join('、');

/**
 * The type of a file by its own first bytes (magic numbers), never by its name or the type the
 * browser declared: a renamed executable or HTML page is none of the three.
 */
export function sniffAttachmentType(content: Buffer): AttachmentMediaType | undefined {
  return TYPES.find((t) => content.length >= t.magic.length && content.subarray(0, t.magic.length).equals(t.magic))?.type;
}

/**
 * A file name as kept and offered back: the last path segment, no control characters, at most
 * 200 characters, ending as its content is (a PNG named 报告.pdf becomes 报告.png; 报告.doc that is
 * a PDF becomes 报告.doc.pdf).
 */
export function attachmentFileName(given: string, type: AttachmentMediaType): string {
  const spec = TYPES.find((t) => t.type === type)!;
  // eslint-disable-next-line no-control-regex
  let name = String(given ?? '').split(/[\\/]/).pop()!.replace(/[\u0000-\u001f\u007f"]/g, '').trim();
  const dot = name.lastIndexOf('.');
  const extension = dot > 0 ? name.slice(dot).toLowerCase() : '';
  if (!spec.extensions.includes(extension)) {
    const known = TYPES.some((t) => t.extensions.includes(extension));
    name = (known ? name.slice(0, dot) : name) + spec.extensions[0];
  }
  if (name.length > 200) {
    const ending = name.slice(name.lastIndexOf('.'));
    name = name.slice(0, 200 - ending.length) + ending;
  }
  return name.startsWith('.') ? `附件${name}` : name;
}

/** An attachment as listed (no content). */
export interface LeadAttachment {
  id: string;
  lead_id: string;
  kind: AttachmentKind;
  file_name: string;
  media_type: AttachmentMediaType;
  size_bytes: number;
  sha256: string;
  uploaded_by: string;
  uploaded_by_name: string;
  /** ISO 8601 */
  uploaded_at: string;
}

export interface LeadAttachmentContent extends LeadAttachment {
  content: Buffer;
}

const COLUMNS = `id::text, lead_id::text, kind, file_name, media_type, size_bytes, sha256, uploaded_by::text, uploaded_by_name, uploaded_at`;

const present = (r: Record<string, any>): LeadAttachment => ({
  id: r.id,
  lead_id: r.lead_id,
  kind: r.kind,
  file_name: r.file_name,
  media_type: r.media_type,
  size_bytes: r.size_bytes,
  sha256: r.sha256,
  uploaded_by: r.uploaded_by,
  uploaded_by_name: r.uploaded_by_name,
  uploaded_at: new Date(r.uploaded_at).toISOString(),
});

/** The SQL of `lead_attachments` (owned by the leads library). */
@Injectable()
export class LeadAttachmentRepository {
  constructor(private readonly dataSource: DataSource) {}

  count(em: EntityManager, leadId: string): Promise<number> {
    return em.query(`SELECT count(*)::int AS n FROM lead_attachments WHERE lead_id = $1`, [leadId]).then((rows: { n: number }[]) => rows[0].n);
  }

  async insert(em: EntityManager, row: Omit<LeadAttachment, 'id' | 'uploaded_at'> & { content: Buffer; uploaded_at: Date }): Promise<LeadAttachment> {
    const [stored] = await em.query(
      `INSERT INTO lead_attachments (lead_id, kind, file_name, media_type, size_bytes, sha256, content, uploaded_by, uploaded_by_name, uploaded_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING ${COLUMNS}`,
      [row.lead_id, row.kind, row.file_name, row.media_type, row.size_bytes, row.sha256, row.content, row.uploaded_by, row.uploaded_by_name, row.uploaded_at],
    );
    return present(stored);
  }

  /** The attachments of a lead in the actor's scope, oldest first (none for a lead outside it). */
  async list(leadId: string): Promise<LeadAttachment[]> {
    const rows = await this.dataSource.query(
      `SELECT ${COLUMNS.split(', ').map((c) => `a.${c}`).join(', ')} FROM lead_attachments a JOIN leads l ON l.id = a.lead_id
       WHERE a.lead_id = $1 AND ${scopeSql('l.region_code')} ORDER BY a.id`,
      [leadId],
    );
    return rows.map(present);
  }

  /** One attachment with its content, if its lead is in the actor's scope. */
  async withContent(leadId: string, attachmentId: string): Promise<(LeadAttachmentContent & { region_code: string }) | undefined> {
    const [row] = await this.dataSource.query(
      `SELECT ${COLUMNS.split(', ').map((c) => `a.${c}`).join(', ')}, a.content, l.region_code FROM lead_attachments a JOIN leads l ON l.id = a.lead_id
       WHERE a.id = $1 AND a.lead_id = $2 AND ${scopeSql('l.region_code')}`,
      [attachmentId, leadId],
    );
    return row ? { ...present(row), content: row.content, region_code: row.region_code } : undefined;
  }
}

export class AttachToLeadCommand {
  constructor(
    readonly leadId: string,
    readonly kind: string,
    /** The name the file had on the uploader's computer. */
    readonly fileName: string,
    readonly content: Buffer,
  ) {}
}

const ID = /^\d{1,18}$/;
const noLead = (id: string) => new NotFoundError(`线索 ${id} 不存在 (no such lead)`);

/**
 * Stores an attachment with a lead in the actor's scope: kind, size and type (by content) are
 * checked first, then the attachment and its audit event are written in one transaction, so a
 * refused or failed upload leaves nothing behind.
 */
@Injectable()
export class AttachToLead {
  constructor(
    private readonly dataSource: DataSource,
    private readonly leads: LeadRepository,
    private readonly attachments: LeadAttachmentRepository,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
  ) {}

  async execute(c: AttachToLeadCommand): Promise<LeadAttachment> {
    if (!ID.test(c.leadId)) throw noLead(c.leadId);
    const shown = String(c.fileName ?? '').slice(0, 100) || '（无文件名）';
    if (!ATTACHMENT_KINDS.includes(c.kind as AttachmentKind)) {
      throw new InputError(`附件类型应为 ${ATTACHMENT_KINDS.map((k) => `${k}（${ATTACHMENT_KIND_LABELS[k]}）`).join('、')}，收到 "${String(c.kind).slice(0, 40)}"`, { column: 'kind', value: String(c.kind).slice(0, 40), expected: ATTACHMENT_KINDS.join(' | ') });
    }
    if (!c.content?.length) throw new InputError(`文件「${shown}」是空的：应为 ${ACCEPTED} 文件`, { file: shown, column: 'file', expected: `${ACCEPTED}, 1 byte – 10 MiB` });
    if (c.content.length > ATTACHMENT_MAX_BYTES) {
      throw new InputError(attachmentTooLarge(shown), { file: shown, column: 'file', expected: `≤ ${ATTACHMENT_MAX_BYTES} bytes` });
    }
    const type = sniffAttachmentType(c.content);
    if (!type) {
      throw new InputError(`文件「${shown}」的内容不是 ${ACCEPTED}：附件只收 PDF 文件和 PNG、JPEG 图片（按文件内容判断，不看扩展名）`, { file: shown, column: 'file', expected: ACCEPTED });
    }
    const actor = ActorContext.current();
    if (!ID.test(actor.userId)) throw new InputError('附件只能由登录的用户上传', { column: 'file' });
    return this.dataSource.transaction(async (em) => {
      const lead = await this.leads.lockInScope(em, c.leadId);
      if (!lead) throw noLead(c.leadId);
      if ((await this.attachments.count(em, lead.id)) >= ATTACHMENTS_PER_LEAD) {
        throw new InputError(`线索 ${lead.id} 已有 ${ATTACHMENTS_PER_LEAD} 个附件，不能再上传「${shown}」`, { file: shown, column: 'file', expected: `≤ ${ATTACHMENTS_PER_LEAD} attachments a lead` });
      }
      const now = this.clock.now();
      const stored = await this.attachments.insert(em, {
        lead_id: lead.id,
        kind: c.kind as AttachmentKind,
        file_name: attachmentFileName(c.fileName, type),
        media_type: type,
        size_bytes: c.content.length,
        sha256: createHash('sha256').update(c.content).digest('hex'),
        content: c.content,
        uploaded_by: actor.userId,
        uploaded_by_name: actor.username,
        uploaded_at: now,
      });
      await this.audit.append(
        em,
        {
          action: 'lead.attach',
          subjectType: 'lead',
          subjectId: lead.id,
          regionCode: lead.region_code,
          data: { attachmentId: stored.id, kind: stored.kind, fileName: stored.file_name, mediaType: type, size: stored.size_bytes, sha256: stored.sha256 },
        },
        undefined,
        now,
      );
      return stored;
    });
  }
}

/** The message for a file over the limit (also what the HTTP upload answers before storing anything). */
export function attachmentTooLarge(fileName: string): string {
  return `文件「${fileName}」超过 ${ATTACHMENT_MAX_BYTES / 1024 / 1024} MB：附件最大 ${ATTACHMENT_MAX_BYTES / 1024 / 1024} MB，请压缩或分成几个文件上传`;
}

/** The attachments of a lead in the actor's scope (404 for a lead outside it). */
@Injectable()
export class ListLeadAttachments {
  constructor(
    private readonly leads: LeadRepository,
    private readonly attachments: LeadAttachmentRepository,
  ) {}

  async execute(leadId: string): Promise<LeadAttachment[]> {
    if (!ID.test(leadId) || !(await this.leads.isVisible(leadId))) throw noLead(leadId);
    return this.attachments.list(leadId);
  }
}

/** One attachment's content, for a download; each download is an audited event of the lead. */
@Injectable()
export class ReadLeadAttachment {
  constructor(
    private readonly attachments: LeadAttachmentRepository,
    private readonly audit: AuditLog,
  ) {}

  async execute(leadId: string, attachmentId: string): Promise<LeadAttachmentContent> {
    const found = ID.test(leadId) && ID.test(attachmentId) ? await this.attachments.withContent(leadId, attachmentId) : undefined;
    if (!found) throw new NotFoundError(`线索 ${leadId} 没有附件 ${attachmentId} (no such attachment)`);
    const { region_code, ...attachment } = found;
    await this.audit.record({ action: 'lead.attachment-download', subjectType: 'lead', subjectId: leadId, regionCode: region_code, data: { attachmentId, fileName: attachment.file_name } });
    return attachment;
  }
}
