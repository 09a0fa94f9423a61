import { ApiProperty } from '@nestjs/swagger';
import { ATTACHMENT_KINDS, CARD_LABELS, LEAD_ACTIONS, NOTICE_KINDS, SEVERITY_LABELS, STATUS_LABELS, STEP_ACTIONS } from '@sunlight/leads';

// What the leads and notices routes answer, for the OpenAPI document the console's typed client
// is generated from: a field renamed in a use case must be renamed here, or the console's build
// (and the contract test) breaks. ID numbers and accounts are masked on the way out.

const STATUSES = Object.keys(STATUS_LABELS);
const CARDS = Object.keys(CARD_LABELS);
const SEVERITIES = Object.keys(SEVERITY_LABELS);
const COUNTS = { type: 'object', additionalProperties: { type: 'integer' } } as const;
const ANY_OBJECT = { type: 'object', additionalProperties: true } as const;
const YUAN = '金额（元，两位小数的文本，如 "6201.54"）';

export class LeadQueueItemDto {
  @ApiProperty({ description: '线索编号' }) id: string;
  @ApiProperty({ description: '规则代码 R01…R12（labels.rule）', example: 'R01' }) rule: string;
  @ApiProperty({ enum: SEVERITIES }) severity: string;
  @ApiProperty({ enum: STATUSES }) status: string;
  @ApiProperty({ type: String, nullable: true, enum: ['confirmed', 'dismissed'] }) verdict: string | null;
  @ApiProperty({ type: String, nullable: true, enum: ['dismissed', 'rectified', 'withdrawn'] }) outcome: string | null;
  @ApiProperty({ type: String, nullable: true, description: '身份证号（打码）' }) id_number: string | null;
  @ApiProperty({ type: String, nullable: true }) name: string | null;
  @ApiProperty({ type: String, nullable: true, description: '资金项目代码（labels.program）' }) program_code: string | null;
  @ApiProperty({ type: String, nullable: true }) period: string | null;
  @ApiProperty({ type: String, nullable: true, description: '银行账号（打码）' }) bank_account: string | null;
  @ApiProperty() region_code: string;
  @ApiProperty({ description: `涉及金额，${YUAN}` }) amount_at_risk: string;
  @ApiProperty({ type: String, nullable: true, description: `查实金额，${YUAN}` }) amount_confirmed: string | null;
  @ApiProperty({ description: `已追回金额，${YUAN}` }) amount_recovered: string;
  @ApiProperty({ type: 'integer' }) evidence_count: number;
  @ApiProperty({ type: String, nullable: true, enum: CARDS }) card: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) card_since: string | null;
  @ApiProperty({ type: String, format: 'date', nullable: true, description: '当前步骤的期限' }) due_on: string | null;
  @ApiProperty({ type: String, nullable: true, enum: ['verify', 'dispose', 'rectify', 'close'] }) deadline_step: string | null;
  @ApiProperty({ type: String, nullable: true }) assignee_id: string | null;
  @ApiProperty({ type: String, nullable: true }) assignee_name: string | null;
  @ApiProperty({ type: [String] }) disposals: string[];
  @ApiProperty() explanation: string;
  @ApiProperty({ type: String, nullable: true }) repeat_of: string | null;
  @ApiProperty({ type: String, nullable: true }) repeat_rule: string | null;
  @ApiProperty({ type: String, format: 'date-time' }) created_at: string;
  @ApiProperty({ enum: STEP_ACTIONS, isArray: true, description: '现在可以执行的步骤（labels.action）' }) allowed_actions: string[];
}

export class LeadPageResponseDto {
  @ApiProperty({ type: [LeadQueueItemDto] }) items: LeadQueueItemDto[];
  @ApiProperty({ type: String, nullable: true, description: '下一页的 cursor；最后一页为 null' }) next: string | null;
}

export class LeadFacetsDto {
  @ApiProperty({ type: 'integer', description: '符合筛选条件的线索总数' }) total: number;
  @ApiProperty({ ...COUNTS, description: '按状态计数' }) status: Record<string, number>;
  @ApiProperty({ ...COUNTS, description: '按规则计数' }) rule: Record<string, number>;
  @ApiProperty({ ...COUNTS, description: '按预警牌计数（none 为无牌）' }) card: Record<string, number>;
  @ApiProperty({ ...COUNTS, description: '按严重程度计数' }) severity: Record<string, number>;
}

export class EvidencePaymentDto {
  @ApiProperty({ type: 'integer' }) batch_id: number;
  @ApiProperty({ type: 'integer', description: '文件中的行号' }) row: number;
  @ApiProperty() region_code: string;
  @ApiProperty() program_code: string;
  @ApiProperty({ description: '发放期间 YYYY-MM' }) period: string;
  @ApiProperty({ description: '身份证号（打码）' }) id_number: string;
  @ApiProperty() name: string;
  @ApiProperty({ type: String, nullable: true }) household_id: string | null;
  @ApiProperty({ description: `发放金额，${YUAN}` }) amount: string;
  @ApiProperty({ type: String, nullable: true, description: '银行账号（打码）' }) bank_account: string | null;
  @ApiProperty({ type: String, nullable: true }) account_holder: string | null;
  @ApiProperty({ type: String, format: 'date' }) paid_on: string;
}

export class MissedMonthDto {
  @ApiProperty({ description: '应发未发的月份 YYYY-MM', example: '2024-04' }) month: string;
  @ApiProperty({ description: `该月应发金额（发现时的项目标准），${YUAN}` }) amount: string;
}

export class LeadEvidenceDto {
  @ApiProperty({ type: [EvidencePaymentDto] }) payments: EvidencePaymentDto[];
  @ApiProperty({ type: [MissedMonthDto], description: '应享未享（R13）：未领取的月份；其他规则为空' }) missed_months: MissedMonthDto[];
  @ApiProperty({ type: [MissedMonthDto], description: '应享未享（R13）：曾判为未领取、其后批次已发放而撤回的月份（不计入涉及金额）' }) withdrawn_months: MissedMonthDto[];
  @ApiProperty({ type: 'array', items: ANY_OBJECT, description: '比对库事实的原始记录（页面用 registry_facts）' }) facts: Record<string, unknown>[];
}

export class FactFieldDto {
  @ApiProperty({ description: '字段代码', example: 'death_date' }) key: string;
  @ApiProperty({ description: '字段的中文名', example: '死亡日期' }) label: string;
  @ApiProperty({ description: '值（文本；缺失为 —）', example: '2024-02-10' }) value: string;
}

export class ReadableFactDto {
  @ApiProperty({ type: String, nullable: true, description: '比对库（labels.registry），规则自行计算的依据为 null' }) registry: string | null;
  @ApiProperty({ example: '死亡人员' }) title: string;
  @ApiProperty({ type: [FactFieldDto] }) fields: FactFieldDto[];
}

export class LeadHistoryEntryDto {
  @ApiProperty() id: string;
  @ApiProperty({ description: '事件代码（labels.event），如 lead.assign', example: 'lead.assign' }) action: string;
  @ApiProperty({ type: String, nullable: true, enum: LEAD_ACTIONS, description: '处置步骤（labels.action）；非步骤的事件为 null' }) step: string | null;
  @ApiProperty({ type: String, format: 'date-time', description: 'ISO 8601；页面按 Asia/Shanghai 显示' }) at: string;
  @ApiProperty() actorId: string;
  @ApiProperty({ description: '用户名（system 为系统）' }) actorName: string;
  @ApiProperty({ description: '姓名（未设姓名时为用户名）', example: '宋子' }) actorDisplayName: string;
  @ApiProperty({ description: '角色（labels.role），或 system' }) actorRole: string;
  @ApiProperty({ type: String, nullable: true }) reason: string | null;
  @ApiProperty({ ...ANY_OBJECT, description: '本步记录的内容：from、to、finding、amountConfirmed、disposals、assignee、attachments 等' }) data: Record<string, unknown>;
}

export class LeadTriageDto {
  @ApiProperty({ type: String, nullable: true }) assignee_id: string | null;
  @ApiProperty({ type: String, nullable: true }) assignee_name: string | null;
  @ApiProperty({ type: String, nullable: true }) deadline_step: string | null;
  @ApiProperty({ type: String, nullable: true, enum: ['confirmed', 'dismissed'] }) verdict: string | null;
  @ApiProperty({ type: String, nullable: true }) finding: string | null;
  @ApiProperty({ type: String, nullable: true, description: `查实金额，${YUAN}` }) amount_confirmed: string | null;
  @ApiProperty({ description: `已追回金额，${YUAN}` }) amount_recovered: string;
  @ApiProperty({ type: [String] }) disposals: string[];
  @ApiProperty({ enum: STEP_ACTIONS, isArray: true }) allowed_actions: string[];
}

export class LeadAttachmentDto {
  @ApiProperty() id: string;
  @ApiProperty() lead_id: string;
  @ApiProperty({ enum: ATTACHMENT_KINDS, description: '附件类型（labels.attachmentKind）' }) kind: string;
  @ApiProperty({ example: '谈话记录.pdf' }) file_name: string;
  @ApiProperty({ enum: ['application/pdf', 'image/png', 'image/jpeg'], description: '按文件内容判断的类型' }) media_type: string;
  @ApiProperty({ type: 'integer' }) size_bytes: number;
  @ApiProperty() sha256: string;
  @ApiProperty() uploaded_by: string;
  @ApiProperty() uploaded_by_name: string;
  @ApiProperty({ type: String, format: 'date-time' }) uploaded_at: string;
}

/** A lead with its evidence, as the export and the reveal give it. */
export class LeadRecordDto {
  @ApiProperty({ type: 'integer' }) id: number;
  @ApiProperty() rule: string;
  @ApiProperty({ type: 'integer' }) rule_version: number;
  @ApiProperty({ enum: SEVERITIES }) severity: string;
  @ApiProperty({ enum: STATUSES }) status: string;
  @ApiProperty({ type: String, nullable: true }) outcome: string | null;
  @ApiProperty({ type: String, nullable: true, description: '身份证号（打码；查看完整信息时为全文）' }) id_number: string | null;
  @ApiProperty({ type: String, nullable: true }) name: string | null;
  @ApiProperty({ type: String, nullable: true }) program_code: string | null;
  @ApiProperty({ type: String, nullable: true }) period: string | null;
  @ApiProperty({ type: String, nullable: true, description: '银行账号（打码；查看完整信息时为全文）' }) bank_account: string | null;
  @ApiProperty() region_code: string;
  @ApiProperty({ description: `涉及金额，${YUAN}` }) amount_at_risk: string;
  @ApiProperty({ type: 'integer' }) evidence_count: number;
  @ApiProperty({ type: 'integer', description: '查否后又出现的证据' }) late_evidence_count: number;
  @ApiProperty({ type: LeadEvidenceDto }) evidence: LeadEvidenceDto;
  @ApiProperty({ type: 'integer', nullable: true }) repeat_of: number | null;
  @ApiProperty({ type: String, nullable: true }) repeat_rule: string | null;
  @ApiProperty({ type: String, nullable: true, enum: CARDS }) card: string | null;
  @ApiProperty({ type: String, format: 'date', nullable: true }) due_on: string | null;
  @ApiProperty() explanation: string;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' }, description: '发现线索时各比对库的导入编号' }) registry_snapshot: Record<string, string>;
  @ApiProperty({ type: String, format: 'date-time' }) created_at: string;
  @ApiProperty({ type: String, format: 'date-time' }) updated_at: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) closed_at: string | null;
  @ApiProperty({ type: [ReadableFactDto], description: '比对库事实，字段为中文名' }) registry_facts: ReadableFactDto[];
}

export class LeadDetailDto extends LeadRecordDto {
  @ApiProperty({ type: [LeadHistoryEntryDto], description: '处置记录，最早在前' }) history: LeadHistoryEntryDto[];
  @ApiProperty({ type: LeadTriageDto }) triage: LeadTriageDto;
  @ApiProperty({ type: [LeadAttachmentDto] }) attachments: LeadAttachmentDto[];
}

export class LeadStateDto {
  @ApiProperty() id: string;
  @ApiProperty({ enum: STATUSES }) status: string;
  @ApiProperty({ type: String, nullable: true }) outcome: string | null;
  @ApiProperty({ type: String, nullable: true }) verdict: string | null;
  @ApiProperty({ type: String, nullable: true, enum: CARDS }) card: string | null;
  @ApiProperty({ type: String, nullable: true }) deadline_step: string | null;
  @ApiProperty({ type: String, format: 'date', nullable: true }) due_on: string | null;
  @ApiProperty({ type: String, nullable: true }) assignee_id: string | null;
  @ApiProperty({ type: String, nullable: true }) assignee_name: string | null;
  @ApiProperty({ type: String, nullable: true }) finding: string | null;
  @ApiProperty({ type: String, nullable: true, description: `查实金额，${YUAN}` }) amount_confirmed: string | null;
  @ApiProperty({ description: `已追回金额，${YUAN}` }) amount_recovered: string;
  @ApiProperty({ type: [String] }) disposals: string[];
  @ApiProperty({ enum: STEP_ACTIONS, isArray: true }) allowed_actions: string[];
}

export class BulkResultDto {
  @ApiProperty({ type: 'integer' }) count: number;
  @ApiProperty({ type: [LeadStateDto] }) leads: LeadStateDto[];
}

export class AssignableInspectorDto {
  @ApiProperty() id: string;
  @ApiProperty() username: string;
  @ApiProperty({ description: '姓名（未设时为用户名）' }) displayName: string;
  @ApiProperty({ description: "所在辖区（'' 为全国）" }) regionCode: string;
}

export class ScopeInspectorDto extends AssignableInspectorDto {
  @ApiProperty({ description: '是否在岗（停用的人员仍可能持有线索）' }) active: boolean;
}

export class NoticeDto {
  @ApiProperty() id: string;
  @ApiProperty({ enum: Object.keys(NOTICE_KINDS) }) kind: string;
  @ApiProperty({ example: '预警通知书' }) title: string;
  @ApiProperty({ example: '松滋市纪预〔2026〕3号' }) number: string;
  @ApiProperty() region_code: string;
  @ApiProperty({ type: 'integer' }) year: number;
  @ApiProperty({ type: 'integer' }) seq: number;
  @ApiProperty() recipient: string;
  @ApiProperty() subject: string;
  @ApiProperty() body: string;
  @ApiProperty({ type: [String] }) lead_ids: string[];
  @ApiProperty({ example: '松滋市纪委监委' }) issued_by: string;
  @ApiProperty({ type: String, format: 'date-time' }) issued_at: string;
  @ApiProperty({ type: String, format: 'date' }) due_on: string;
  @ApiProperty({ enum: ['issued', 'answered'] }) status: string;
  @ApiProperty() overdue: boolean;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) answered_at: string | null;
  @ApiProperty({ type: String, nullable: true }) answer: string | null;
}
