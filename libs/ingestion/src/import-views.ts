import { BATCH_COLUMNS, REGISTRIES } from './columns.js';
import type { BatchStatus, RegistryKind } from './types.js';

/** What an import is doing while it runs (disbursement_batches.progress); null once it ends. */
export interface ImportProgress {
  phase: ImportPhase;
  rows?: number;
  percent?: number;
}

export type ImportPhase = 'hashing' | 'parsing' | 'loading' | 'validating' | 'indexing';

/** What people call each phase of a running import. */
export const IMPORT_PHASE_LABELS: Record<ImportPhase, string> = {
  hashing: '计算文件校验值',
  parsing: '读取文件',
  loading: '载入数据',
  validating: '逐行校验',
  indexing: '建立索引',
};

/** One disbursement batch as the lists and the detail show it. */
export interface BatchView {
  id: string;
  file_name: string;
  file_sha256: string;
  format: 'csv' | 'xlsx';
  region_code: string;
  uploader_region: string;
  uploaded_by: string;
  allow_partial: boolean;
  status: BatchStatus;
  total_rows: number;
  accepted_rows: number;
  rejected_rows: number;
  error: string | null;
  progress: ImportProgress | null;
  created_at: Date;
  finished_at: Date | null;
}

/** One registry import as the lists and the detail show it. */
export interface RegistryImportView {
  id: string;
  kind: RegistryKind;
  file_name: string;
  file_sha256: string;
  replace: boolean;
  imported_by: string;
  allow_partial: boolean;
  status: BatchStatus;
  total_rows: number;
  accepted_rows: number;
  rejected_rows: number;
  error: string | null;
  created_at: Date;
  finished_at: Date | null;
}

/** A page of a newest-first list; `next` is the `before` of the following page, null on the last. */
export interface ImportPage<T> {
  items: T[];
  next: string | null;
}

export const BATCH_VIEW_COLUMNS = `id::text, file_name, file_sha256, format, region_code, uploader_region, uploaded_by, allow_partial, status, total_rows, accepted_rows, rejected_rows, error, progress, created_at, finished_at`;
export const REGISTRY_IMPORT_VIEW_COLUMNS = `id::text, kind, file_name, file_sha256, replace, imported_by, allow_partial, status, total_rows, accepted_rows, rejected_rows, error, created_at, finished_at`;

/** What people call each column of a batch or registry file (a rejected row names its column by the English name). */
export const IMPORT_COLUMN_LABELS: Record<string, string> = Object.fromEntries(
  [...BATCH_COLUMNS, ...Object.values(REGISTRIES).flatMap((r) => r.columns)].map((c) => [c.name, c.zh]),
);
