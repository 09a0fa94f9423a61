import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { FREQUENCY_LABELS, ProgramsService, type ProgramFrequency } from '@sunlight/programs';
import { AMOUNT_LABELS, RuleCatalogue, type AmountStrategy } from '@sunlight/rules';
import { Roles } from '../auth/access.js';

const SEVERITIES = ['low', 'medium', 'high'] as const;
const STRATEGIES = Object.keys(AMOUNT_LABELS) as AmountStrategy[];
const FREQUENCIES: ProgramFrequency[] = ['monthly', 'yearly', 'one-off'];

export class RuleParameterDto {
  @ApiProperty({ example: 'minIds' }) name: string;
  @ApiProperty({ example: '同一账户收款的身份证号至少（个）' }) label: string;
  @ApiProperty({ description: '现行版本的取值', example: 3 }) value: number;
  @ApiProperty({ description: '规则的默认值', example: 3 }) defaultValue: number;
  @ApiProperty({ enum: ['integer', 'number'], description: '类型：整数或数值' }) type: 'integer' | 'number';
  @ApiProperty({ description: '允许的最小值', example: 2 }) min: number;
  @ApiProperty({ description: '允许的最大值', example: 100 }) max: number;
}

export class RuleDto {
  @ApiProperty({ example: 'R01' }) code: string;
  @ApiProperty({ example: '已故人员领取' }) name: string;
  @ApiProperty({ example: 'deceased recipient' }) nameEn: string;
  @ApiProperty({ description: '现行版本号：线索记录提出它的规则版本（历次版本见 GET /api/rules/{code}/versions）', example: 1 }) version: number;
  @ApiProperty({ enum: SEVERITIES, enumName: 'Severity', description: '严重程度（中文见 /api/labels severity）' }) severity: (typeof SEVERITIES)[number];
  @ApiProperty({ description: '是否启用' }) enabled: boolean;
  @ApiProperty({ enum: STRATEGIES, enumName: 'AmountStrategy', description: '涉及金额的计算方法' }) amount: AmountStrategy;
  @ApiProperty({ example: '证据款项合计' }) amountLabel: string;
  @ApiProperty({ description: '由其他规则的线索触发（R12 应改未改），没有自己的比对语句' }) derived: boolean;
  @ApiProperty({ type: [RuleParameterDto] }) parameters: RuleParameterDto[];
}

export class ProgramDto {
  @ApiProperty({ example: 'DIBAO' }) code: string;
  @ApiProperty({ example: '城乡最低生活保障金' }) name: string;
  @ApiProperty({ enum: FREQUENCIES, enumName: 'ProgramFrequency' }) frequency: ProgramFrequency;
  @ApiProperty({ example: '按月' }) frequencyLabel: string;
  @ApiProperty({ description: '单笔发放标准上限（分，整数字符串）', example: '120000' }) capFen: string;
  @ApiProperty({ description: '家庭经济状况核查：财政供养、有车、有工商登记人员不得领取' }) meansTested: boolean;
  @ApiProperty({ type: Number, nullable: true, description: '年龄下限（周岁，含）' }) minAge: number | null;
  @ApiProperty({ type: Number, nullable: true, description: '年龄上限（周岁，含）' }) maxAge: number | null;
  @ApiProperty({ description: '应享项目：年龄范围内人人应享（R13 应享未享）' }) universal: boolean;
  @ApiProperty({ type: Number, nullable: true, description: '现行版本号（标准、年龄、家计调查、应享的设置）', example: 1 }) version: number | null;
}

/** The rules (their live versions) and programs of this installation, read-only; rule changes are RuleChangesController's. */
@ApiTags('catalogue')
@ApiBearerAuth()
@Controller('api')
@Roles('uploader', 'inspector', 'supervisor', 'admin')
export class CatalogueController {
  constructor(
    private readonly rules: RuleCatalogue,
    private readonly programs: ProgramsService,
  ) {}

  @Get('rules')
  @ApiOperation({ summary: '比对规则的现行版本（只读）：编号、名称、版本、严重程度、是否启用、参数及取值和允许范围' })
  @ApiOkResponse({ type: [RuleDto] })
  async listRules(): Promise<RuleDto[]> {
    return (await this.rules.live()).map((r) => ({
      code: r.code,
      name: r.name.zh,
      nameEn: r.name.en,
      version: r.version,
      severity: r.severity,
      enabled: r.enabled,
      amount: r.amount,
      amountLabel: AMOUNT_LABELS[r.amount],
      derived: !r.sql,
      parameters: Object.entries(r.parameters ?? {}).map(([name, p]) => ({
        name,
        label: p.description,
        value: r.params[name],
        defaultValue: p.default,
        type: p.type,
        min: p.min,
        max: p.max,
      })),
    }));
  }

  @Get('programs')
  @ApiOperation({ summary: '资金项目的现行版本（只读）：代码、名称、发放频次、标准上限（分）、年龄范围、是否家计调查、是否应享' })
  @ApiOkResponse({ type: [ProgramDto] })
  async listPrograms(): Promise<ProgramDto[]> {
    return (await this.programs.live()).map((p) => ({
      code: p.code,
      name: p.name,
      frequency: p.frequency,
      frequencyLabel: FREQUENCY_LABELS[p.frequency],
      capFen: p.capFen.toString(),
      meansTested: p.meansTested,
      minAge: p.minAge,
      maxAge: p.maxAge,
      universal: p.universal,
      version: p.version,
    }));
  }
}
