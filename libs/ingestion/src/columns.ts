import type { RegistryKind } from './types.js';

/** What a column's cells must look like; each kind has its SQL checks in validation-sql.ts. */
export type CellType =
  | 'text'
  | 'region' // 6- or 9-digit region code, known, inside the uploader's region
  | 'any-region' // 6- or 9-digit region code, known (registries have no uploader region)
  | 'program'
  | 'month'
  | 'id_number'
  | 'amount'
  | 'bank_account'
  | 'date';

export interface ColumnSpec {
  /** English header and canonical name. */
  name: string;
  /** Chinese header. */
  zh: string;
  required: boolean;
  type: CellType;
}

/** 发放明细 (CONTRACT §3.1). */
export const BATCH_COLUMNS: ColumnSpec[] = [
  { name: 'region_code', zh: '行政区划代码', required: true, type: 'region' },
  { name: 'program_code', zh: '项目代码', required: true, type: 'program' },
  { name: 'period', zh: '发放期间', required: true, type: 'month' },
  { name: 'id_number', zh: '身份证号', required: true, type: 'id_number' },
  { name: 'name', zh: '姓名', required: true, type: 'text' },
  { name: 'household_id', zh: '户编号', required: false, type: 'text' },
  { name: 'amount', zh: '发放金额', required: true, type: 'amount' },
  { name: 'bank_account', zh: '银行账号', required: false, type: 'bank_account' },
  { name: 'account_holder', zh: '账户名', required: false, type: 'text' },
  { name: 'paid_on', zh: '发放日期', required: true, type: 'date' },
  { name: 'payer', zh: '发放单位', required: false, type: 'text' },
];

/**
 * Identifier columns: long digit strings that only look like numbers. Excel keeps 15 significant
 * digits of a numeric cell, so an 18-digit ID number or a 19-digit card number typed into a
 * number-formatted column has already lost its last digits; such cells are rejected
 * (CONTRACT §3.1), in batches and registries alike.
 */
export const IDENTIFIER_COLUMNS: ReadonlySet<string> = new Set(['id_number', 'bank_account', 'household_id']);

export const isIdentifier = (spec: Pick<ColumnSpec, 'name'>): boolean => IDENTIFIER_COLUMNS.has(spec.name);

const id = (required = true): ColumnSpec => ({ name: 'id_number', zh: '身份证号', required, type: 'id_number' });
const text = (name: string, zh: string, required = false): ColumnSpec => ({ name, zh, required, type: 'text' });
const date = (name: string, zh: string, required: boolean): ColumnSpec => ({ name, zh, required, type: 'date' });

export interface RegistrySpec {
  kind: RegistryKind;
  zh: string;
  table: string;
  columns: ColumnSpec[];
  /** The natural key: rows with the same key are updated by a later import. */
  key: string[];
}

/** 比对库 (CONTRACT §3.2). The key is the required columns. */
export const REGISTRIES: Record<RegistryKind, RegistrySpec> = {
  deceased: {
    kind: 'deceased',
    zh: '死亡人员',
    table: 'reg_deceased',
    columns: [id(), text('name', '姓名'), date('death_date', '死亡日期', true)],
    key: ['id_number', 'death_date'],
  },
  'public-employees': {
    kind: 'public-employees',
    zh: '财政供养人员',
    table: 'reg_public_employees',
    columns: [id(), text('name', '姓名'), text('employer', '工作单位'), date('from_date', '起始日期', true), date('to_date', '终止日期', false)],
    key: ['id_number', 'from_date'],
  },
  'village-officials': {
    kind: 'village-officials',
    zh: '村干部',
    table: 'reg_village_officials',
    columns: [
      id(),
      text('name', '姓名'),
      { name: 'region_code', zh: '行政区划代码', required: true, type: 'any-region' },
      text('role', '职务'),
      text('household_id', '户编号'),
    ],
    key: ['id_number', 'region_code'],
  },
  'household-members': {
    kind: 'household-members',
    zh: '户籍家庭成员',
    table: 'reg_household_members',
    columns: [text('household_id', '户编号', true), id(), text('name', '姓名'), text('relation', '与户主关系')],
    key: ['household_id', 'id_number'],
  },
  vehicles: {
    kind: 'vehicles',
    zh: '车辆登记',
    table: 'reg_vehicles',
    columns: [id(), text('plate_no', '车牌号'), date('registered_on', '登记日期', true), date('deregistered_on', '注销日期', false)],
    key: ['id_number', 'registered_on'],
  },
  businesses: {
    kind: 'businesses',
    zh: '工商登记',
    table: 'reg_businesses',
    columns: [id(), text('company', '企业名称'), date('registered_on', '登记日期', true), date('deregistered_on', '注销日期', false)],
    key: ['id_number', 'registered_on'],
  },
  residents: {
    kind: 'residents',
    zh: '户籍人口',
    table: 'reg_residents',
    columns: [
      id(),
      text('name', '姓名'),
      { name: 'region_code', zh: '行政区划代码', required: true, type: 'any-region' },
      text('household_id', '户编号'),
      date('from_date', '迁入日期', true),
      date('to_date', '迁出日期', false),
    ],
    key: ['id_number', 'region_code', 'from_date'],
  },
};

export const REGISTRY_KINDS = Object.keys(REGISTRIES) as RegistryKind[];

/** "period (发放期间)" */
export function columnLabel(spec: Pick<ColumnSpec, 'name' | 'zh'>): string {
  return `${spec.name} (${spec.zh})`;
}
