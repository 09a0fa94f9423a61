import { ApiProperty } from '@nestjs/swagger';

export class AuditProblemDto {
  @ApiProperty({ description: '事件编号（或检查点文件的行）', example: '42' }) id: string;
  @ApiProperty({ description: '问题（中文）' }) problem: string;
}

export class AuditCheckpointDto {
  @ApiProperty({ example: '1234' }) eventId: string;
  @ApiProperty({ description: '该事件的摘要（64 位十六进制）' }) hash: string;
  @ApiProperty({ format: 'date-time', description: '签署时间' }) at: string;
  @ApiProperty({ description: '检查点签名' }) mac: string;
}

export class AuditCheckpointsDto {
  @ApiProperty({ description: '检查点文件' }) file: string;
  @ApiProperty({ description: '比对过的检查点数（文件中的与给定的）' }) checked: number;
  @ApiProperty({ type: AuditCheckpointDto, nullable: true, description: '文件中最新的签名检查点' }) latest: AuditCheckpointDto | null;
}

/** The answer of GET /api/admin/audit/verify. */
export class AuditVerifyDto {
  @ApiProperty({ description: '审计链完好：没有发现改动、删除或截断' }) ok: boolean;
  @ApiProperty({ description: '校验的事件数' }) events: number;
  @ApiProperty({ description: '最后一个事件的摘要' }) headHash: string;
  @ApiProperty({ description: "最后一个事件的编号，没有事件为 '0'" }) headId: string;
  @ApiProperty({ type: [AuditProblemDto], description: '发现的问题（ok 为 false 时）' }) problems: AuditProblemDto[];
  @ApiProperty({ type: AuditCheckpointsDto }) checkpoints: AuditCheckpointsDto;
  @ApiProperty({ type: [String], description: '提示（不构成篡改证据），如尚无检查点文件' }) notes: string[];
}
