import { cp, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ROOT, freshEnv, runToExit, startServer, type TestEnv } from './support/harness.js';

/**
 * Every setting is checked when a process starts, in one place: a bad value ends the start-up
 * with one line naming it, instead of a NaN rate limit or a triage step that fails weeks later.
 */
describe('settings are checked at start-up', () => {
  let env: TestEnv;
  beforeEach(async () => {
    env = await freshEnv('embedded');
  });
  afterEach(async () => env.cleanup());

  const oneLine = (stderr: string) => {
    const lines = stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(stderr).not.toMatch(/\n\s+at /); // no stack trace
    return lines[0];
  };

  it('names a rate limit that is not a number and a JWT secret too short to sign with', async () => {
    const result = await runToExit('api', { ...env.env, PORT: '0', SUNLIGHT_LOGIN_RATE: 'abc', SUNLIGHT_JWT_SECRET: 'short' }, [], 45_000);
    expect(result.code).toBe(1);
    const line = oneLine(result.stderr);
    expect(line).toContain('SUNLIGHT_LOGIN_RATE must be a whole number from 1 to 100000 (got "abc")');
    expect(line).toContain('SUNLIGHT_JWT_SECRET must be at least 32 characters');
    expect(line).not.toContain('short');
  });

  it('limits uploads and session refreshes by the configured rates, and nothing else', async () => {
    const server = await startServer(env, { SUNLIGHT_UPLOAD_RATE: '2', SUNLIGHT_LOGIN_RATE: '1' });
    try {
      const statuses = async (method: string, route: string, times: number) => {
        const answers: number[] = [];
        for (let i = 0; i < times; i++) {
          const res = await fetch(`${server.url}${route}`, { method, headers: { 'content-type': 'application/json' }, body: method === 'POST' ? '{"refreshToken":"x"}' : undefined });
          answers.push(res.status);
        }
        return answers;
      };
      expect(await statuses('POST', '/api/batches', 3)).toEqual([401, 401, 429]);
      expect(await statuses('POST', '/api/registries/deceased', 3)).toEqual([401, 401, 429]);
      expect(await statuses('POST', '/api/auth/refresh', 7)).toEqual([401, 401, 401, 401, 401, 401, 429]); // six times the sign-in rate
      expect(await statuses('GET', '/api/auth/me', 12)).toEqual(Array(12).fill(401));
    } finally {
      await server.stop();
    }
  });

  it('names a broken deadlines.json, in the API and in the command line', async () => {
    const configDir = path.join(env.dataDir, 'config');
    await cp(path.join(ROOT, 'config'), configDir, { recursive: true });
    await writeFile(path.join(configDir, 'deadlines.json'), '{"deadlines": {"verify": 15,}');
    const settings = { ...env.env, PORT: '0', SUNLIGHT_CONFIG_DIR: configDir };

    const api = await runToExit('api', settings, [], 45_000);
    expect(api.code).toBe(1);
    expect(oneLine(api.stderr)).toContain(`${path.join(configDir, 'deadlines.json')}: not valid JSON`);

    const cli = await runToExit('cli', settings, ['users', 'list'], 45_000);
    expect(cli.code).toBe(1);
    expect(oneLine(cli.stderr)).toContain(`${path.join(configDir, 'deadlines.json')}: not valid JSON`);

    // The file, and nothing else, was the trouble.
    await cp(path.join(ROOT, 'config', 'deadlines.json'), path.join(configDir, 'deadlines.json'));
    expect((await runToExit('cli', settings, ['users', 'list'], 45_000)).code).toBe(0);
  });
});
