import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** A real SMTP server on a free loopback port that keeps what it receives, or refuses it on demand. */
export class Inbox {
  readonly messages: ParsedMail[] = [];
  /** Answer the next n messages with 421 (try again later). */
  failNext = 0;
  /** Refuse every message with 550. */
  refuse = false;
  port = 0;
  private readonly server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData: (stream, _session, callback) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', async () => {
        if (this.refuse) return callback(Object.assign(new Error('mailbox unavailable'), { responseCode: 550 }));
        if (this.failNext > 0) {
          this.failNext--;
          return callback(Object.assign(new Error('try again later'), { responseCode: 421 }));
        }
        this.messages.push(await simpleParser(Buffer.concat(chunks)));
        callback();
      });
    },
  });

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', () => resolve()));
    this.port = (this.server.server.address() as { port: number }).port;
  }

  /** The messages addressed to `address`. */
  to(address: string): ParsedMail[] {
    return this.messages.filter((m) => JSON.stringify(m.to).includes(address));
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
