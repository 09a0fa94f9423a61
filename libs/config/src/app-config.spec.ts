import { ConfigError, loadConfig, redactUrl } from './app-config.js';

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

  it('turns the demo off with a real database, and hides passwords in logs', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://u:secret@db:5432/sunlight' }).demo).toBe(false);
    expect(redactUrl('postgres://u:secret@db:5432/sunlight')).toBe('postgres://u:***@db:5432/sunlight');
  });
});
