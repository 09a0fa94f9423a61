import { appendFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { DataSource } from 'typeorm';
import type { AppConfig } from '@sunlight/config';
import { checkpointMac, type Checkpoint } from './canonical.js';
import { AuditCheckpoints } from './checkpoints.js';

const KEY = Buffer.alloc(32, 1);
const OTHER_KEY = Buffer.alloc(32, 2);

const line = (eventId: number, key = KEY) => {
  const point = { eventId: String(eventId), hash: String(eventId % 10).repeat(64), at: `2026-03-0${1 + (eventId % 9)}T00:00:00.000Z` };
  const checkpoint: Checkpoint = { ...point, mac: checkpointMac(key, point) };
  return `${JSON.stringify(checkpoint)}\n`;
};

// latest() reads only the file: no database is reached in these tests.
describe('the newest signed checkpoint of the file', () => {
  let dir: string;
  let file: string;
  let checkpoints: AuditCheckpoints;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'sunlight-checkpoints-'));
    file = path.join(dir, 'audit-checkpoints.jsonl');
    checkpoints = new AuditCheckpoints(undefined as unknown as DataSource, KEY, { dataDir: dir, audit: { checkpointIntervalMs: 60_000 } } as AppConfig);
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('follows lines appended after it was read, by this process or another, and only whole lines signed with the key', async () => {
    expect(await checkpoints.latest()).toBeUndefined();
    await writeFile(file, line(3) + line(7));
    expect((await checkpoints.latest())?.eventId).toBe('7');
    await appendFile(file, line(9));
    expect((await checkpoints.latest())?.eventId).toBe('9');
    // Signed with another key, and a line still being written: neither counts.
    await appendFile(file, line(20, OTHER_KEY) + line(12).slice(0, 40));
    expect((await checkpoints.latest())?.eventId).toBe('9');
    await appendFile(file, line(12).slice(40));
    expect((await checkpoints.latest())?.eventId).toBe('12');
    // Nothing new.
    expect((await checkpoints.latest())?.eventId).toBe('12');
  });

  it('reads the file anew when it was cut or rewritten, not trusting what it read before', async () => {
    await writeFile(file, line(3) + line(7) + line(9));
    expect((await checkpoints.latest())?.eventId).toBe('9');
    // Rewritten with as many bytes or more: the line read last is not there any more.
    await writeFile(file, line(4) + line(5) + line(6) + line(8));
    expect((await checkpoints.latest())?.eventId).toBe('8');
    // Cut.
    await writeFile(file, line(2));
    expect((await checkpoints.latest())?.eventId).toBe('2');
    await rm(file);
    expect(await checkpoints.latest()).toBeUndefined();
  });

  it('finds the newest in the last 64 KB of a long file', async () => {
    await writeFile(file, Array.from({ length: 600 }, (_, i) => line(i + 1)).join(''));
    expect((await checkpoints.latest())?.eventId).toBe('600');
    await appendFile(file, line(601));
    expect((await checkpoints.latest())?.eventId).toBe('601');
  });
});
