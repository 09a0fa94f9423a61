import { ApiProperty } from '@nestjs/swagger';
import { IMPORT_PHASE_LABELS, REGISTRY_KINDS, type BatchStatus, type ImportPhase, type RegistryKind } from '@sunlight/ingestion';

// The answers of the batch and registry routes, as OpenAPI declares them: the console's typed
// client is generated from these, so a renamed field breaks its build. Names of statuses, kinds
// and phases come from GET /api/labels.

const STATUSES: BatchStatus[] = ['pending', 'importing', 'stored', 'rejected', 'failed'];
const PHASES = Object.keys(IMPORT_PHASE_LABELS) as ImportPhase[];
const ID = { description: '编号 (a bigint, as text)', example: '42' };
const COUNT = { type: 'integer', minimum: 0 } as const;

export class ImportProgressDto {
  @ApiProperty({ enum: PHASES, enumName: 'ImportPhase', description: '当前阶段（名称见 /api/labels 的 importPhase）' }) phase: ImportPhase;
  @ApiProperty({ ...COUNT, required: false, description: '已处理的行数' }) rows?: number;
  @ApiProperty({ type: 'integer', minimum: 0, maximum: 100, required: false, description: '已读取文件的百分比' }) percent?: number;
}

export class BatchDto {
  @ApiProperty(ID) id: string;
  @ApiProperty({ description: '上传时的文件名' }) file_name: string;
  @ApiProperty({ description: '文件的 SHA-256（相同文件只入库一次）' }) file_sha256: string;
  @ApiProperty({ enum: ['csv', 'xlsx'] }) format: 'csv' | 'xlsx';
  @ApiProperty({ description: '批次的行政区划（入库后为各行区划的共同前缀）' }) region_code: string;
  @ApiProperty({ description: '上传单位的辖区' }) uploader_region: string;
  @ApiProperty({ description: '上传人（用户名）' }) uploaded_by: string;
  @ApiProperty({ description: '只入库合格的行' }) allow_partial: boolean;
  @ApiProperty({ enum: STATUSES, enumName: 'BatchStatus', description: '状态（名称见 /api/labels 的 batchStatus）' }) status: BatchStatus;
  @ApiProperty({ ...COUNT, description: '数据行数' }) total_rows: number;
  @ApiProperty({ ...COUNT, description: '入库行数' }) accepted_rows: number;
  @ApiProperty({ ...COUNT, description: '拒收行数' }) rejected_rows: number;
  @ApiProperty({ type: String, nullable: true, description: '整批拒收或失败的原因' }) error: string | null;
  @ApiProperty({ type: ImportProgressDto, nullable: true, description: '导入中的进度，结束后为 null' }) progress: ImportProgressDto | null;
  @ApiProperty({ type: String, format: 'date-time', description: '上传时间' }) created_at: Date;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: '结束时间' }) finished_at: Date | null;
}

export class BatchPageDto {
  @ApiProperty({ type: [BatchDto], description: '新的在前' }) items: BatchDto[];
  @ApiProperty({ type: String, nullable: true, description: '下一页的 before；最后一页为 null' }) next: string | null;
}

export class BatchAcceptedDto {
  @ApiProperty(ID) batchId: string;
  @ApiProperty({ enum: ['pending', 'stored'], description: 'pending：排队导入；stored：相同文件已入库（见 duplicateOf）' }) status: 'pending' | 'stored';
  @ApiProperty({ type: String, nullable: true, description: '已入库的相同文件的批次号' }) duplicateOf: string | null;
}

export class RejectionDto {
  @ApiProperty({ type: 'integer', description: '文件中的行号（表头为第 1 行）' }) row: number;
  @ApiProperty({ type: String, nullable: true, description: '列名；整行的问题为 null' }) column: string | null;
  @ApiProperty({ type: String, nullable: true, description: '单元格的值（身份证号、账号已打码）' }) value: string | null;
  @ApiProperty({ description: '原因' }) reason: string;
}

export class RejectionPageDto {
  @ApiProperty({ type: [RejectionDto], description: '按行号，每行的全部问题' }) items: RejectionDto[];
  @ApiProperty({ ...COUNT, description: '被拒收的文件行数' }) total: number;
  @ApiProperty({ type: 'integer', nullable: true, description: '下一页的 after；最后一页为 null' }) next: number | null;
}

export class RegistryImportDto {
  @ApiProperty(ID) id: string;
  @ApiProperty({ enum: REGISTRY_KINDS, enumName: 'RegistryKind', description: '比对库（名称见 /api/labels 的 registry）' }) kind: RegistryKind;
  @ApiProperty() file_name: string;
  @ApiProperty() file_sha256: string;
  @ApiProperty({ description: '替换了整个比对库（否则按自然键合并）' }) replace: boolean;
  @ApiProperty({ description: '导入人（用户名）' }) imported_by: string;
  @ApiProperty() allow_partial: boolean;
  @ApiProperty({ enum: STATUSES, enumName: 'BatchStatus' }) status: BatchStatus;
  @ApiProperty(COUNT) total_rows: number;
  @ApiProperty(COUNT) accepted_rows: number;
  @ApiProperty(COUNT) rejected_rows: number;
  @ApiProperty({ type: String, nullable: true }) error: string | null;
  @ApiProperty({ type: String, format: 'date-time' }) created_at: Date;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) finished_at: Date | null;
}

export class RegistryImportPageDto {
  @ApiProperty({ type: [RegistryImportDto], description: '新的在前' }) items: RegistryImportDto[];
  @ApiProperty({ type: String, nullable: true, description: '下一页的 before；最后一页为 null' }) next: string | null;
}

export class RegistryAcceptedDto {
  @ApiProperty(ID) importId: string;
  @ApiProperty({ enum: REGISTRY_KINDS, enumName: 'RegistryKind' }) kind: RegistryKind;
  @ApiProperty({ enum: ['pending'] }) status: 'pending';
}

const LEAD_STATUSES = ['new', 'assigned', 'verifying', 'dismissed', 'confirmed', 'disposed', 'rectifying', 'rectified', 'closed'];

/** A lead raised from the uploader's own batches: read-only, masked, without triage internals. */
export class LeadOfBatchDto {
  @ApiProperty(ID) id: string;
  @ApiProperty({ description: '比对规则（名称见 /api/labels 的 rule）', example: 'R01' }) rule: string;
  @ApiProperty({ enum: ['low', 'medium', 'high'], description: '严重程度（名称见 severity）' }) severity: 'low' | 'medium' | 'high';
  @ApiProperty({ enum: LEAD_STATUSES, description: '处置状态（名称见 status）' }) status: string;
  @ApiProperty({ enum: ['dismissed', 'rectified', 'withdrawn'], nullable: true, description: '销号结果（名称见 outcome）' }) outcome: string | null;
  @ApiProperty({ type: String, nullable: true, description: '姓名' }) name: string | null;
  @ApiProperty({ type: String, nullable: true, description: '身份证号（打码）' }) id_number: string | null;
  @ApiProperty({ type: String, nullable: true, description: '资金项目（名称见 program）' }) program_code: string | null;
  @ApiProperty({ type: String, nullable: true, description: '发放期间 YYYY-MM' }) period: string | null;
  @ApiProperty({ description: '行政区划代码' }) region_code: string;
  @ApiProperty({ description: '涉及金额（分，整数文本）', example: '65000' }) amount_at_risk_fen: string;
  @ApiProperty({ ...COUNT, description: '证据（发放记录）条数' }) evidence_count: number;
  @ApiProperty({ description: '发现的问题（身份证号、账号已打码）' }) explanation: string;
  @ApiProperty({ type: [String], description: '证据所在的本人上传批次' }) batch_ids: string[];
  @ApiProperty({ type: String, format: 'date-time', description: '发现时间' }) created_at: Date;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: '销号时间' }) closed_at: Date | null;
}

export class LeadOfBatchPageDto {
  @ApiProperty({ type: [LeadOfBatchDto], description: '新的在前' }) items: LeadOfBatchDto[];
  @ApiProperty({ ...COUNT, description: '符合条件的线索数' }) total: number;
  @ApiProperty({ type: String, nullable: true, description: '下一页的 before；最后一页为 null' }) next: string | null;
}
