import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BATCH_HEADER } from './batch-rows.js';
import { csvCell } from './csv.js';
import { Population, type PopulationOptions } from './population.js';

/** `sunlight generate DIR --seed 7 --recipients 500 --months 3`. */
const CLI: PopulationOptions = {
  seed: 7,
  recipients: 500,
  months: ['2024-01', '2024-02', '2024-03'],
  counties: 5,
  townshipsPerCounty: 5,
  plantedCopies: 1,
  registrySizes: { deceased: 500, 'public-employees': 500, 'village-officials': 100, 'household-members': 3000, vehicles: 300, businesses: 300 },
};

/**
 * What this seed wrote before the population was kept compact (issue 15): the rule tests and the
 * acceptance data rely on the planted cases and the seeded stream, row order included.
 */
const WRITTEN = {
  'batch-2023-12.csv': 'c0dd9b1715c47295',
  'batch-2024-01.csv': 'cae27b128617c69b',
  'batch-2024-02.csv': '27457b72a3ac168b',
  'batch-2024-03.csv': 'b5cde89488b03491',
  'businesses.csv': 'f054f1bc89c37776',
  'cases.json': '1cd8b55452e2a0ee',
  'deceased.csv': '581a84fa1f11c4a2',
  'expected-leads.json': '68805cfdfc42300c',
  'household-members.csv': 'd14493d2ea62acd1',
  'public-employees.csv': '9c9614cadebad3bb',
  'residents.csv': '2ea32094879fc09e',
  'vehicles.csv': 'a79483335030794e',
  'village-officials.csv': 'fe2f9c5d67442c92',
};

describe('the generated population', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'sunlight-population-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const digests = (d: string) => Object.fromEntries(readdirSync(d).sort().map((f) => [f, createHash('sha256').update(readFileSync(path.join(d, f))).digest('hex').slice(0, 16)]));

  it('writes what the seed always wrote, byte for byte', async () => {
    await new Population(CLI).write(dir);
    expect(digests(dir)).toEqual(WRITTEN);
  });

  it('writes a file of more rows than rowsPerFile in equal parts that add up to the whole file', async () => {
    const population = new Population(CLI);
    const whole = path.join(dir, 'whole');
    const parted = path.join(dir, 'parts');
    await population.write(whole);
    const files = await population.write(parted, { rowsPerFile: 250 });
    const names = (list: string[]) => list.map((f) => path.basename(f));
    expect(names(files.registries['household-members'])).toEqual(Array.from({ length: 13 }, (_, i) => `household-members.part${i + 1}.csv`)); // 3,011 rows
    expect(names(files.registries['village-officials'])).toEqual(['village-officials.csv']);
    expect(names(files.batches)).toEqual(['batch-2023-12.csv', ...[1, 2, 3].map((n) => `batch-2024-01.part${n}.csv`), ...['02', '03'].flatMap((m) => [1, 2].map((n) => `batch-2024-${m}.part${n}.csv`))]);
    for (const name of readdirSync(whole).filter((f) => f.endsWith('.csv'))) {
      const parts = [...Object.values(files.registries).flat(), ...files.batches].filter((f) => path.basename(f) === name || path.basename(f).startsWith(`${name.slice(0, -4)}.part`));
      const lines = parts.map((f) => readFileSync(f, 'utf8').split('\n').slice(0, -1));
      const rows = lines.map((l) => l.length - 1);
      expect(Math.max(...rows) - Math.min(...rows)).toBeLessThanOrEqual(1);
      expect(Math.max(...rows)).toBeLessThanOrEqual(250);
      for (const l of lines) expect(l[0]).toBe(lines[0][0]);
      expect([lines[0][0], ...lines.flatMap((l) => l.slice(1))].join('\n') + '\n').toBe(readFileSync(path.join(whole, name), 'utf8'));
    }
  });

  it('reads back the payments, rows and registries it writes, in the same order', async () => {
    const population = new Population(CLI);
    const files = await population.write(dir);
    const payments = [...population.payments()];
    expect(payments).toHaveLength(population.paymentCount);
    expect(population.periods()).toEqual(['2023-12', '2024-01', '2024-02', '2024-03']);
    for (const [i, period] of population.periods().entries()) {
      const rows = [...population.rows(new Set([period]))];
      expect(rows.length).toBe(payments.filter((p) => p.period === period).length);
      const text = [BATCH_HEADER, ...rows].map((r) => r.map(csvCell).join(',')).join('\n') + '\n';
      expect(text).toBe(readFileSync(files.batches[i], 'utf8'));
    }
    const deceased = [...population.registries.deceased];
    expect(deceased).toHaveLength(population.registries.deceased.length);
    expect(readFileSync(files.registries.deceased[0], 'utf8').split('\n').slice(1, -1)).toEqual(deceased.map((r) => r.map(csvCell).join(',')));
    // A registry's empty cells read back as null, as ingestion reads them.
    expect([...population.registries['public-employees']].some((r) => r[4] === null)).toBe(true);
  });
});
