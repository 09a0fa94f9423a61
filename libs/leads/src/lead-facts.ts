import { REGISTRIES, type RegistryKind } from '@sunlight/ingestion';

/** One fact field as people read it: its Chinese name and its value as text. */
export interface FactField {
  /** The key in the stored fact (e.g. `death_date`). */
  key: string;
  label: string;
  value: string;
}

/** One fact behind a lead: which registry said it (if any), and its fields in Chinese. */
export interface ReadableFact {
  /** The registry kind (`deceased` …), null for a fact the rule computed (a cap, an age …). */
  registry: string | null;
  /** 死亡人员, 财政供养人员 … or 比对依据 for a computed fact. */
  title: string;
  fields: FactField[];
}

/**
 * The names of the fact fields the rules compute themselves (libs/rules/src/catalogue): the
 * registries' own columns are named by their specs (libs/ingestion REGISTRIES), once, there.
 */
const COMPUTED: Record<string, string> = {
  import_id: '比对库导入编号',
  official_id_number: '村干部身份证号',
  official_name: '村干部姓名',
  relation: '与村干部的关系',
  program: '资金项目',
  cap: '发放标准上限（元）',
  account_holder: '账户名',
  persons: '收款人数',
  problem: '问题',
  birth_date: '出生日期',
  age: '年龄（岁）',
  range: '项目规定的年龄',
};

function labelOf(key: string, value: unknown, registry: RegistryKind | undefined): string {
  const column = registry ? REGISTRIES[registry].columns.find((c) => c.name === key) : undefined;
  if (column && !(registry === 'village-officials' && key === 'relation')) return column.zh;
  // R08 lists the recipient's households, R09 counts an account's households.
  if (key === 'households') return Array.isArray(value) ? '所在户编号' : '涉及户数';
  return COMPUTED[key] ?? key;
}

/** The registry's columns in their order, then the computed fields, the import last (jsonb keeps no order). */
function rank(key: string, registry: RegistryKind | undefined): number {
  if (key === 'import_id') return 1000;
  const column = registry ? REGISTRIES[registry].columns.findIndex((c) => c.name === key) : -1;
  if (column >= 0) return column;
  const computed = Object.keys(COMPUTED).indexOf(key);
  return computed >= 0 ? 100 + computed : 500;
}

function text(value: unknown): string {
  if (value === null || value === undefined || value === '') return '—';
  if (Array.isArray(value)) return value.map(text).join('、');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** A lead's stored facts (lead_evidence.facts, deduplicated) as fields with Chinese names. */
export function readableFacts(facts: unknown[]): ReadableFact[] {
  return facts
    .filter((f): f is Record<string, unknown> => !!f && typeof f === 'object' && !Array.isArray(f))
    .map((fact) => {
      const kind = typeof fact.registry === 'string' && fact.registry in REGISTRIES ? (fact.registry as RegistryKind) : undefined;
      return {
        registry: kind ?? null,
        title: kind ? REGISTRIES[kind].zh : '比对依据',
        fields: Object.entries(fact)
          .filter(([key]) => key !== 'registry')
          .sort(([a], [b]) => rank(a, kind) - rank(b, kind) || a.localeCompare(b))
          .map(([key, value]) => ({ key, label: labelOf(key, value, kind), value: text(value) })),
      };
    });
}
