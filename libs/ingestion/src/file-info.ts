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

/** CSV or XLSX, by content (an XLSX file is a zip archive), whatever the file is called. */
export async function detectFormat(file: string, displayName: string): Promise<'csv' | 'xlsx'> {
  let size: number;
  try {
    size = (await stat(file)).size;
  } catch {
    throw new InputError(`${displayName}: 文件不存在或无法读取 (cannot read the file)`, { file: displayName });
  }
  if (size === 0) throw new InputError(`${displayName}: 文件为空 (the file is empty)`, { file: displayName, row: 1, expected: 'a header row' });
  const handle = await open(file, 'r');
  try {
    const head = Buffer.alloc(4);
    await handle.read(head, 0, 4, 0);
    if (head.equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]))) return 'xlsx';
    if (head.subarray(0, 4).equals(Buffer.from([0xd0, 0xcf, 0x11, 0xe0]))) {
      throw new InputError(`${displayName}: 这是旧版 Excel (.xls) 文件，请另存为 .xlsx 或 CSV UTF-8 后再导入 (legacy .xls is not supported)`, { file: displayName });
    }
    return 'csv';
  } finally {
    await handle.close();
  }
}
