// The order test files start in. Jest starts the files it remembers as slowest first, so that no
// long file is left running alone at the end; but it remembers only on the machine that ran them
// (its cache), and a fresh clone, as CI is, would start the largest files first instead, which
// left the 90-second thin path running alone for the last half-minute. Here a file jest has no
// time for takes the one recorded in durations.json (seconds, from a run on the 2-core machine;
// test/setup/record-durations.mjs rewrites it). A file in neither, a new one, starts first.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Sequencer from '@jest/test-sequencer';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const recorded = JSON.parse(readFileSync(path.join(root, 'test/setup/durations.json'), 'utf8'));

export default class RecordedDurationSequencer extends Sequencer {
  time(test) {
    const seconds = recorded[path.relative(root, test.path)];
    return super.time(test) ?? (seconds === undefined ? undefined : seconds * 1000);
  }
}
