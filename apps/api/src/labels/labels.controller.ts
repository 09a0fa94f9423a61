import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { ROLE_LABELS } from '@sunlight/common';
import { DIGEST_FREQUENCY_LABELS, DIGEST_KIND_LABELS, DIGEST_STATUS_LABELS } from '@sunlight/digest';
import { BATCH_STATUS_LABELS, IMPORT_COLUMN_LABELS, IMPORT_PHASE_LABELS, REGISTRIES } from '@sunlight/ingestion';
import { LEAD_LABELS } from '@sunlight/leads';
import { ProgramsService } from '@sunlight/programs';
import { BACKTEST_STAGE_LABELS, BACKTEST_STATUS_LABELS, RULE_CHANGE_STATUS_LABELS, RULE_VERSION_STATE_LABELS, RuleCatalogue } from '@sunlight/rules';
import { Roles } from '../auth/access.js';

const NAMES = { type: 'object', additionalProperties: { type: 'string' } } as const;

/** Every name the console shows for a code, each taken from the library that owns the code. */
export class LabelsDto {
  @ApiProperty({ ...NAMES, description: '线索状态 (lead status → 中文)' }) status: Record<string, string>;
  @ApiProperty({ ...NAMES, description: '处置步骤 (lead action → 中文)' }) action: Record<string, string>;
  @ApiProperty({ ...NAMES, description: '核查结论' }) verdict: Record<string, string>;
  @ApiProperty({ ...NAMES, description: '销号结果' }) outcome: Record<string, string>;
  @ApiProperty({ ...NAMES, description: '处置方式' }) disposal: Record<string, string>;
  @ApiProperty({ ...NAMES, description: '预警牌' }) card: Record<string, string>;
  @ApiProperty({ ...NAMES, description: '处置记录中的事件 (lead.assign → 分派, lead.reveal, lead.attach …)' }) event: Record<string, string>;
  @ApiProperty({ ...NAMES, description: '附件类型 (interview → 谈话记录)' }) attachmentKind: Record<string, string>;
  @ApiProperty({ ...NAMES, description: '三书的种类 (warning → 预警通知书)' }) noticeKind: Record<string, string>;
  @ApiProperty({ ...NAMES, description: '三书的状态 (issued → 待回复)' }) noticeStatus: Record<string, string>;
  @ApiProperty({ ...NAMES, description: '严重程度' }) severity: Record<string, string>;
  @ApiProperty({ ...NAMES, description: '比对规则 (R01 → 已故人员领取)' }) rule: Record<string, string>;
  @ApiProperty({ ...NAMES, description: '规则变更的审批状态 (pending → 待审批)' }) ruleChangeStatus: Record<string, string>;
  @ApiProperty({ ...NAMES, description: '规则版本所处 (live → 现行版本, scheduled → 已批准，待生效)' }) ruleVersionState: Record<string, string>;
  @ApiProperty({ ...NAMES, description: '回测的状态 (running → 进行中)' }) backtestStatus: Record<string, string>;
  @ApiProperty({ ...NAMES, description: '回测进行到哪一步 (hits → 在全部已存数据上运行比对语句…)' }) backtestStage: Record<string, string>;
  @ApiProperty({ ...NAMES, description: '资金项目 (DIBAO → 城乡最低生活保障金)' }) program: Record<string, string>;
  @ApiProperty({ ...NAMES, description: '比对库' }) registry: Record<string, string>;
  @ApiProperty({ ...NAMES, description: '批次状态' }) batchStatus: Record<string, string>;
  @ApiProperty({ ...NAMES, description: '导入阶段 (a running import’s progress.phase)' }) importPhase: Record<string, string>;
  @ApiProperty({ ...NAMES, description: '发放明细和比对库文件的列 (id_number → 身份证号)' }) column: Record<string, string>;
  @ApiProperty({ ...NAMES, description: '角色' }) role: Record<string, string>;
  @ApiProperty({ ...NAMES, description: '摘要种类 (scheduled → 定期摘要)' }) digestKind: Record<string, string>;
  @ApiProperty({ ...NAMES, description: '摘要发送状态 (sent → 已发送)' }) digestStatus: Record<string, string>;
  @ApiProperty({ ...NAMES, description: '摘要频率 (daily → 每天)' }) digestFrequency: Record<string, string>;
}

@ApiTags('labels')
@ApiBearerAuth()
@Controller('api/labels')
export class LabelsController {
  constructor(
    private readonly rules: RuleCatalogue,
    private readonly programs: ProgramsService,
  ) {}

  @Get()
  @Roles('uploader', 'inspector', 'supervisor', 'admin')
  @ApiOkResponse({ type: LabelsDto })
  @ApiOperation({ summary: '代码的中文名称：状态、步骤、规则、项目、预警牌、处置方式、比对库等（页面不自带副本）' })
  @ApiOkResponse({ type: LabelsDto })
  labels(): LabelsDto {
    return {
      ...LEAD_LABELS,
      rule: Object.fromEntries(this.rules.definitions().map((r) => [r.code, r.name.zh])),
      ruleChangeStatus: RULE_CHANGE_STATUS_LABELS,
      ruleVersionState: RULE_VERSION_STATE_LABELS,
      backtestStatus: BACKTEST_STATUS_LABELS,
      backtestStage: BACKTEST_STAGE_LABELS,
      program: Object.fromEntries(this.programs.all().map((p) => [p.code, p.name])),
      registry: Object.fromEntries(Object.values(REGISTRIES).map((r) => [r.kind, r.zh])),
      batchStatus: BATCH_STATUS_LABELS,
      importPhase: IMPORT_PHASE_LABELS,
      column: IMPORT_COLUMN_LABELS,
      role: ROLE_LABELS,
      digestKind: DIGEST_KIND_LABELS,
      digestStatus: DIGEST_STATUS_LABELS,
      digestFrequency: DIGEST_FREQUENCY_LABELS,
    };
  }
}
