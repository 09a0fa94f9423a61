// Updates test/setup/durations.json, the sequencer's times (test/setup/sequencer.mjs), from a
// run's report; a partial run updates only its own files, and a file that failed keeps its time:
//   npm test -- --json --outputFile=/tmp/run.json && node test/setup/record-durations.mjs /tmp/run.json
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const file = path.join(root, 'test/setup/durations.json');
const report = JSON.parse(readFileSync(process.argv[2], 'utf8'));
// The report names files absolutely, in whichever checkout ran them: keyed from apps/, libs/ or test/.
const key = (name) => {
  const parts = name.split(path.sep);
  const top = parts.findLastIndex((p, i) => ['apps', 'libs', 'test'].includes(p) && existsSync(path.join(root, ...parts.slice(i))));
  return top < 0 ? undefined : parts.slice(top).join('/');
};
const seconds = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
for (const r of report.testResults) {
  const k = key(r.name);
  if (k && r.status === 'passed') seconds[k] = Math.max(1, Math.round((r.endTime - r.startTime) / 1000));
}
const sorted = Object.fromEntries(Object.entries(seconds).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])));
writeFileSync(file, `${JSON.stringify(sorted, null, 1)}\n`);
