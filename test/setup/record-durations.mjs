// Writes test/setup/durations.json from a run's report, for the sequencer (test/setup/sequencer.mjs):
//   npm test -- --json --outputFile=/tmp/run.json && node test/setup/record-durations.mjs /tmp/run.json
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const report = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const seconds = Object.fromEntries(
  report.testResults
    .map((r) => [path.relative(root, r.name), Math.max(1, Math.round((r.endTime - r.startTime) / 1000))])
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])),
);
writeFileSync(path.join(root, 'test/setup/durations.json'), `${JSON.stringify(seconds, null, 1)}\n`);
