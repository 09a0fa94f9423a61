import { InputError } from '@sunlight/common';
import type { FileRecord } from './csv-records.js';

export interface XlsxSheet {
  header: string[];
  records: AsyncIterable<FileRecord>;
}

/** XLSX support arrives with the ingestion issue; until then an XLSX file is refused clearly. */
export async function readXlsx(_file: string, displayName: string): Promise<XlsxSheet> {
  throw new InputError(`${displayName}: 暂不支持 XLSX，请另存为 CSV UTF-8 (XLSX is not supported yet)`, { file: displayName });
}
