import { execFile } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import ExcelJS from 'exceljs';
import { BATCH_HEADER, batchRows, sampleTownships, writeCsv } from '@sunlight/generator';
import { OUT, admin, child, dropDatabase, freshDatabase, median, nativePostgres, say, templateDatabase, withDatabase } from './support.js';

const run = promisify(execFile);
const MONTHS = Array.from({ length: 12 }, (_, i) => `2024-${String(i + 1).padStart(2, '0')}`);

interface ImportReport {
  ms: number;
  phases: Record<string, number>;
  status: string;
  rows: number;
  peakRssMb: number;
  baselineRssMb: number;
}

/**
 * The ingest benchmark (issue 3): 1,000,000 payments over many townships, programs and months,
 * imported against native PostgreSQL; in the same run, the same file loaded with a bare
 * `psql \copy` into an unindexed table of the same columns. Alternated, three times each, medians
 * reported. Then a 200,000-row XLSX for peak memory.
 */
export async function ingestBenchmark(rows = 1_000_000, xlsxRows = 200_000, rounds = 3) {
  const url = await nativePostgres();
  if (!url) return { skipped: 'no native PostgreSQL (DATABASE_URL or 127.0.0.1:5432)' };
  const csv = path.join(OUT, `batch-${rows}.csv`);
  if (!existsSync(csv)) {
    say(`generating ${rows} rows → ${csv}`);
    await writeCsv(csv, BATCH_HEADER, batchRows({ seed: 2024, rows, townships: sampleTownships(2024, 60, 12), months: MONTHS }));
  }
  const sizeMb = statSync(csv).size / 1048576;
  const template = 'sunlight_bench_ingest_tpl';
  await templateDatabase(url, template);

  const bare: number[] = [];
  const ours: ImportReport[] = [];
  for (let round = 1; round <= rounds; round++) {
    const db = `sunlight_bench_ingest_${round}`;
    const target = await freshDatabase(url, template, db);
    await admin(target, (c) =>
      c.query(`CREATE TABLE bare (${BATCH_HEADER.map((h) => `${h} text`).join(', ')})`),
    );
    // Each measurement starts from a checkpoint, so neither pays for the other's WAL; the order
    // alternates between rounds.
    const measureBare = async () => {
      await admin(target, (c) => c.query('CHECKPOINT'));
      const started = process.hrtime.bigint();
      await run('psql', [target, '-qc', `\\copy bare FROM '${csv}' WITH (FORMAT csv, HEADER)`]);
      bare.push(Number(process.hrtime.bigint() - started) / 1e6);
      await admin(target, (c) => c.query('DROP TABLE bare'));
    };
    const measureImport = async () => {
      await admin(target, (c) => c.query('CHECKPOINT'));
      return child<ImportReport>('ingest-worker.js', [csv], { DATABASE_URL: target });
    };
    let report: ImportReport;
    if (round % 2) {
      await measureBare();
      report = await measureImport();
    } else {
      report = await measureImport();
      await measureBare();
    }
    if (report.status !== 'stored' || report.rows !== rows) throw new Error(`import did not store the file: ${JSON.stringify(report)}`);
    ours.push(report);
    say(`round ${round}: \\copy ${(bare[bare.length - 1] / 1000).toFixed(2)} s, import ${(report.ms / 1000).toFixed(2)} s ${JSON.stringify(report.phases)}, peak RSS ${report.peakRssMb.toFixed(0)} MB`);
    await dropDatabase(url, db);
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
  const xdb = 'sunlight_bench_ingest_xlsx';
  const xreport = await child<ImportReport>('ingest-worker.js', [xlsx], { DATABASE_URL: await freshDatabase(url, template, xdb) });
  await dropDatabase(url, xdb);
  await dropDatabase(url, template);

  const bareMs = median(bare);
  const oursMs = median(ours.map((r) => r.ms));
  return {
    file: { rows, sizeMb: Number(sizeMb.toFixed(1)) },
    bareCopy: { medianMs: Math.round(bareMs), rowsPerSecond: Math.round(rows / (bareMs / 1000)) },
    import: {
      medianMs: Math.round(oursMs),
      rowsPerSecond: Math.round(rows / (oursMs / 1000)),
      peakRssMb: Math.round(Math.max(...ours.map((r) => r.peakRssMb))),
      phasesMs: ours.find((r) => r.ms === oursMs)?.phases,
    },
    ratio: Number((oursMs / bareMs).toFixed(2)),
    target: { ratio: 2.5, peakRssMb: 300 },
    xlsx: { rows: xlsxRows, ms: Math.round(xreport.ms), rowsPerSecond: Math.round(xlsxRows / (xreport.ms / 1000)), peakRssMb: Math.round(xreport.peakRssMb), status: xreport.status },
    database: withDatabase(url, '').replace(/\/$/, ''),
  };
}
