import { createServer, type Server, type Socket } from 'node:net';
import type { PGlite } from '@electric-sql/pglite';
import { NotificationSplitter, listenChanges, notificationChannel, type ListenChange } from './notifications.js';

/**
 * Serves one PGlite session to many PostgreSQL clients (TypeORM's pool, BullMQ, the CLI).
 *
 * Why not pglite-socket's server as is: it interleaves clients message by message, so one
 * client's Parse can land between another's Parse and Bind on the single session ("unnamed
 * prepared statement does not exist"). Here each client's messages are executed in groups up to
 * the end of a query cycle (Sync, simple Query or Flush), atomically; and while a client holds
 * an open transaction, only that client is served (the others wait; so never hold a
 * transaction open while awaiting other work). Notifications go to the clients that LISTEN to
 * their channel, not to whoever's query happened to be running (see notifications.ts).
 */
export class SessionMultiplexer {
  private server?: Server;
  private readonly queue: { conn: Connection; group: Buffer }[] = [];
  private processing = false;
  private transactionOwner?: Connection;
  private readonly connections = new Set<Connection>();

  constructor(private readonly db: PGlite) {}

  async listen(port: number, host = '127.0.0.1'): Promise<number> {
    this.server = createServer((socket) => this.connections.add(new Connection(socket, this)));
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(port, host, () => resolve());
    });
    const address = this.server.address();
    return typeof address === 'object' && address ? address.port : port;
  }

  async close(): Promise<void> {
    for (const conn of this.connections) conn.socket.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    // Let a group that is executing finish before the database closes.
    while (this.processing) await new Promise((r) => setTimeout(r, 10));
  }

  enqueue(conn: Connection, group: Buffer): void {
    this.queue.push({ conn, group });
    void this.process();
  }

  async disconnected(conn: Connection): Promise<void> {
    this.connections.delete(conn);
    for (let i = this.queue.length - 1; i >= 0; i--) if (this.queue[i].conn === conn) this.queue.splice(i, 1);
    if (this.transactionOwner === conn) {
      // A client that vanished inside a transaction must not block everyone else.
      this.transactionOwner = undefined;
      await this.db.exec('ROLLBACK').catch(() => undefined);
    }
    void this.process();
  }

  /**
   * Hands a notification to every client listening to its channel. Another client is idle
   * between its own groups, so the message lands between two of its messages, where the
   * protocol allows asynchronous ones.
   */
  private notify(message: Buffer): void {
    const channel = notificationChannel(message);
    for (const conn of this.connections) if (conn.listensTo(channel)) conn.write(message);
  }

  private async process(): Promise<void> {
    if (this.processing) return;
    this.processing = true;
    try {
      for (;;) {
        const index = this.transactionOwner ? this.queue.findIndex((q) => q.conn === this.transactionOwner) : 0;
        if (index < 0 || !this.queue.length) break;
        const [{ conn, group }] = this.queue.splice(index, 1);
        if (conn.closed) continue;
        for (const change of listenChanges(group)) conn.track(change);
        const output = new NotificationSplitter((data) => conn.write(data), (message) => this.notify(message));
        try {
          await this.db.runExclusive(() =>
            this.db.execProtocolRawStream(new Uint8Array(group), { onRawData: (data) => output.push(Buffer.from(data)) }),
          );
        } catch (err) {
          conn.fail(err as Error);
        }
        this.transactionOwner = this.db.isInTransaction() ? conn : undefined;
      }
    } finally {
      this.processing = false;
    }
  }
}

const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;
const CANCEL_REQUEST = 80877102;
/** Sync, simple Query, Flush: the end of a client's query cycle. */
const GROUP_END = new Set([0x53, 0x51, 0x48]);
const TERMINATE = 0x58;

class Connection {
  private buffer: Buffer = Buffer.alloc(0);
  private started = false;
  private pending: Buffer[] = [];
  private readonly channels = new Set<string>();
  closed = false;

  constructor(
    readonly socket: Socket,
    private readonly mux: SessionMultiplexer,
  ) {
    socket.setNoDelay(true);
    socket.on('data', (data) => this.receive(data));
    socket.on('error', () => this.close());
    socket.on('close', () => this.close());
  }

  track(change: ListenChange): void {
    if (change.kind === 'listen') this.channels.add(change.channel);
    else if (change.channel === '*') this.channels.clear();
    else this.channels.delete(change.channel);
  }

  listensTo(channel: string): boolean {
    return this.channels.has(channel);
  }

  write(data: Buffer): void {
    if (!this.closed && data.length) this.socket.write(data);
  }

  fail(err: Error): void {
    this.socket.destroy(err);
    this.close();
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    void this.mux.disconnected(this);
  }

  private receive(data: Buffer): void {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, data]) : data;
    for (;;) {
      if (!this.started) {
        if (this.buffer.length < 8) return;
        const length = this.buffer.readInt32BE(0);
        if (this.buffer.length < length) return;
        const code = this.buffer.readInt32BE(4);
        const message = this.buffer.subarray(0, length);
        this.buffer = this.buffer.subarray(length);
        if (code === SSL_REQUEST || code === GSSENC_REQUEST) {
          this.socket.write('N'); // no encryption on the loopback socket
          continue;
        }
        if (code === CANCEL_REQUEST) {
          this.socket.end();
          return;
        }
        this.started = true;
        this.mux.enqueue(this, Buffer.from(message));
        continue;
      }
      if (this.buffer.length < 5) return;
      const length = this.buffer.readInt32BE(1) + 1;
      if (this.buffer.length < length) return;
      const type = this.buffer[0];
      const message = this.buffer.subarray(0, length);
      this.buffer = this.buffer.subarray(length);
      if (type === TERMINATE) {
        this.socket.end();
        this.close();
        return;
      }
      this.pending.push(Buffer.from(message));
      if (GROUP_END.has(type)) {
        this.mux.enqueue(this, Buffer.concat(this.pending));
        this.pending = [];
      }
    }
  }
}
