import { BATCH_COLUMNS } from '@sunlight/ingestion';
import { person } from './people.js';
import { Random } from './random.js';

/** The batch file's columns in CONTRACT order, as ingestion defines them. */
export const BATCH_HEADER = BATCH_COLUMNS.map((c) => c.name);

export interface BatchRowsOptions {
  seed: number;
  rows: number;
  /** Township codes the payments are made in. */
  townships: string[];
  /** Periods (YYYY-MM) the rows spread over. */
  months: string[];
  /** Program codes with their typical amount range in yuan (below the caps). */
  programs?: { code: string; min: number; max: number }[];
}

/** Typical payments of each program in yuan, at or below the catalogue's caps. */
export const AMOUNT_RANGES: Record<string, { min: number; max: number }> = {
  DIBAO: { min: 300, max: 1100 },
  TEKUN: { min: 600, max: 1400 },
  CANJI: { min: 60, max: 190 },
  GAOLING: { min: 100, max: 300 },
  JIAOYU: { min: 300, max: 1000 },
  YIMIN: { min: 600, max: 600 },
  GENGDI: { min: 200, max: 4000 },
};

// JIAOYU has an age range batchRows does not keep to.
const DEFAULT_PROGRAMS = Object.entries(AMOUNT_RANGES)
  .filter(([code]) => code !== 'JIAOYU')
  .map(([code, range]) => ({ code, ...range }));

/**
 * Plain, valid payment rows: each recipient one program, paid once a month per listed period
 * (GAOLING recipients are over 80). For ingestion tests and benchmarks; the rule test data with
 * planted anomalies is population.ts.
 */
export function* batchRows(options: BatchRowsOptions): Generator<string[]> {
  const random = new Random(options.seed);
  const programs = options.programs ?? DEFAULT_PROGRAMS;
  const recipients = Math.max(1, Math.ceil(options.rows / options.months.length));
  let emitted = 0;
  for (let i = 0; emitted < options.rows; i++) {
    const township = options.townships[i % options.townships.length];
    const program = programs[i % programs.length];
    const old = program.code === 'GAOLING';
    const p = person(random, township.slice(0, 6), old ? 1930 : 1950, old ? 1944 : 2004, i);
    const household = `H${township.slice(6)}${String(i % recipients).padStart(6, '0')}`;
    const account = `6222${String(i).padStart(15, '0')}`;
    const amount = (random.int(program.min * 100, program.max * 100) / 100).toFixed(2);
    for (const month of options.months) {
      if (emitted++ >= options.rows) return;
      yield [township, program.code, month, p.idNumber, p.name, household, amount, account, p.name, `${month}-15`, `${township}财政所`];
    }
  }
}
