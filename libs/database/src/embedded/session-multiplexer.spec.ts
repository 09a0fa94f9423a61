import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { NotificationSplitter, listenChanges } from './notifications.js';
import { SessionMultiplexer } from './session-multiplexer.js';

const PASSWORD = 'a-password-for-the-multiplexer-tests';

describe('LISTEN/NOTIFY through the session multiplexer', () => {
  let db: PGlite;
  let mux: SessionMultiplexer;
  let port: number;
  const clients: pg.Client[] = [];
  const connect = async () => {
    const client = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', password: PASSWORD, database: 'postgres' });
    await client.connect();
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    db = await PGlite.create();
    mux = new SessionMultiplexer(db, { user: 'postgres', password: PASSWORD });
    port = await mux.listen({ port: 0 });
  });
  afterAll(async () => {
    for (const c of clients) await c.end().catch(() => undefined);
    await mux.close();
    await db.close();
  });

  it('wakes the client that listens, not the one that notified', async () => {
    const listener = await connect();
    const producer = await connect();
    const heard: string[] = [];
    const producerHeard: string[] = [];
    listener.on('notification', (m) => heard.push(`${m.channel}:${m.payload}`));
    producer.on('notification', (m) => producerHeard.push(`${m.channel}:${m.payload}`));
    await listener.query('-- as BullMQ words it\nLISTEN bullmq_jobs;');
    const woken = new Promise<void>((resolve) => listener.once('notification', () => resolve()));
    await producer.query(`SELECT pg_notify('bullmq_jobs', 'digests')`);
    await producer.query(`SELECT pg_notify('other_channel', 'x')`);
    await woken; // no timer: without routing this never resolves and the test times out
    await listener.query('SELECT 1');
    expect(heard).toEqual(['bullmq_jobs:digests']);
    expect(producerHeard).toEqual([]);
  });
});

describe('NotificationSplitter', () => {
  const message = (type: string, body: Buffer) => {
    const head = Buffer.alloc(5);
    head.write(type, 0);
    head.writeInt32BE(body.length + 4, 1);
    return Buffer.concat([head, body]);
  };
  const notification = (channel: string, payload: string) =>
    message('A', Buffer.concat([Buffer.from([0, 0, 0, 7]), Buffer.from(`${channel}\0${payload}\0`)]));

  it('takes notifications out of a stream cut anywhere, passing the rest through unchanged', () => {
    const rows = [message('D', Buffer.from('row one')), notification('bullmq_jobs', 'checks'), message('D', Buffer.from('row two')), message('Z', Buffer.from('I'))];
    const stream = Buffer.concat(rows);
    for (const size of [1, 2, 3, 7, 13, stream.length]) {
      const passed: Buffer[] = [];
      const heard: Buffer[] = [];
      const splitter = new NotificationSplitter((d) => passed.push(Buffer.from(d)), (m) => heard.push(m));
      for (let at = 0; at < stream.length; at += size) splitter.push(stream.subarray(at, at + size));
      expect(Buffer.concat(passed)).toEqual(Buffer.concat([rows[0], rows[2], rows[3]]));
      expect(heard).toEqual([rows[1]]);
    }
  });

  it('reads LISTEN and UNLISTEN from simple and extended queries', () => {
    const q = message('Q', Buffer.from('-- comment\nLISTEN "Mixed";UNLISTEN *\0'));
    const p = message('P', Buffer.from('stmt\0LISTEN bullmq_events\0\0\0'));
    expect(listenChanges(Buffer.concat([q, p]))).toEqual([
      { kind: 'listen', channel: 'Mixed' },
      { kind: 'unlisten', channel: '*' },
      { kind: 'listen', channel: 'bullmq_events' },
    ]);
  });
});
