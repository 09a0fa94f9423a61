// The order test files start in. Jest starts the files that failed last time first, then the
// ones it remembers as slowest, so that no long file is left running alone at the end; but it
// remembers only on the machine that ran them (its cache), and a fresh clone, as CI is, would
// start the largest files first instead, which left the thin path (1.5–2 minutes) running alone
// for the last half-minute. Here a file jest has no time for takes the one recorded in
// durations.json (seconds, from a run on the 2-core machine; test/setup/record-durations.mjs
// updates it). A file in neither, a new one, starts first.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Sequencer from '@jest/test-sequencer';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const durationsFile = path.join(root, 'test/setup/durations.json');

/** Seconds by path from the repository root, with '/' (an unreadable file: none, jest's own order). */
function recordedDurations() {
  try {
    return JSON.parse(readFileSync(durationsFile, 'utf8'));
  } catch (err) {
    process.stderr.write(`test/setup/sequencer.mjs: ${durationsFile} unreadable (${err.message}); files start in jest's own order\n`);
    return {};
  }
}
const recorded = recordedDurations();

export default class RecordedDurationSequencer extends Sequencer {
  time(test) {
    const seconds = recorded[path.relative(root, test.path).split(path.sep).join('/')];
    return super.time(test) ?? (seconds === undefined ? undefined : seconds * 1000);
  }
}
