/**
 * LISTEN/NOTIFY through one shared session. PGlite writes a NotificationResponse into the output
 * of whichever client's query is running when the notification is delivered (usually the
 * notifier's), so the clients that listen would never hear it: BullMQ's workers then sleep
 * until their poll timer (up to the next delayed job, minutes away) instead of waking at once.
 * These helpers let the multiplexer see who listens to what and hand notifications to them.
 */

const NOTIFICATION_RESPONSE = 0x41; // 'A'
const QUERY = 0x51; // 'Q'
const PARSE = 0x50; // 'P'

export type ListenChange = { kind: 'listen' | 'unlisten'; channel: string };

/** The LISTEN / UNLISTEN statements in a group of frontend messages (simple or extended query). */
export function listenChanges(group: Buffer): ListenChange[] {
  const changes: ListenChange[] = [];
  for (let at = 0; at + 5 <= group.length; ) {
    const type = group[at];
    const end = at + 1 + group.readInt32BE(at + 1);
    if (type === QUERY || type === PARSE) {
      let text = group.subarray(at + 5, end);
      if (type === PARSE) text = text.subarray(text.indexOf(0) + 1); // skip the statement name
      const sql = text.subarray(0, Math.max(text.indexOf(0), 0)).toString('utf8');
      if (/listen/i.test(sql)) changes.push(...parseListen(sql));
    }
    at = end;
  }
  return changes;
}

function parseListen(sql: string): ListenChange[] {
  const statements = sql.replace(/--[^\n]*/g, '').replace(/\/\*[\s\S]*?\*\//g, '').split(';');
  const changes: ListenChange[] = [];
  for (const statement of statements) {
    const m = /^\s*(UNLISTEN|LISTEN)\s+("(?:[^"]|"")+"|\*|[^\s;]+)\s*$/i.exec(statement);
    if (!m) continue;
    const channel = m[2].startsWith('"') ? m[2].slice(1, -1).replace(/""/g, '"') : m[2] === '*' ? '*' : m[2].toLowerCase();
    changes.push({ kind: m[1].toUpperCase() === 'LISTEN' ? 'listen' : 'unlisten', channel });
  }
  return changes;
}

/** The channel a NotificationResponse message is for. */
export function notificationChannel(message: Buffer): string {
  const start = 9; // type, length, sender pid
  return message.subarray(start, message.indexOf(0, start)).toString('utf8');
}

/**
 * Splits one client's backend output, which arrives in arbitrary chunks, into what goes to that
 * client (everything but notifications, passed through without copying) and the notification
 * messages, each whole, for the caller to route.
 */
export class NotificationSplitter {
  /** Bytes still to pass through of a message whose header was seen. */
  private passing = 0;
  /** A message header or notification split across chunks. */
  private partial: Buffer = Buffer.alloc(0);

  constructor(
    private readonly toClient: (data: Buffer) => void,
    private readonly onNotification: (message: Buffer) => void,
  ) {}

  push(chunk: Buffer): void {
    let at = 0;
    let from = 0; // start of the bytes to pass through
    const flush = (to: number) => {
      if (to > from) this.toClient(chunk.subarray(from, to));
    };
    while (at < chunk.length) {
      if (this.passing > 0) {
        const n = Math.min(this.passing, chunk.length - at);
        this.passing -= n;
        at += n;
        continue;
      }
      if (this.partial.length === 0 && chunk.length - at >= 5) {
        const length = 1 + chunk.readInt32BE(at + 1);
        if (chunk[at] !== NOTIFICATION_RESPONSE) {
          this.passing = length;
          continue;
        }
        if (chunk.length - at >= length) {
          flush(at);
          this.onNotification(Buffer.from(chunk.subarray(at, at + length)));
          at += length;
          from = at;
          continue;
        }
      }
      // A header or a notification cut by the chunk's end: keep it until the rest comes.
      flush(at);
      const want = this.partial.length >= 5 ? 1 + this.partial.readInt32BE(1) : 5;
      const take = Math.min(want - this.partial.length, chunk.length - at);
      this.partial = Buffer.concat([this.partial, chunk.subarray(at, at + take)]);
      at += take;
      from = at;
      if (this.partial.length < 5) continue;
      const length = 1 + this.partial.readInt32BE(1);
      if (this.partial[0] !== NOTIFICATION_RESPONSE) {
        this.toClient(this.partial);
        this.passing = length - this.partial.length;
        this.partial = Buffer.alloc(0);
      } else if (this.partial.length === length) {
        this.onNotification(this.partial);
        this.partial = Buffer.alloc(0);
      }
    }
    flush(at);
  }
}
