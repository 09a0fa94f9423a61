import { execFile, spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import ExcelJS from 'exceljs';
import { BATCH_HEADER, batchRows, sampleTownships, writeCsv } from '@sunlight/generator';
import { OUT, ROOT, admin, child, dropDatabase, freshDatabase, machineCpuSeconds, machineCpuSince, median, nativePostgres, say, templateDatabase, withDatabase } from './support.js';

const run = promisify(execFile);
const MONTHS = Array.from({ length: 12 }, (_, i) => `2024-${String(i + 1).padStart(2, '0')}`);
/** The CLI as a user runs it (`npm run cli` runs this file once the build is current). */
const CLI = path.join(ROOT, 'dist/apps/cli/src/main.js');
/** Preloaded into the CLI: its resource usage (peak RSS, CPU time), written when it exits (nothing else changes in the process). */
const USAGE_SCRIPT = path.join(OUT, 'process-usage.cjs');

interface ImportReport {
  ms: number;
  phases: Record<string, number>;
  status: string;
  rows: number;
  peakRssMb: number;
  baselineRssMb: number;
}

interface CommandReport {
  ms: number;
  peakRssMb: number;
  /** The command's own process: user and system time. */
  cpuSeconds: number;
  /** The whole machine's during the command: the command's, PostgreSQL's for it (undefined: not on Linux). */
  machineCpuSeconds: number | undefined;
  result: { batchId: number; status: string; accepted: number; rejected: number; duplicateOf: number | null };
}

/**
 * `batch import FILE` as a whole command, start-up included: spawn to exit, timed here; its last
 * stdout line is the CONTRACT §5 result.
 */
function importCommand(file: string, databaseUrl: string): Promise<CommandReport> {
  const usageFile = path.join(OUT, `process-usage-${process.pid}.json`);
  rmSync(usageFile, { force: true });
  const nodeOptions = [process.env.NODE_OPTIONS, `--require ${USAGE_SCRIPT}`].filter(Boolean).join(' ');
  return new Promise((resolve, reject) => {
    const cpuBefore = machineCpuSeconds();
    const started = process.hrtime.bigint();
    const proc = spawn(process.execPath, [CLI, 'batch', 'import', file], { env: { ...process.env, DATABASE_URL: databaseUrl, NODE_OPTIONS: nodeOptions, USAGE_FILE: usageFile } });
    let out = '';
    let err = '';
    proc.stdout.on('data', (d) => (out += d));
    proc.stderr.on('data', (d) => (err += d));
    proc.on('exit', (code) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const machineCpu = machineCpuSince(cpuBefore);
      if (code !== 0) return reject(new Error(`batch import ${file} exited ${code}:\n${err}`));
      const usage = JSON.parse(readFileSync(usageFile, 'utf8')) as { maxRSS: number; userCPUTime: number; systemCPUTime: number };
      rmSync(usageFile, { force: true });
      resolve({
        ms,
        peakRssMb: usage.maxRSS / 1024,
        cpuSeconds: (usage.userCPUTime + usage.systemCPUTime) / 1e6,
        machineCpuSeconds: machineCpu,
        result: JSON.parse(out.trim().split('\n').pop()!),
      });
    });
  });
}

/**
 * The ingest benchmark (issues 3 and 15): 1,000,000 payments (`BENCH_ROWS`) over many
 * townships, programs and months, against native PostgreSQL. Each round, on a migrated database
 * copied from a template, and each from a checkpoint, in an order that rotates between rounds:
 * - the bare `psql \copy` of the file into an unindexed table of text columns (the baseline);
 * - `node dist/apps/cli/src/main.js batch import FILE`, the whole command as a user runs it,
 *   start-up included, with the peak RSS of its process;
 * - the same import inside a process already started (bench/ingest-worker.ts), by phase.
 * Three rounds (`BENCH_ROUNDS`), medians. Then a 200,000-row XLSX (`BENCH_XLSX_ROWS`) through the
 * CLI, for its peak memory. Databases are named `sunlight_bench_ingest_*` (`BENCH_DB_PREFIX`).
 */
export async function ingestBenchmark(rows = 1_000_000, xlsxRows = 200_000, rounds = 3) {
  const url = await nativePostgres();
  if (!url) return { skipped: 'no native PostgreSQL (DATABASE_URL or 127.0.0.1:5432)' };
  const csv = path.join(OUT, `batch-${rows}.csv`);
  if (!existsSync(csv)) {
    say(`generating ${rows} rows → ${csv}`);
    await writeCsv(csv, BATCH_HEADER, batchRows({ seed: 2024, rows, townships: sampleTownships(2024, 60, 12), months: MONTHS }));
  }
  writeFileSync(USAGE_SCRIPT, `process.on('exit', () => require('fs').writeFileSync(process.env.USAGE_FILE, JSON.stringify(process.resourceUsage())));\n`);
  const sizeMb = statSync(csv).size / 1048576;
  // BENCH_DB_PREFIX: other database names, so that two runs (a branch and main) don't collide.
  const prefix = process.env.BENCH_DB_PREFIX ?? 'sunlight_bench_ingest_';
  const template = `${prefix}tpl`;
  await templateDatabase(url, template);

  const bare: number[] = [];
  const bareCpu: number[] = [];
  const whole: CommandReport[] = [];
  const inProcess: ImportReport[] = [];
  for (let round = 1; round <= rounds; round++) {
    // The command and the in-process import each store the file once: a database each.
    const dbs = [`${prefix}${round}`, `${prefix}${round}_inproc`];
    const [target, inprocTarget] = await Promise.all(dbs.map((db) => freshDatabase(url, template, db)));
    await admin(target, (c) => c.query(`CREATE TABLE bare (${BATCH_HEADER.map((h) => `${h} text`).join(', ')})`));
    // Each measurement starts from a checkpoint, so none pays for another's WAL.
    const measures = {
      bare: async () => {
        await admin(target, (c) => c.query('CHECKPOINT'));
        const cpuBefore = machineCpuSeconds();
        const started = process.hrtime.bigint();
        await run('psql', [target, '-qc', `\\copy bare FROM '${csv}' WITH (FORMAT csv, HEADER)`]);
        bare.push(Number(process.hrtime.bigint() - started) / 1e6);
        const cpu = machineCpuSince(cpuBefore);
        if (cpu !== undefined) bareCpu.push(cpu);
        await admin(target, (c) => c.query('DROP TABLE bare'));
        return `\\copy ${(bare[bare.length - 1] / 1000).toFixed(2)} s`;
      },
      command: async () => {
        await admin(target, (c) => c.query('CHECKPOINT'));
        const report = await importCommand(csv, target);
        if (report.result.status !== 'stored' || report.result.accepted !== rows) throw new Error(`batch import did not store the file: ${JSON.stringify(report.result)}`);
        whole.push(report);
        return `command ${(report.ms / 1000).toFixed(2)} s (peak RSS ${report.peakRssMb.toFixed(0)} MB, CPU ${report.cpuSeconds.toFixed(2)} s, the machine's ${report.machineCpuSeconds?.toFixed(2) ?? '?'} s)`;
      },
      inProcess: async () => {
        await admin(inprocTarget, (c) => c.query('CHECKPOINT'));
        const report = await child<ImportReport>('ingest-worker.js', [csv], { DATABASE_URL: inprocTarget });
        if (report.status !== 'stored' || report.rows !== rows) throw new Error(`import did not store the file: ${JSON.stringify(report)}`);
        inProcess.push(report);
        return `in-process ${(report.ms / 1000).toFixed(2)} s ${JSON.stringify(report.phases)}`;
      },
    };
    const names = Object.keys(measures) as (keyof typeof measures)[];
    const order = names.map((_, i) => names[(i + round - 1) % names.length]);
    const lines: string[] = [];
    for (const name of order) lines.push(await measures[name]());
    say(`round ${round}: ${lines.join(', ')}`);
    for (const db of dbs) await dropDatabase(url, db);
  }

  const xlsx = path.join(OUT, `batch-${xlsxRows}.xlsx`);
  if (!existsSync(xlsx)) {
    say(`generating ${xlsxRows} rows → ${xlsx}`);
    const writer = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: xlsx, useSharedStrings: false });
    const sheet = writer.addWorksheet('发放明细');
    sheet.addRow(BATCH_HEADER).commit();
    for (const row of batchRows({ seed: 2025, rows: xlsxRows, townships: sampleTownships(2025, 20, 10), months: MONTHS })) sheet.addRow(row).commit();
    sheet.commit();
    await writer.commit();
  }
  const xdb = `${prefix}xlsx`;
  const xreport = await importCommand(xlsx, await freshDatabase(url, template, xdb));
  await dropDatabase(url, xdb);
  await dropDatabase(url, template);

  const bareMs = median(bare);
  const wholeMs = median(whole.map((r) => r.ms));
  const inProcessMs = median(inProcess.map((r) => r.ms));
  return {
    file: { rows, sizeMb: Number(sizeMb.toFixed(1)) },
    bareCopy: { medianMs: Math.round(bareMs), rowsPerSecond: Math.round(rows / (bareMs / 1000)) },
    command: {
      run: 'node dist/apps/cli/src/main.js batch import FILE',
      medianMs: Math.round(wholeMs),
      rowsPerSecond: Math.round(rows / (wholeMs / 1000)),
      peakRssMb: Math.round(Math.max(...whole.map((r) => r.peakRssMb))),
      ratio: Number((wholeMs / bareMs).toFixed(2)),
    },
    inProcess: {
      medianMs: Math.round(inProcessMs),
      peakRssMb: Math.round(Math.max(...inProcess.map((r) => r.peakRssMb))),
      phasesMs: inProcess.find((r) => r.ms === inProcessMs)?.phases,
      ratio: Number((inProcessMs / bareMs).toFixed(2)),
    },
    /**
     * CPU seconds, medians: the \copy's and the command's, the whole machine's during each (so
     * PostgreSQL's too), and the command's own process. The machine's divided by its cores is the
     * least time the work could take however well it ran side by side: `floorRatio` is the ratio
     * the command cannot go below on this machine without doing less work.
     */
    cpu: cpuSummary(bareCpu, whole, bareMs),
    /** What the command spends outside the import itself (start-up, shutdown): the medians' difference. */
    outsideImportMs: Math.round(wholeMs - inProcessMs),
    target: { ratio: 2.5, peakRssMb: 300 },
    xlsx: { rows: xlsxRows, ms: Math.round(xreport.ms), rowsPerSecond: Math.round(xlsxRows / (xreport.ms / 1000)), peakRssMb: Math.round(xreport.peakRssMb), status: xreport.result.status },
    database: withDatabase(url, '').replace(/\/$/, ''),
  };
}

function cpuSummary(bareCpu: number[], whole: CommandReport[], bareMs: number) {
  const machine = whole.map((r) => r.machineCpuSeconds).filter((s): s is number => s !== undefined);
  if (!bareCpu.length || !machine.length) return undefined;
  const cores = availableParallelism();
  const commandMachine = median(machine);
  return {
    cores,
    bareCopySeconds: Number(median(bareCpu).toFixed(2)),
    commandSeconds: Number(commandMachine.toFixed(2)),
    commandProcessSeconds: Number(median(whole.map((r) => r.cpuSeconds)).toFixed(2)),
    ratio: Number((commandMachine / median(bareCpu)).toFixed(2)),
    floorMs: Math.round((commandMachine / cores) * 1000),
    floorRatio: Number(((commandMachine / cores) * 1000 / bareMs).toFixed(2)),
  };
}
