import { createWriteStream } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { once } from 'node:events';
import zlib from 'node:zlib';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { BATCH_HEADER, batchRows } from '@sunlight/generator';
import { bootApp, cli, createUser, freshEnv, login, primaryBackend, startServer, until, type RunningServer, type TestApp, type TestEnv } from './support/harness.js';

// Issue 12: hostile files (a zip bomb, a sheet without cell references, a line without end) are
// refused with a clear message in bounded memory, or read correctly; never a raw error or a crash.
// The files are built here, at run time: none is committed.

const MiB = 1024 * 1024;
/** Peak memory allowed to an import process, whatever the file. */
const RSS_LIMIT_MB = 300;

interface ZipPart {
  name: string;
  /** The part's bytes, in pieces (a bomb's are generated, never held whole). */
  chunks: () => Iterable<Buffer>;
}

/** A zip archive as Excel writes it (deflate, sizes in the local headers), streamed to `file`. */
async function writeZip(file: string, parts: ZipPart[]): Promise<number> {
  const out: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const part of parts) {
    let crc = 0;
    let size = 0;
    const deflate = zlib.createDeflateRaw({ level: 9 });
    const compressed: Buffer[] = [];
    deflate.on('data', (d: Buffer) => compressed.push(d));
    for (const chunk of part.chunks()) {
      crc = zlib.crc32(chunk, crc);
      size += chunk.length;
      if (!deflate.write(chunk)) await once(deflate, 'drain');
    }
    deflate.end();
    await once(deflate, 'end');
    const data = Buffer.concat(compressed);
    const name = Buffer.from(part.name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0, 6);
    local.writeUInt16LE(8, 8);
    local.writeUInt16LE(0, 10);
    local.writeUInt16LE(0x21, 12);
    local.writeUInt32LE(crc >>> 0, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    const entry = Buffer.alloc(46);
    entry.writeUInt32LE(0x02014b50, 0);
    entry.writeUInt16LE(20, 4);
    entry.writeUInt16LE(20, 6);
    entry.writeUInt16LE(0, 8);
    entry.writeUInt16LE(8, 10);
    entry.writeUInt16LE(0, 12);
    entry.writeUInt16LE(0x21, 14);
    entry.writeUInt32LE(crc >>> 0, 16);
    entry.writeUInt32LE(data.length, 20);
    entry.writeUInt32LE(size, 24);
    entry.writeUInt16LE(name.length, 28);
    entry.writeUInt32LE(offset, 42);
    central.push(entry, name);
    out.push(local, name, data);
    offset += local.length + name.length + data.length;
  }
  const cd = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(parts.length, 8);
  end.writeUInt16LE(parts.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  await writeFile(file, Buffer.concat([...out, cd, end]));
  return offset + cd.length + end.length;
}

/** The parts of a real workbook that exceljs writes, uncompressed, by name. */
async function workbookParts(rows: unknown[][], sharedStrings = false): Promise<Map<string, Buffer>> {
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet('发放表');
  for (const row of rows) sheet.addRow(row);
  const zip = await JSZip.loadAsync(await book.xlsx.writeBuffer({ useSharedStrings: sharedStrings } as never));
  const parts = new Map<string, Buffer>();
  for (const [name, entry] of Object.entries(zip.files)) if (!entry.dir) parts.set(name, await entry.async('nodebuffer'));
  return parts;
}

const asParts = (parts: Map<string, Buffer>): ZipPart[] => [...parts].map(([name, data]) => ({ name, chunks: () => [data] }));

/** Valid payments of one month, with Chinese names (a different person each). */
const payments = (rows: number) => [...batchRows({ seed: 2405, rows, townships: ['421087101'], months: ['2024-05'], programs: [{ code: 'DIBAO', min: 300, max: 1100 }] })];

const backend = primaryBackend();

describe(`hostile files on ${backend.name}`, () => {
  let env: TestEnv;
  let app: TestApp;
  let rssScript: string;
  let n = 0;

  beforeAll(async () => {
    env = await freshEnv(backend.name);
    app = await bootApp(env);
    // The CLI's peak RSS, written when it exits: the memory bound is measured, not assumed.
    rssScript = path.join(env.dataDir, 'peak-rss.cjs');
    await writeFile(rssScript, `process.on('exit', () => require('fs').writeFileSync(process.env.PEAK_RSS_FILE, String(process.resourceUsage().maxRSS)));\n`);
  });
  afterAll(async () => {
    await app?.close();
    await env?.cleanup();
  });

  /** `batch import` in a process whose heap is capped at 200 MB; answers its result and peak RSS. */
  const importInBoundedProcess = async (file: string) => {
    const rssFile = path.join(env.dataDir, `rss-${++n}.txt`);
    const run = await cli({ ...env, env: { ...env.env, NODE_OPTIONS: `--max-old-space-size=200 --require ${rssScript}`, PEAK_RSS_FILE: rssFile } }, 'batch', 'import', file);
    const peakMb = Number(await readFile(rssFile, 'utf8').catch(() => 'NaN')) / 1024;
    return { ...run, output: run.stdout + run.stderr, peakMb };
  };
  const batchNamed = async (file: string) =>
    (await app.query(`SELECT id::text, status, error, (SELECT count(*)::int FROM disbursements d WHERE d.batch_id = b.id) AS stored FROM disbursement_batches b WHERE file_name = $1 ORDER BY id DESC LIMIT 1`, [path.basename(file)]))[0];

  it('refuses a zip bomb (a 256 MB cell in a 300 KB workbook) by name, in bounded memory', async () => {
    const parts = await workbookParts([BATCH_HEADER, ...payments(3)]);
    const sheet = parts.get('xl/worksheets/sheet1.xml')!.toString();
    const at = sheet.indexOf('</sheetData>');
    const file = path.join(env.dataDir, 'bomb.xlsx');
    const size = await writeZip(file, [
      ...asParts(parts).filter((p) => p.name !== 'xl/worksheets/sheet1.xml'),
      {
        name: 'xl/worksheets/sheet1.xml',
        *chunks() {
          yield Buffer.from(sheet.slice(0, at) + '<row r="5"><c r="A5" t="inlineStr"><is><t>');
          const block = Buffer.alloc(MiB, 'A');
          for (let i = 0; i < 256; i++) yield block;
          yield Buffer.from('</t></is></c></row>' + sheet.slice(at));
        },
      },
    ]);
    expect(size).toBeLessThan(1 * MiB);

    const run = await importInBoundedProcess(file);
    expect(run.output).toContain('整批拒收');
    expect(run.code).toBe(2); // rejected, not crashed
    expect(run.peakMb).toBeLessThan(RSS_LIMIT_MB);
    expect(await batchNamed(file)).toMatchObject({
      status: 'rejected',
      error: expect.stringContaining('bomb.xlsx: XLSX 中的 xl/worksheets/sheet1.xml 第 5 行 有一段内容超过 1 MiB，超出单元格 32,767 个字符的上限'),
      stored: 0,
    });
  });

  it('reads a sheet whose rows and cells leave out their references, each value in its column', async () => {
    const rows = payments(3000); // long enough that the sheet's XML arrives in many chunks
    const parts = await workbookParts([BATCH_HEADER, ...rows]);
    const sheet = parts.get('xl/worksheets/sheet1.xml')!.toString();
    // OOXML makes r optional: a cell without it follows the previous cell, a row the previous row.
    const bare = sheet.replace(/<(row|c)(\s[^>]*?)\s+r="[A-Z]*\d+"/g, '<$1$2').replace(/<(row|c) r="[A-Z]*\d+"/g, '<$1');
    expect(/<c [^>]*\br="/.test(bare)).toBe(false);
    expect(bare.includes('<row spans=') && bare.includes('<c t="s">')).toBe(true);
    parts.set('xl/worksheets/sheet1.xml', Buffer.from(bare));
    const file = path.join(env.dataDir, 'no-refs.xlsx');
    await writeZip(file, asParts(parts));

    const run = await importInBoundedProcess(file);
    expect(run.json).toMatchObject({ status: 'stored', accepted: rows.length, rejected: 0 });
    const batch = await batchNamed(file);
    const stored: { row_no: number; id_number: string; name: string; amount: string }[] = await app.query(
      `SELECT row_no, id_number, name, (amount_fen / 100.0)::numeric(12,2)::text AS amount FROM disbursements WHERE batch_id = $1 ORDER BY row_no`,
      [batch.id],
    );
    const col = (name: string) => BATCH_HEADER.indexOf(name);
    expect(stored.map((r) => [r.id_number, r.name, r.amount])).toEqual(rows.map((r) => [r[col('id_number')], r[col('name')], Number(r[col('amount')]).toFixed(2)]));
  });

  it('refuses a CSV line of 50 MB without newline by its row, in bounded memory', async () => {
    const file = path.join(env.dataDir, 'endless.csv');
    const out = createWriteStream(file);
    out.write([BATCH_HEADER.join(','), ...payments(2).map((r) => r.join(','))].join('\n') + '\n');
    const block = Buffer.alloc(MiB, 'x');
    for (let i = 0; i < 50; i++) if (!out.write(block)) await once(out, 'drain');
    out.end();
    await once(out, 'finish');

    const run = await importInBoundedProcess(file);
    expect(run.output).toContain('整批拒收');
    expect(run.code).toBe(2);
    expect(run.peakMb).toBeLessThan(RSS_LIMIT_MB);
    expect(await batchNamed(file)).toMatchObject({ status: 'rejected', error: expect.stringContaining('endless.csv 第 4 行: 一行超过 1 MiB 的上限'), stored: 0 });
  });

  it('refuses a broken workbook with a message, not a raw error', async () => {
    const parts = await workbookParts([BATCH_HEADER, ...payments(2)]);
    const whole = path.join(env.dataDir, 'whole.xlsx');
    await writeZip(whole, asParts(parts));
    const bytes = await readFile(whole);
    // The first part's compressed bytes overwritten: the archive's structure stands, its data does not inflate.
    const file = path.join(env.dataDir, 'broken.xlsx');
    const nameLength = bytes.readUInt16LE(26);
    bytes.fill(0xff, 30 + nameLength, 30 + nameLength + 64);
    await writeFile(file, bytes);
    const run = await importInBoundedProcess(file);
    expect(run.code).toBe(2);
    expect(await batchNamed(file)).toMatchObject({ status: 'rejected', error: expect.stringContaining('broken.xlsx: 不是有效的 XLSX 文件或文件已损坏'), stored: 0 });
  });

  describe('through the API', () => {
    let server: RunningServer;
    let token: string;
    beforeAll(async () => {
      server = await startServer(env);
      await createUser(env, 'uploader.files', 'uploader', '42');
      token = await login(server.url, 'uploader.files');
    });
    afterAll(async () => {
      await server?.stop();
    });

    it('rejects an uploaded zip bomb with the same message, and goes on serving', async () => {
      const bomb = await readFile(path.join(env.dataDir, 'bomb.xlsx'));
      const form = new FormData();
      form.append('file', new Blob([bomb]), 'uploaded-bomb.xlsx');
      const res = await fetch(`${server.url}/api/batches`, { method: 'POST', body: form, headers: { authorization: `Bearer ${token}` } });
      expect(res.status).toBe(202);
      const { batchId } = (await res.json()) as { batchId: string };
      const batch = await until(async () => {
        const row = (await (await fetch(`${server.url}/api/batches/${batchId}`, { headers: { authorization: `Bearer ${token}` } })).json()) as { status: string; error: string };
        return ['stored', 'rejected', 'failed'].includes(row.status) ? row : undefined;
      }, 120_000, 'the upload to be imported');
      expect(batch).toMatchObject({ status: 'rejected', error: expect.stringContaining('有一段内容超过 1 MiB') });
      expect((await app.query(`SELECT count(*)::int AS n FROM disbursements WHERE batch_id = $1`, [batchId]))[0].n).toBe(0);
      expect((await fetch(`${server.url}/health`)).status).toBe(200);
    });
  });
});
