import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { loadConfig } from '@sunlight/config';
import { openDatabase, type DatabaseEndpoint } from '@sunlight/database';
import { median, say } from './support.js';

/**
 * The embedded database's socket (issue 12): round trips through the session multiplexer over
 * loopback TCP and over a Unix socket in the data directory, in the same run, rounds taken in
 * turn so that the machine's other load falls on both alike. Both require the password; the
 * handshake (SCRAM-SHA-256) is measured too, as connections per second.
 */
export async function socketBenchmark(selects = 1000, bulkQueries = 5, rounds = 11) {
  const dirs: string[] = [];
  const endpoints: Record<'tcp' | 'unix', DatabaseEndpoint> = {} as never;
  for (const transport of ['tcp', 'unix'] as const) {
    const dir = mkdtempSync(path.join(os.tmpdir(), `sunlight-bench-${transport}-`));
    dirs.push(dir);
    // A port named in the configuration means TCP; none (and a short path) the Unix socket.
    const config = loadConfig({ SUNLIGHT_DATA_DIR: dir, SUNLIGHT_EMBEDDED_DB_PORT: transport === 'tcp' ? String(await freePort()) : '0' }, { logLevel: 'warn' });
    endpoints[transport] = await openDatabase(config, { role: 'test' });
  }
  say(`tcp: ${endpoints.tcp.description}\nunix: ${endpoints.unix.description}`);
  const times: Record<'tcp' | 'unix', { select1: number[]; bulk: number[]; connect: number[] }> = {
    tcp: { select1: [], bulk: [], connect: [] },
    unix: { select1: [], bulk: [], connect: [] },
  };
  try {
    for (let round = 0; round < rounds; round++) {
      for (const transport of round % 2 ? (['unix', 'tcp'] as const) : (['tcp', 'unix'] as const)) {
        const connection = endpoints[transport].connection;
        const client = new pg.Client(connection);
        await client.connect();
        let t = performance.now();
        for (let i = 0; i < selects; i++) await client.query('SELECT 1');
        times[transport].select1.push(((performance.now() - t) / selects) * 1000); // µs per query
        t = performance.now();
        // About 2.3 MB of rows a query.
        for (let i = 0; i < bulkQueries; i++) await client.query(`SELECT g, repeat('x', 100) AS pad FROM generate_series(1, 20000) g`);
        times[transport].bulk.push((performance.now() - t) / bulkQueries); // ms per query
        await client.end();
        t = performance.now();
        for (let i = 0; i < 20; i++) {
          const c = new pg.Client(connection);
          await c.connect();
          await c.end();
        }
        times[transport].connect.push((performance.now() - t) / 20); // ms per connection
      }
    }
  } finally {
    for (const endpoint of Object.values(endpoints)) await endpoint.close();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  }
  const figure = (transport: 'tcp' | 'unix') => ({
    select1Micros: round1(median(times[transport].select1)),
    bulkMillis: round1(median(times[transport].bulk)),
    connectMillis: round1(median(times[transport].connect)),
  });
  const tcp = figure('tcp');
  const unix = figure('unix');
  // Each round's pair measured back to back: the median of their ratios is steadier on a busy
  // machine than the ratio of the medians.
  const paired = (key: 'select1' | 'bulk' | 'connect') => round2(median(times.unix[key].map((u, i) => u / times.tcp[key][i])));
  return {
    selects,
    bulkQueries,
    rounds,
    tcp,
    unix,
    // Below 1: the Unix socket is faster.
    ratioUnixToTcp: { select1: paired('select1'), bulk: paired('bulk'), connect: paired('connect') },
  };
}

const round1 = (n: number) => Math.round(n * 10) / 10;
const round2 = (n: number) => Math.round(n * 100) / 100;

async function freePort(): Promise<number> {
  const net = await import('node:net');
  return new Promise((resolve) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
