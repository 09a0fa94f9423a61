import { ConfigError, decodeAuditKey, loadConfig, redactUrl } from './app-config.js';

describe('configuration', () => {
  it('defaults to the embedded database and the PostgreSQL queue', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ port: 3000, databaseUrl: undefined, redisUrl: undefined, inlineWorker: true, demo: true, dbPoolSize: 4 });
    expect(config.dataDir).toMatch(/data$/);
  });

  it('names every bad variable with what was expected', () => {
    try {
      loadConfig({ DATABASE_URL: 'mysql://x/y', PORT: '70000', SUNLIGHT_DEMO: 'maybe' });
      throw new Error('expected a ConfigError');
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).problems).toEqual([
        'DATABASE_URL is not a postgres URL (expected postgres://user:password@host:5432/database)',
        'PORT must be a whole number from 0 to 65535 (got "70000")',
        'SUNLIGHT_DEMO must be true or false (got "maybe")',
      ]);
    }
  });

  it('takes a queue prefix with one Redis Cluster hash tag, and names a malformed one', () => {
    expect(loadConfig({ SUNLIGHT_QUEUE_PREFIX: '{sunlight}' }).queuePrefix).toBe('{sunlight}');
    expect(loadConfig({ SUNLIGHT_QUEUE_PREFIX: 'county-{421087}' }).queuePrefix).toBe('county-{421087}');
    for (const bad of ['{a}{b}', '{}', 'sun light', '{sunlight', 'x'.repeat(65)]) {
      expect(() => loadConfig({ SUNLIGHT_QUEUE_PREFIX: bad })).toThrow(/SUNLIGHT_QUEUE_PREFIX may hold .* hash tag in braces/);
    }
  });

  it('names bad rate limits and a short JWT secret, without echoing the secret', () => {
    let problems: string[] = [];
    try {
      loadConfig({ SUNLIGHT_LOGIN_RATE: 'abc', SUNLIGHT_UPLOAD_RATE: '0', SUNLIGHT_JWT_SECRET: 'hunter2' });
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      problems = (err as ConfigError).problems;
    }
    expect(problems).toEqual([
      'SUNLIGHT_LOGIN_RATE must be a whole number from 1 to 100000 (got "abc")',
      'SUNLIGHT_UPLOAD_RATE must be a whole number from 1 to 100000 (got "0")',
      'SUNLIGHT_JWT_SECRET must be at least 32 characters (got 7)',
    ]);
    expect(problems.join()).not.toContain('hunter2');
  });

  it('takes the audit key in hex or base64, at least 32 bytes, never echoing it, and a checkpoint interval', () => {
    const hex = 'ab'.repeat(32);
    expect(loadConfig({ SUNLIGHT_AUDIT_KEY: hex }).audit).toEqual({ key: Buffer.from(hex, 'hex'), keyFile: undefined, checkpointIntervalMs: 60_000 });
    const b64 = Buffer.alloc(40, 7).toString('base64');
    expect(decodeAuditKey(b64)).toEqual(Buffer.alloc(40, 7));
    expect(loadConfig({ SUNLIGHT_AUDIT_KEY_FILE: '/run/secrets/audit', SUNLIGHT_AUDIT_CHECKPOINT_SECONDS: '5' }).audit).toEqual({ key: undefined, keyFile: '/run/secrets/audit', checkpointIntervalMs: 5000 });
    let problems: string[] = [];
    try {
      loadConfig({ SUNLIGHT_AUDIT_KEY: 'ab'.repeat(16), SUNLIGHT_AUDIT_CHECKPOINT_SECONDS: '0' });
    } catch (err) {
      problems = (err as ConfigError).problems;
    }
    expect(problems).toEqual([
      'SUNLIGHT_AUDIT_KEY must hold at least 32 bytes (got 16: 64 hex digits or 44 base64 characters)',
      'SUNLIGHT_AUDIT_CHECKPOINT_SECONDS must be a whole number from 1 to 3600 (got "0")',
    ]);
    expect(problems.join()).not.toContain('abab');
    expect(decodeAuditKey('not a key!')).toMatch(/hex or base64/);
    expect(() => loadConfig({ SUNLIGHT_AUDIT_KEY: hex, SUNLIGHT_AUDIT_KEY_FILE: '/k' })).toThrow(/both set/);
  });

  it('carries the rate limits, the JWT secret and the command line settings', () => {
    expect(loadConfig({})).toMatchObject({ loginRate: 10, uploadRate: 30, jwtSecret: undefined, cli: { operator: 'cli', newPassword: undefined } });
    const secret = 'k'.repeat(32);
    expect(
      loadConfig({ SUNLIGHT_LOGIN_RATE: '3', SUNLIGHT_UPLOAD_RATE: '1000', SUNLIGHT_JWT_SECRET: secret, USER: 'operator', SUNLIGHT_NEW_PASSWORD: 'Pw-1234567890' }),
    ).toMatchObject({ loginRate: 3, uploadRate: 1000, jwtSecret: secret, cli: { operator: 'operator', newPassword: 'Pw-1234567890' } });
  });

  it('hashes new passwords at the library default, tunable down to OWASP’s argon2id floor and no lower', () => {
    expect(loadConfig({}).passwordHash).toEqual({ memoryKib: 65_536, passes: 3 });
    expect(loadConfig({ SUNLIGHT_ARGON2_MEMORY_KIB: '19456', SUNLIGHT_ARGON2_PASSES: '2' }).passwordHash).toEqual({ memoryKib: 19_456, passes: 2 });
    expect(() => loadConfig({ SUNLIGHT_ARGON2_MEMORY_KIB: '8192', SUNLIGHT_ARGON2_PASSES: '1' })).toThrow(
      /SUNLIGHT_ARGON2_MEMORY_KIB must be a whole number from 19456[\s\S]*SUNLIGHT_ARGON2_PASSES must be a whole number from 2/,
    );
  });

  it('runs the API as several processes only on PostgreSQL with Redis', () => {
    expect(loadConfig({}).apiProcesses).toBe(1);
    const production = { DATABASE_URL: 'postgres://u@db/sunlight', REDIS_URL: 'redis://redis:6379' };
    expect(loadConfig({ ...production, SUNLIGHT_API_PROCESSES: '4' }).apiProcesses).toBe(4);
    const problems = (env: Record<string, string>) => {
      try {
        loadConfig(env);
        return [];
      } catch (err) {
        return (err as ConfigError).problems;
      }
    };
    expect(problems({ SUNLIGHT_API_PROCESSES: '2' })).toEqual([
      'SUNLIGHT_API_PROCESSES above 1 needs DATABASE_URL and REDIS_URL (got 2 without DATABASE_URL and REDIS_URL); the embedded database runs as one process',
    ]);
    expect(problems({ DATABASE_URL: production.DATABASE_URL, SUNLIGHT_API_PROCESSES: '2' })).toEqual([
      'SUNLIGHT_API_PROCESSES above 1 needs DATABASE_URL and REDIS_URL (got 2 without REDIS_URL); the embedded database runs as one process',
    ]);
    expect(problems({ ...production, SUNLIGHT_API_PROCESSES: '0' })).toEqual(['SUNLIGHT_API_PROCESSES must be a whole number from 1 to 64 (got "0")']);
    expect(problems({ SUNLIGHT_API_PROCESSES: '1' })).toEqual([]);
  });

  it('lets the command line default to quieter logs, LOG_LEVEL still deciding', () => {
    expect(loadConfig({}, { logLevel: 'warn' }).logLevel).toBe('warn');
    expect(loadConfig({ LOG_LEVEL: 'debug' }, { logLevel: 'warn' }).logLevel).toBe('debug');
  });

  it('turns the demo off with a real database, and hides passwords in logs', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://u:secret@db:5432/sunlight' }).demo).toBe(false);
    expect(redactUrl('postgres://u:secret@db:5432/sunlight')).toBe('postgres://u:***@db:5432/sunlight');
  });

  it('runs migrations as DATABASE_OWNER_URL, which defaults to DATABASE_URL', () => {
    const app = 'postgres://sunlight_app:pw@db:5432/sunlight';
    const owner = 'postgres://sunlight:pw@db:5432/sunlight';
    expect(loadConfig({ DATABASE_URL: app })).toMatchObject({ databaseUrl: app, databaseOwnerUrl: app });
    expect(loadConfig({ DATABASE_URL: app, DATABASE_OWNER_URL: owner })).toMatchObject({ databaseUrl: app, databaseOwnerUrl: owner });
    expect(loadConfig({}).databaseOwnerUrl).toBeUndefined();
    expect(() => loadConfig({ DATABASE_OWNER_URL: owner })).toThrow('DATABASE_OWNER_URL needs DATABASE_URL');
    expect(() => loadConfig({ DATABASE_URL: app, DATABASE_OWNER_URL: 'mysql://x/y' })).toThrow('DATABASE_OWNER_URL is not a postgres URL');
  });
});
