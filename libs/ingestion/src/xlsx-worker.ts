// The thread that reads a workbook for readXlsxInWorker (xlsx-thread.ts): it sends the header,
// waits to hear the staging table's width, then sends the rows as staging CSV text, a chunk at a
// time as the reader asks for more.
import { parentPort, workerData } from 'node:worker_threads';
import { InputError } from '@sunlight/common';
import { stagingCsvChunks } from './csv-records.js';
import { readXlsx } from './xlsx.js';
import type { XlsxParentMessage, XlsxWorkerData, XlsxWorkerMessage } from './xlsx-thread.js';

const port = parentPort!;
const send = (message: XlsxWorkerMessage) => port.postMessage(message);
const { file, displayName, specs, limits } = workerData as XlsxWorkerData;

let credit = 0;
let start: { width: number; padShortRows: boolean } | undefined;
let wake: (() => void) | undefined;
port.on('message', (message: XlsxParentMessage) => {
  if ('start' in message) start = message.start;
  else credit += message.more;
  wake?.();
});
const until = async (ready: () => boolean) => {
  while (!ready()) await new Promise<void>((resolve) => (wake = resolve));
};

try {
  const sheet = await readXlsx(file, displayName, specs, limits);
  send({ kind: 'header', header: sheet.header, headerRow: sheet.headerRow });
  await until(() => start !== undefined);
  let rows = 0;
  for await (const text of stagingCsvChunks(sheet.records, start!.width, () => rows++, start!.padShortRows)) {
    await until(() => credit > 0);
    credit--;
    send({ kind: 'csv', text, rows });
  }
  send({ kind: 'end' });
} catch (err) {
  const e = err as Error;
  send({ kind: 'error', input: err instanceof InputError, message: e?.message ?? String(err), details: err instanceof InputError ? err.details : undefined });
}
port.close();
