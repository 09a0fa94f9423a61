import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * The server side of SCRAM-SHA-256 (RFC 5802, RFC 7677) as PostgreSQL speaks it, for the
 * embedded database's socket.
 *
 * Why SCRAM rather than MD5 or a cleartext password (node-postgres speaks all three): with
 * SCRAM the password never crosses the socket and nothing that does can be replayed (an MD5
 * answer is md5(md5(password + user) + salt), and md5(password + user) is as good as the
 * password); and the server proves in turn that it knows the password, so a process that
 * squats the port after the owner has gone learns nothing from a CLI that connects to it.
 * The server keeps only the derived keys, not the password.
 */
export const SCRAM_MECHANISM = 'SCRAM-SHA-256';
/** PostgreSQL's default (scram_iterations); the client pays it once per connection. */
const ITERATIONS = 4096;

export class ScramVerifier {
  private readonly salt = randomBytes(16);
  private readonly storedKey: Buffer;
  private readonly serverKey: Buffer;

  constructor(
    readonly user: string,
    password: string,
  ) {
    // node-postgres applies SASLprep to the password; ours is base64url, which it leaves as is.
    const salted = pbkdf2Sync(password, this.salt, ITERATIONS, 32, 'sha256');
    this.storedKey = sha256(hmac(salted, 'Client Key'));
    this.serverKey = hmac(salted, 'Server Key');
  }

  /** One client's exchange. */
  exchange(): ScramExchange {
    return new ScramExchange(this.salt, ITERATIONS, this.storedKey, this.serverKey);
  }
}

export type ScramStep = { ok: true; reply: string } | { ok: false; reason: string };

/**
 * client-first → server-first (nonce, salt, iterations); client-final (proof) → server-final
 * (the server's signature). Each step answers the message to send or why the client is refused.
 */
export class ScramExchange {
  private clientFirstBare?: string;
  private gs2Header?: string;
  private serverFirst?: string;
  private nonce?: string;
  private done = false;

  constructor(
    private readonly salt: Buffer,
    private readonly iterations: number,
    private readonly storedKey: Buffer,
    private readonly serverKey: Buffer,
  ) {}

  /** The client-first message has been received. */
  get started(): boolean {
    return this.serverFirst !== undefined;
  }

  /** The SASLInitialResponse's data: `n,,n=user,r=nonce` (the user name is in the start-up message). */
  clientFirst(message: string): ScramStep {
    if (this.serverFirst) return { ok: false, reason: 'client-first message sent twice' };
    // gs2 header: 'n' (no channel binding) or 'y' (client could, thinks the server cannot);
    // 'p=…' asks for channel binding, which a socket without TLS cannot offer.
    const m = /^([ny]),(a=[^,]*)?,(n=[^,]*,r=([\x21-\x2b\x2d-\x7e]+))$/.exec(message);
    if (!m) return { ok: false, reason: 'malformed client-first message' };
    this.gs2Header = `${m[1]},${m[2] ?? ''},`;
    this.clientFirstBare = m[3];
    this.nonce = m[4] + randomBytes(18).toString('base64');
    this.serverFirst = `r=${this.nonce},s=${this.salt.toString('base64')},i=${this.iterations}`;
    return { ok: true, reply: this.serverFirst };
  }

  /** The SASLResponse's data: `c=<gs2 header, base64>,r=nonce,p=<proof, base64>`. */
  clientFinal(message: string): ScramStep {
    if (!this.serverFirst || this.done) return { ok: false, reason: 'client-final message out of order' };
    this.done = true;
    const m = /^(c=([A-Za-z0-9+/=]*),r=([^,]*)),p=([A-Za-z0-9+/=]+)$/.exec(message);
    if (!m) return { ok: false, reason: 'malformed client-final message' };
    if (Buffer.from(m[2], 'base64').toString('latin1') !== this.gs2Header) return { ok: false, reason: 'channel binding does not match' };
    if (m[3] !== this.nonce) return { ok: false, reason: 'nonce does not match' };
    const proof = Buffer.from(m[4], 'base64');
    if (proof.length !== this.storedKey.length) return { ok: false, reason: 'malformed proof' };
    const authMessage = `${this.clientFirstBare},${this.serverFirst},${m[1]}`;
    const clientKey = xor(proof, hmac(this.storedKey, authMessage));
    if (!timingSafeEqual(sha256(clientKey), this.storedKey)) return { ok: false, reason: 'wrong password' };
    return { ok: true, reply: `v=${hmac(this.serverKey, authMessage).toString('base64')}` };
  }
}

function hmac(key: Buffer, text: string): Buffer {
  return createHmac('sha256', key).update(text).digest();
}

function sha256(data: Buffer): Buffer {
  return createHash('sha256').update(data).digest();
}

function xor(a: Buffer, b: Buffer): Buffer {
  const out = Buffer.alloc(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i] ^ b[i];
  return out;
}
