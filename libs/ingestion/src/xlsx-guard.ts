import { createReadStream } from 'node:fs';
import { createRequire } from 'node:module';
import type { Readable, Transform } from 'node:stream';
import { InputError } from '@sunlight/common';
import { FILE_LIMITS, formatLimit, type FileLimits } from './file-limits.js';
import { XmlScanner, XmlTooLarge } from './xlsx-xml.js';

/** unzipper: exceljs's own zip reader (a dependency of exceljs), so both passes see the same entries. */
interface ZipEntry extends Readable {
  path: string;
  autodrain(): unknown;
}
type Unzipper = { Parse(options: { forceStream: true }): Transform & AsyncIterable<ZipEntry> };
/** Required with the first workbook, not at start-up (with bluebird and es-abstract, ~150 modules). */
const unzipper = (): Unzipper => createRequire(import.meta.url)('unzipper') as Unzipper;

/**
 * Streams once through an XLSX archive before exceljs reads it, decompressing every part and
 * counting: a part or the whole past its limit, an XML token (text or tag) longer than any cell
 * can be, a row of more cells than Excel allows, a DOCTYPE: the file is refused, naming the part,
 * as soon as the limit is passed. Memory stays that of one decompressed chunk. exceljs would
 * otherwise hold a single huge cell as one string (a 1 MB zip can hold a 1 GB cell) and fail with
 * "Invalid string length" after taking gigabytes.
 */
export async function scanXlsx(file: string, displayName: string, limits: FileLimits = FILE_LIMITS): Promise<void> {
  const input = createReadStream(file, { highWaterMark: 1 << 20 });
  const zip = unzipper().Parse({ forceStream: true });
  let total = 0;
  let entry: ZipEntry | undefined;
  input.on('error', (err) => zip.destroy(err));
  // unzipper reports a part that does not inflate (or a cut archive) on the archive, not on the
  // part being read: without this the read would wait forever.
  zip.on('error', (err) => entry?.destroy(err));
  input.pipe(zip);
  try {
    for await (entry of zip) {
      const part = entry.path;
      const kind = /^xl\/worksheets\/[^/]+\.xml$/.test(part) ? 'sheet' : part === 'xl/sharedStrings.xml' ? 'sharedStrings' : 'other';
      const scanner = /\.(xml|rels)$/.test(part) ? new XmlScanner(limits.xmlTokenBytes, kind, limits.columns) : undefined;
      const partLimit = kind === 'sharedStrings' ? limits.xlsxSharedStringsBytes : limits.xlsxEntryBytes;
      let size = 0;
      for await (const chunk of entry as AsyncIterable<Buffer>) {
        size += chunk.length;
        total += chunk.length;
        if (size > partLimit) throw partTooLarge(displayName, part, partLimit);
        if (total > limits.xlsxTotalBytes) throw archiveTooLarge(displayName, limits.xlsxTotalBytes);
        try {
          scanner?.write(chunk);
        } catch (err) {
          if (err instanceof XmlTooLarge) throw xmlProblem(displayName, part, err, limits);
          throw err;
        }
      }
    }
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw notAWorkbook(displayName, err);
  } finally {
    entry?.destroy();
    zip.destroy();
    input.destroy();
  }
}

export function notAWorkbook(displayName: string, err: unknown): InputError {
  const reason = err instanceof Error ? err.message : String(err);
  return new InputError(`${displayName}: 不是有效的 XLSX 文件或文件已损坏，请在 Excel 中重新另存为 .xlsx 后再导入 (not a valid XLSX workbook: ${reason})`, { file: displayName, expected: 'an XLSX workbook' });
}

function partTooLarge(displayName: string, part: string, limit: number): InputError {
  return new InputError(`${displayName}: XLSX 中的 ${part} 解压后超过 ${formatLimit(limit, 'bytes')} 的上限 (可能是压缩炸弹)，已拒收 (the part ${part} decompresses to more than ${formatLimit(limit, 'bytes')})`, {
    file: displayName,
    expected: `parts of at most ${limit} bytes decompressed`,
  });
}

function archiveTooLarge(displayName: string, limit: number): InputError {
  return new InputError(`${displayName}: XLSX 文件解压后超过 ${formatLimit(limit, 'bytes')} 的上限 (可能是压缩炸弹)，已拒收 (the workbook decompresses to more than ${formatLimit(limit, 'bytes')})`, {
    file: displayName,
    expected: `at most ${limit} bytes decompressed`,
  });
}

function xmlProblem(displayName: string, part: string, err: XmlTooLarge, limits: FileLimits): InputError {
  const where = err.at > 0 ? (err.what === 'runs' || part === 'xl/sharedStrings.xml' ? ` (第 ${err.at} 个共享字符串)` : ` 第 ${err.at} 行`) : '';
  const details = { file: displayName, row: part.startsWith('xl/worksheets/') && err.at > 0 ? err.at : undefined };
  switch (err.what) {
    case 'doctype':
      return new InputError(`${displayName}: XLSX 中的 ${part} 含有 DOCTYPE 声明，电子表格不应有此内容，已拒收 (a DOCTYPE in ${part})`, details);
    case 'cells':
      return new InputError(`${displayName} 工作表${where}: 一行超过 ${formatLimit(limits.columns, 'count')} 个单元格 (Excel 的上限)，已拒收 (a row of more than ${limits.columns} cells)`, details);
    case 'runs':
      return new InputError(`${displayName}${where}: 一个单元格的格式片段超过 ${formatLimit(limits.columns, 'count')} 个，已拒收 (a rich-text string of more than ${limits.columns} runs)`, details);
    default:
      return new InputError(
        `${displayName}: XLSX 中的 ${part}${where} 有一段内容超过 ${formatLimit(limits.xmlTokenBytes, 'bytes')}，超出单元格 ${formatLimit(limits.cellChars, 'count')} 个字符的上限 (可能是压缩炸弹)，已拒收 (a cell or tag in ${part} is longer than any cell can be)`,
        details,
      );
  }
}
