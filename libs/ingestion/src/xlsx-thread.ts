import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Readable } from 'node:stream';
import { Worker } from 'node:worker_threads';
import { InputError, type InputErrorDetails } from '@sunlight/common';
import type { ColumnSpec } from './columns.js';
import { recordsToStagingCsv } from './csv-records.js';
import { FILE_LIMITS, type FileLimits } from './file-limits.js';
import { readXlsx } from './xlsx.js';

export interface XlsxWorkerData {
  file: string;
  displayName: string;
  specs: ColumnSpec[];
  limits: FileLimits;
}

export type XlsxWorkerMessage =
  | { kind: 'header'; header: string[]; headerRow: number }
  /** Staging CSV text; `rows`: how many rows so far. */
  | { kind: 'csv'; text: string; rows: number }
  | { kind: 'end' }
  | { kind: 'error'; input: boolean; message: string; details?: InputErrorDetails };

export type XlsxParentMessage = { start: { width: number; padShortRows: boolean } } | { more: number };

/** A workbook's header, and its data rows as staging CSV (recordsToStagingCsv's text). */
export interface XlsxStaging {
  header: string[];
  headerRow: number;
  /** The rows for a staging table `width` cells wide; `onRows` hears how many so far, every 50,000. */
  stagingCsv: (width: number, padShortRows: boolean, onRows?: (count: number) => void) => Readable;
  /** Ends the reading (the thread), also when the rows were never read. */
  close: () => Promise<void>;
}

/** Chunks (5,000 rows each) the worker may send ahead of the reader. */
const AHEAD = 2;

/**
 * readXlsx in a worker thread of its own, which also writes the rows as staging CSV. Parsing a
 * workbook makes a great deal of short-lived garbage; in the main thread, beside the
 * application's long-lived objects, V8 let it pile up (a 200,000-row workbook peaked at 200 MB
 * of heap, 300+ MB of RSS). A worker's heap holds only the parse, so it is collected early, and
 * the main thread receives plain text (no object per cell). The worker's old generation is
 * capped at 256 MB (room for the largest shared-strings part FILE_LIMITS allows), its young
 * generation at 8 MB (collected often: 255 → 223 MB of peak RSS for 200,000 rows). The text
 * comes as the caller reads it (two chunks ahead at most). Errors arrive as they were thrown:
 * an InputError stays one, with its details.
 *
 * Run from the TypeScript sources (the tests), there is no compiled worker script: the workbook
 * is read in this thread instead.
 */
export async function readXlsxInWorker(file: string, displayName: string, specs: ColumnSpec[], limits: FileLimits = FILE_LIMITS): Promise<XlsxStaging> {
  const script = new URL('./xlsx-worker.js', import.meta.url);
  if (!existsSync(fileURLToPath(script))) {
    const sheet = await readXlsx(file, displayName, specs, limits);
    let count = 0;
    return {
      header: sheet.header,
      headerRow: sheet.headerRow,
      stagingCsv: (width, padShortRows, onRows) => recordsToStagingCsv(sheet.records, width, () => ++count % 50_000 === 0 && onRows?.(count), padShortRows),
      close: async () => undefined,
    };
  }
  const data: XlsxWorkerData = { file, displayName, specs, limits: { ...limits } };
  const worker = new Worker(script, { workerData: data, resourceLimits: { maxOldGenerationSizeMb: 256, maxYoungGenerationSizeMb: 8 } });
  const tell = (message: XlsxParentMessage) => worker.postMessage(message);

  const inbox: XlsxWorkerMessage[] = [];
  let waiting: (() => void) | undefined;
  let failure: Error | undefined;
  let exited = false;
  const arrived = () => {
    waiting?.();
    waiting = undefined;
  };
  worker.on('message', (message: XlsxWorkerMessage) => {
    inbox.push(message);
    arrived();
  });
  worker.on('error', (err) => {
    failure ??= new Error(`${displayName}: the workbook reader stopped: ${err.message}`);
    arrived();
  });
  worker.on('exit', () => {
    exited = true;
    arrived();
  });

  const next = async (): Promise<XlsxWorkerMessage> => {
    for (;;) {
      const message = inbox.shift();
      if (message) {
        if (message.kind === 'error') throw message.input ? new InputError(message.message, message.details) : new Error(message.message);
        return message;
      }
      if (failure) throw failure;
      if (exited) throw new Error(`${displayName}: the workbook reader ended before the end of the sheet`);
      await new Promise<void>((resolve) => (waiting = resolve));
    }
  };
  const close = async () => void (await worker.terminate());

  let first: XlsxWorkerMessage;
  try {
    first = await next();
    if (first.kind !== 'header') throw new Error(`${displayName}: the workbook reader sent ${first.kind} before the header`);
  } catch (err) {
    await close();
    throw err;
  }

  async function* text(onRows?: (count: number) => void): AsyncGenerator<string> {
    try {
      tell({ more: AHEAD });
      let reported = 0;
      for (;;) {
        const message = await next();
        if (message.kind === 'end') return;
        if (message.kind !== 'csv') throw new Error(`${displayName}: the workbook reader sent a second header`);
        tell({ more: 1 });
        if (message.rows - reported >= 50_000) onRows?.((reported = message.rows));
        yield message.text;
      }
    } finally {
      await close();
    }
  }
  return {
    header: first.header,
    headerRow: first.headerRow,
    close,
    stagingCsv: (width, padShortRows, onRows) => {
      tell({ start: { width, padShortRows } });
      return Readable.from(text(onRows));
    },
  };
}
