import { chmodSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import type { PGlite } from '@electric-sql/pglite';
import type { EmbeddedCredentials } from './credentials.js';
import { NotificationSplitter, listenChanges, notificationChannel, type ListenChange } from './notifications.js';
import { SCRAM_MECHANISM, ScramVerifier, type ScramExchange } from './scram.js';

/** Where the multiplexer listens: a Unix socket file, or a loopback TCP port (0: any free one). */
export type ListenTarget = { path: string } | { port: number; host?: string };

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
 *
 * Every client authenticates first (SCRAM-SHA-256 with the data directory's credentials, see
 * scram.ts); until it has, none of its bytes reach the PGlite session.
 */
export class SessionMultiplexer {
  private server?: Server;
  private readonly queue: { conn: Connection; group: Buffer }[] = [];
  private processing = false;
  private transactionOwner?: Connection;
  private readonly connections = new Set<Connection>();
  private socketPath?: string;
  readonly verifier: ScramVerifier;

  constructor(
    private readonly db: PGlite,
    credentials: EmbeddedCredentials,
  ) {
    this.verifier = new ScramVerifier(credentials.user, credentials.password);
  }

  /** Listens; answers the TCP port (for a Unix socket, 0). */
  async listen(target: ListenTarget): Promise<number> {
    this.server = createServer((socket) => this.connections.add(new Connection(socket, this)));
    if ('path' in target) {
      // Only the owner of the data directory's lock gets here: a socket file left by a process
      // that died is stale.
      rmSync(target.path, { force: true });
    }
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      if ('path' in target) this.server!.listen(target.path, () => resolve());
      else this.server!.listen(target.port, target.host ?? '127.0.0.1', () => resolve());
    });
    if ('path' in target) {
      this.socketPath = target.path;
      chmodSync(target.path, 0o600); // besides the 0700 directory it is in
      return 0;
    }
    const address = this.server.address();
    return typeof address === 'object' && address ? address.port : target.port;
  }

  async close(): Promise<void> {
    for (const conn of this.connections) conn.socket.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    if (this.socketPath) rmSync(this.socketPath, { force: true });
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
const PASSWORD_MESSAGE = 0x70; // 'p': SASLInitialResponse and SASLResponse
/** PostgreSQL's limit for the start-up packet; also ours for the authentication messages. */
const MAX_STARTUP_LENGTH = 10_000;
/** PostgreSQL's authentication_timeout: a client that has not authenticated by then is dropped. */
const AUTHENTICATION_TIMEOUT_MS = 60_000;

/**
 * One client. Its state: 'startup' (SSLRequest, GSSENCRequest, CancelRequest or the
 * StartupMessage), 'authenticating' (the SCRAM exchange: only password messages), 'ready'
 * (everything goes to the shared session). Only 'ready' bytes ever reach PGlite.
 */
class Connection {
  private buffer: Buffer = Buffer.alloc(0);
  private state: 'startup' | 'authenticating' | 'ready' = 'startup';
  private startup?: Buffer;
  private user = '';
  private scram?: ScramExchange;
  private negotiations = 0;
  private readonly authTimer: NodeJS.Timeout;
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
    this.authTimer = setTimeout(() => this.refuse('08P01', '认证超时 (authentication timed out)'), AUTHENTICATION_TIMEOUT_MS);
    this.authTimer.unref();
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
    clearTimeout(this.authTimer);
    void this.mux.disconnected(this);
  }

  /** A FATAL ErrorResponse, as PostgreSQL sends it, then the end of the connection. */
  private refuse(code: string, message: string): void {
    if (this.closed) return;
    this.socket.end(errorResponse(code, message));
    this.buffer = Buffer.alloc(0);
    this.close();
  }

  private refusePassword(): void {
    const user = this.user.slice(0, 63);
    this.refuse('28P01', `用户 "${user}" 密码认证失败 (password authentication failed for user "${user}")`);
  }

  private receive(data: Buffer): void {
    if (this.closed) return;
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, data]) : data;
    while (!this.closed) {
      if (this.state === 'startup') {
        if (this.buffer.length < 8) return;
        const length = this.buffer.readInt32BE(0);
        if (length < 8 || length > MAX_STARTUP_LENGTH) return this.refuse('08P01', '启动包长度无效 (invalid length of startup packet)');
        if (this.buffer.length < length) return;
        const message = Buffer.from(this.buffer.subarray(0, length));
        this.buffer = this.buffer.subarray(length);
        this.startupPacket(message);
        continue;
      }
      if (this.buffer.length < 5) return;
      const length = this.buffer.readInt32BE(1) + 1;
      if (this.state === 'authenticating' && (length < 5 || length > MAX_STARTUP_LENGTH)) return this.refuse('08P01', '认证消息长度无效 (invalid length of authentication message)');
      if (length < 5) return this.fail(new Error('invalid message length'));
      if (this.buffer.length < length) return;
      const type = this.buffer[0];
      const message = this.buffer.subarray(0, length);
      this.buffer = this.buffer.subarray(length);
      if (type === TERMINATE) {
        this.socket.end();
        this.close();
        return;
      }
      if (this.state === 'authenticating') {
        this.authenticate(type, Buffer.from(message));
        continue;
      }
      this.pending.push(Buffer.from(message));
      if (GROUP_END.has(type)) {
        this.mux.enqueue(this, Buffer.concat(this.pending));
        this.pending = [];
      }
    }
  }

  private startupPacket(message: Buffer): void {
    const code = message.readInt32BE(4);
    if (code === SSL_REQUEST || code === GSSENC_REQUEST) {
      // As PostgreSQL without TLS or GSSAPI: 'N', and the client goes on in the clear.
      if (++this.negotiations > 2) return this.refuse('08P01', '重复的加密协商 (repeated encryption negotiation)');
      this.socket.write('N');
      return;
    }
    if (code === CANCEL_REQUEST) {
      // Cancelling would interrupt whichever client's query is running on the one shared
      // session, not the sender's: dropped unanswered (PostgreSQL never answers one either).
      this.socket.end();
      this.close();
      return;
    }
    if (code >> 16 !== 3) return this.refuse('0A000', `不支持的前端协议 ${code >> 16}.${code & 0xffff} (unsupported frontend protocol)`);
    this.user = startupParameters(message).get('user') ?? '';
    this.startup = message;
    this.scram = this.mux.verifier.exchange();
    this.state = 'authenticating';
    this.socket.write(authentication(10, Buffer.from(`${SCRAM_MECHANISM}\0\0`)));
  }

  /** A password message during the exchange; anything else there is a missing password. */
  private authenticate(type: number, message: Buffer): void {
    if (type !== PASSWORD_MESSAGE || !this.scram) return this.refusePassword();
    const body = message.subarray(5);
    if (!this.scram.started) {
      // SASLInitialResponse: mechanism, then the length of the data and the data.
      const nul = body.indexOf(0);
      if (nul < 0 || body.subarray(0, nul).toString('latin1') !== SCRAM_MECHANISM || body.length < nul + 5) return this.refusePassword();
      const dataLength = body.readInt32BE(nul + 1);
      const data = body.subarray(nul + 5);
      if (dataLength !== data.length) return this.refusePassword();
      const step = this.scram.clientFirst(data.toString('utf8'));
      if (!step.ok) return this.refusePassword();
      this.socket.write(authentication(11, Buffer.from(step.reply)));
      return;
    }
    const step = this.scram.clientFinal(body.toString('utf8'));
    // Every user name goes through the whole exchange and fails the same way, as in PostgreSQL.
    if (!step.ok || this.user !== this.mux.verifier.user) return this.refusePassword();
    this.socket.write(authentication(12, Buffer.from(step.reply)));
    clearTimeout(this.authTimer);
    this.state = 'ready';
    this.scram = undefined;
    // Only now does the session see this client: PGlite answers the start-up message with
    // AuthenticationOk, the parameters and ReadyForQuery.
    this.mux.enqueue(this, this.startup!);
    this.startup = undefined;
  }
}

function startupParameters(message: Buffer): Map<string, string> {
  const fields = message.subarray(8).toString('utf8').split('\0');
  const parameters = new Map<string, string>();
  for (let i = 0; i + 1 < fields.length && fields[i]; i += 2) parameters.set(fields[i], fields[i + 1]);
  return parameters;
}

/** An Authentication message ('R'): its code (10 SASL, 11 SASLContinue, 12 SASLFinal) and data. */
function authentication(code: number, data: Buffer): Buffer {
  const head = Buffer.alloc(9);
  head.write('R', 0, 'latin1');
  head.writeInt32BE(8 + data.length, 1);
  head.writeInt32BE(code, 5);
  return Buffer.concat([head, data]);
}

export function errorResponse(code: string, message: string): Buffer {
  const fields = Buffer.from(`SFATAL\0VFATAL\0C${code}\0M${message}\0\0`, 'utf8');
  const head = Buffer.alloc(5);
  head.write('E', 0, 'latin1');
  head.writeInt32BE(4 + fields.length, 1);
  return Buffer.concat([head, fields]);
}
