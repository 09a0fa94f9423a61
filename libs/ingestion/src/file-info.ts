import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { InputError } from '@sunlight/common';

/** sha-256 of a file, streamed: the same bytes are the same import. */
export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file, { highWaterMark: 1024 * 1024 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** A file to import, looked at once: where it is, what it is called, its format and size. */
export interface InputFile {
  path: string;
  /** How the uploader calls it (for messages). */
  name: string;
  format: 'csv' | 'xlsx';
  size: number;
}

export async function inspectFile(path: string, name: string): Promise<InputFile> {
  const format = await detectFormat(path, name);
  return { path, name, format, size: (await stat(path)).size };
}

export const unreadableFile = (displayName: string) => new InputError(`${displayName}: 文件不存在或无法读取 (cannot read the file)`, { file: displayName });

/** What a file's name says it is, for the record of one that turned out to be no table. */
export const formatByName = (name: string): 'csv' | 'xlsx' => (/\.xlsx?$/i.test(name) ? 'xlsx' : 'csv');

/** CSV or XLSX, by content (an XLSX file is a zip archive), whatever the file is called. */
export async function detectFormat(file: string, displayName: string): Promise<'csv' | 'xlsx'> {
  let size: number;
  try {
    size = (await stat(file)).size;
  } catch {
    throw unreadableFile(displayName);
  }
  if (size === 0) throw new InputError(`${displayName}: 文件为空 (the file is empty)`, { file: displayName, row: 1, expected: 'a header row' });
  const handle = await open(file, 'r');
  try {
    const head = Buffer.alloc(Math.min(size, 4096));
    await handle.read(head, 0, head.length, 0);
    if (head.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]))) return 'xlsx';
    if (head.subarray(0, 4).equals(Buffer.from([0xd0, 0xcf, 0x11, 0xe0]))) {
      throw new InputError(`${displayName}: 这是旧版 Excel (.xls) 文件，请另存为 .xlsx 或 CSV UTF-8 后再导入 (legacy .xls is not supported)`, { file: displayName });
    }
    const notTable = notATable(head);
    if (notTable) throw new InputError(`${displayName}: ${notTable}，请上传 .xlsx 工作簿或“CSV UTF-8 (逗号分隔)”文件 (not a CSV or XLSX file)`, { file: displayName, expected: 'CSV (UTF-8) 或 XLSX' });
    return 'csv';
  } finally {
    await handle.close();
  }
}

/** What a file that cannot be a table is, by its first bytes; null for anything that may be text. */
function notATable(head: Buffer): string | null {
  const starts = (...bytes: number[]) => bytes.every((b, i) => head[i] === b);
  if (starts(0xff, 0xfe) || starts(0xfe, 0xff)) return '文件是 UTF-16 编码（Excel 的“Unicode 文本”）';
  if (starts(0x25, 0x50, 0x44, 0x46)) return '这是 PDF 文档，不是表格';
  if (starts(0x89, 0x50, 0x4e, 0x47) || starts(0xff, 0xd8, 0xff) || starts(0x47, 0x49, 0x46, 0x38)) return '这是图片，不是表格';
  if (starts(0x52, 0x61, 0x72, 0x21) || starts(0x37, 0x7a, 0xbc, 0xaf) || starts(0x1f, 0x8b)) return '这是压缩包，不是表格';
  if (head.includes(0)) return '这是二进制文件，不是文本表格';
  return null;
}
