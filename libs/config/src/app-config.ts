import path from 'node:path';
import { repoRoot } from '@sunlight/common';

/**
 * Every setting Sunlight reads from the environment, validated once at start-up.
 * README.md lists the same variables; keep the two in step.
 */
export interface AppConfig {
  /** HTTP port of the API and web console. */
  port: number;
  host: string;
  /** Native PostgreSQL; absent means the embedded PGlite database under dataDir. */
  databaseUrl?: string;
  /**
   * The role that owns the schema and runs the migrations (DATABASE_OWNER_URL, default
   * DATABASE_URL). When it names another role than DATABASE_URL, the application's own role
   * gets only what the migrations grant it: it cannot alter or rewrite the audit trail.
   */
  databaseOwnerUrl?: string;
  /** Redis for BullMQ; absent means BullMQ's PostgreSQL backend in the application database. */
  redisUrl?: string;
  /** Embedded database, uploads and other files. */
  dataDir: string;
  /** Default programs, rules and deadlines. */
  configDir: string;
  /** Run queue processors inside the API process (the embedded default does). */
  inlineWorker: boolean;
  /**
   * HTTP processes of the API sharing its port (node:cluster); only on PostgreSQL with Redis.
   * The first of them alone runs what must run once (the inline worker, the demo loading).
   */
  apiProcesses: number;
  /** Load the demo data on the first start of an empty database. */
  demo: boolean;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Connections per process. The embedded database serves one session, so keep it small. */
  dbPoolSize: number;
  /** Largest accepted upload, in bytes. */
  uploadLimitBytes: number;
  /** Loopback TCP port of the embedded database's socket; 0: a Unix socket in dataDir (any free port when its path is too long). */
  embeddedDbPort: number;
  /**
   * Namespace of the queues in Redis, so that installations can share one Redis; in braces
   * (`{sunlight}`), a hash tag that keeps every queue's keys in one slot of a Redis Cluster.
   */
  queuePrefix: string;
  /** A batch of at least this many rows is stored as a partition of its own (indexed by sort). */
  batchPartitionRows: number;
  /** Rules a check run applies at once (each on its own connection). */
  checkConcurrency: number;
  /** Append log lines to this file instead of stdout/stderr. */
  logFile?: string;
  /** Key of the access tokens; absent: one made at the first start and kept in the database. */
  jwtSecret?: string;
  /** Sign-ins per minute per address (refreshing a session may do six times as many). */
  loginRate: number;
  /** Uploads per minute per address. */
  uploadRate: number;
  /**
   * argon2id's cost for new password hashes (a stored hash keeps the cost it was made with):
   * memory in KiB and passes, no lower than OWASP's floor (19 MiB, 2 passes).
   */
  passwordHash: { memoryKib: number; passes: number };
  /** The audit trail's key and its checkpoints outside the database. */
  audit: {
    /** SUNLIGHT_AUDIT_KEY, decoded; absent: keyFile, else `<dataDir>/audit.key` (made at first start). */
    key?: Buffer;
    /** SUNLIGHT_AUDIT_KEY_FILE: a file holding the key in hex or base64. */
    keyFile?: string;
    /** Longest time between an append and its signed checkpoint in `<dataDir>/audit-checkpoints.jsonl` (ms). */
    checkpointIntervalMs: number;
  };
  /** The command line. */
  cli: {
    /** The name its imports, check runs and closures are recorded under: the login name (USER). */
    operator: string;
    /** Password of `users create` / `users reset`; absent: a random one, printed once. */
    newPassword?: string;
  };
  /** Digest delivery. */
  mail: {
    /** smtp(s)://user:password@host:port; absent: digests are stored with status not-configured. */
    smtpUrl?: string;
    from: string;
    /** Digests are signed to this webhook too (for the office chat system) when set. */
    webhookUrl?: string;
    webhookSecret?: string;
    /** Where the links in a digest point (the web console). */
    consoleUrl: string;
    /** First retry delay of a failed delivery (ms); doubled each attempt. */
    retryDelayMs: number;
    attempts: number;
  };
}

type Env = Record<string, string | undefined>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('; '));
    this.name = 'ConfigError';
  }
}

/** Reads and validates the environment; throws ConfigError naming every bad variable. */
export function loadConfig(env: Env = process.env, defaults: { logLevel?: AppConfig['logLevel'] } = {}): AppConfig {
  const problems: string[] = [];
  const str = (name: string) => {
    const v = env[name]?.trim();
    return v === '' ? undefined : v;
  };
  const int = (name: string, fallback: number, min: number, max: number) => {
    const raw = str(name);
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) {
      problems.push(`${name} must be a whole number from ${min} to ${max} (got "${raw}")`);
      return fallback;
    }
    return n;
  };
  const bool = (name: string, fallback: boolean) => {
    const raw = str(name)?.toLowerCase();
    if (raw === undefined) return fallback;
    if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
    if (['0', 'false', 'no', 'off'].includes(raw)) return false;
    problems.push(`${name} must be true or false (got "${raw}")`);
    return fallback;
  };
  const url = (name: string, protocols: string[], example: string, kind = name.startsWith('DATABASE_') ? 'postgres' : 'redis') => {
    const raw = str(name);
    if (raw === undefined) return undefined;
    let parsed: URL | undefined;
    try {
      parsed = new URL(raw);
    } catch {
      parsed = undefined;
    }
    if (!parsed || !protocols.includes(parsed.protocol) || !parsed.hostname) {
      problems.push(`${name} is not a ${kind} URL (expected ${example})`);
      return undefined;
    }
    return raw;
  };

  const auditKey = (raw: string | undefined) => {
    if (raw === undefined) return undefined;
    const key = decodeAuditKey(raw);
    // The value itself is never echoed.
    if (typeof key === 'string') problems.push(`SUNLIGHT_AUDIT_KEY ${key}`);
    return typeof key === 'string' ? undefined : key;
  };

  const databaseUrl = url('DATABASE_URL', ['postgres:', 'postgresql:'], 'postgres://user:password@host:5432/database');
  const databaseOwnerUrl = url('DATABASE_OWNER_URL', ['postgres:', 'postgresql:'], 'postgres://owner:password@host:5432/database');
  if (databaseOwnerUrl && !databaseUrl) problems.push('DATABASE_OWNER_URL needs DATABASE_URL (the embedded database has one role)');
  const redisUrl = url('REDIS_URL', ['redis:', 'rediss:'], 'redis://host:6379');
  const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
  const logLevel = (str('LOG_LEVEL') ?? defaults.logLevel ?? 'info') as AppConfig['logLevel'];
  if (!logLevels.includes(logLevel)) problems.push(`LOG_LEVEL must be one of ${logLevels.join(', ')} (got "${logLevel}")`);
  const embedded = databaseUrl === undefined;

  const config: AppConfig = {
    port: int('PORT', 3000, 0, 65535),
    host: str('HOST') ?? '127.0.0.1',
    databaseUrl,
    databaseOwnerUrl: databaseUrl && (databaseOwnerUrl ?? databaseUrl),
    redisUrl,
    dataDir: path.resolve(str('SUNLIGHT_DATA_DIR') ?? 'data'),
    configDir: path.resolve(str('SUNLIGHT_CONFIG_DIR') ?? path.join(repoRoot(), 'config')),
    inlineWorker: bool('SUNLIGHT_INLINE_WORKER', true),
    apiProcesses: int('SUNLIGHT_API_PROCESSES', 1, 1, 64),
    demo: bool('SUNLIGHT_DEMO', embedded),
    logLevel,
    dbPoolSize: int('SUNLIGHT_DB_POOL', embedded ? 4 : 10, 1, 200),
    uploadLimitBytes: int('SUNLIGHT_UPLOAD_LIMIT_MB', 512, 1, 100_000) * 1024 * 1024,
    embeddedDbPort: int('SUNLIGHT_EMBEDDED_DB_PORT', 0, 0, 65535),
    queuePrefix: str('SUNLIGHT_QUEUE_PREFIX') ?? 'sunlight',
    batchPartitionRows: int('SUNLIGHT_BATCH_PARTITION_ROWS', 200_000, 1, 100_000_000),
    // The embedded database has one session: rules would only queue behind each other there.
    checkConcurrency: int('SUNLIGHT_CHECK_CONCURRENCY', embedded ? 1 : 2, 1, 16),
    logFile: str('SUNLIGHT_LOG_FILE') ? path.resolve(str('SUNLIGHT_LOG_FILE')!) : undefined,
    jwtSecret: str('SUNLIGHT_JWT_SECRET'),
    loginRate: int('SUNLIGHT_LOGIN_RATE', 10, 1, 100_000),
    uploadRate: int('SUNLIGHT_UPLOAD_RATE', 30, 1, 100_000),
    passwordHash: { memoryKib: int('SUNLIGHT_ARGON2_MEMORY_KIB', 65_536, 19_456, 4_194_304), passes: int('SUNLIGHT_ARGON2_PASSES', 3, 2, 20) },
    audit: {
      key: auditKey(str('SUNLIGHT_AUDIT_KEY')),
      keyFile: str('SUNLIGHT_AUDIT_KEY_FILE') ? path.resolve(str('SUNLIGHT_AUDIT_KEY_FILE')!) : undefined,
      checkpointIntervalMs: int('SUNLIGHT_AUDIT_CHECKPOINT_SECONDS', 60, 1, 3600) * 1000,
    },
    cli: { operator: str('USER') ?? 'cli', newPassword: str('SUNLIGHT_NEW_PASSWORD') },
    mail: {
      smtpUrl: url('SUNLIGHT_SMTP_URL', ['smtp:', 'smtps:'], 'smtp://user:password@mail.example.gov.cn:587 (smtps:// for TLS from the start)', 'SMTP'),
      from: str('SUNLIGHT_MAIL_FROM') ?? '阳光监管 <sunlight@localhost>',
      webhookUrl: url('SUNLIGHT_DIGEST_WEBHOOK_URL', ['http:', 'https:'], 'https://chat.example.gov.cn/hooks/…', 'http(s)'),
      webhookSecret: str('SUNLIGHT_DIGEST_WEBHOOK_SECRET'),
      consoleUrl: (str('SUNLIGHT_CONSOLE_URL') ?? `http://127.0.0.1:${env.PORT?.trim() || 3000}`).replace(/\/+$/, ''),
      retryDelayMs: int('SUNLIGHT_DIGEST_RETRY_MS', 60_000, 10, 3_600_000),
      attempts: int('SUNLIGHT_DIGEST_ATTEMPTS', 6, 1, 20),
    },
  };
  // The embedded database is one process by design (it is served by the process that opens it).
  if (config.apiProcesses > 1 && (!config.databaseUrl || !config.redisUrl)) problems.push(`SUNLIGHT_API_PROCESSES above 1 needs DATABASE_URL and REDIS_URL (got ${config.apiProcesses} without ${[config.databaseUrl ? '' : 'DATABASE_URL', config.redisUrl ? '' : 'REDIS_URL'].filter(Boolean).join(' and ')}); the embedded database runs as one process`);
  if (config.mail.webhookUrl && !config.mail.webhookSecret) problems.push('SUNLIGHT_DIGEST_WEBHOOK_SECRET must be set with SUNLIGHT_DIGEST_WEBHOOK_URL (the webhook is signed)');
  // HS256 wants a key at least as long as its hash (256 bits); the value itself is never echoed.
  if (config.jwtSecret !== undefined && config.jwtSecret.length < 32) problems.push(`SUNLIGHT_JWT_SECRET must be at least 32 characters (got ${config.jwtSecret.length})`);
  if (config.audit.key && config.audit.keyFile) problems.push('SUNLIGHT_AUDIT_KEY and SUNLIGHT_AUDIT_KEY_FILE are both set: set one');
  // One pair of braces is a Redis Cluster hash tag: every key of every queue then hashes to one
  // slot, which BullMQ's multi-key scripts need on a cluster.
  if (!/^[\w.-]*(\{[\w.-]+\})?[\w.-]*$/.test(config.queuePrefix) || config.queuePrefix.length < 1 || config.queuePrefix.length > 64) {
    problems.push(`SUNLIGHT_QUEUE_PREFIX may hold letters, digits, "_", "-" and ".", and one hash tag in braces such as {sunlight} for Redis Cluster, 64 characters at most (got "${config.queuePrefix}")`);
  }
  if (problems.length) throw new ConfigError(problems);
  return Object.freeze(config);
}

/**
 * The audit key from its text: hex (64 hex digits or more) or base64, at least 32 bytes. Answers
 * the bytes, or what is wrong (never the value: it is a secret).
 */
export function decodeAuditKey(text: string): Buffer | string {
  const t = text.trim();
  let key: Buffer;
  if (/^(?:[0-9a-fA-F]{2})+$/.test(t)) key = Buffer.from(t, 'hex');
  else if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(t) && t.replace(/=+$/, '').length % 4 !== 1) key = Buffer.from(t, t.includes('-') || t.includes('_') ? 'base64url' : 'base64');
  else return 'must be hex or base64 (e.g. the output of `openssl rand -hex 32`)';
  if (key.length < 32) return `must hold at least 32 bytes (got ${key.length}: 64 hex digits or 44 base64 characters)`;
  return key;
}

/** For logs and start-up banners: the URL without its password. */
export function redactUrl(raw: string): string {
  try {
    const u = new URL(raw);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(invalid URL)';
  }
}
