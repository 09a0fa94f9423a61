import { cli, freshEnv, primaryBackend, type TestEnv } from './support/harness.js';

// Issue 11: libraries go through what a table's owner exports. These pin behaviour that moved
// behind an owner, so that the move cannot change it.

describe('accounts check regions through the regions library', () => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await freshEnv(primaryBackend().name);
  });
  afterAll(async () => {
    await env?.cleanup();
  });

  it('an account in a known county is created; an unknown code is refused and named', async () => {
    const withPassword = { ...env, env: { ...env.env, SUNLIGHT_NEW_PASSWORD: 'Owners-test-2024' } };
    const known = await cli(withPassword, 'users', 'create', 'owners.songzi', '--role', 'inspector', '--region', '421087');
    expect(known.code).toBe(0);
    const unknown = await cli(withPassword, 'users', 'create', 'owners.nowhere', '--role', 'inspector', '--region', '429999');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('行政区划代码 429999 不存在');
    const listed = await cli(env, 'users', 'list');
    expect(listed.json).toEqual({ users: 1 });
    expect(listed.stderr).toContain('owners.songzi');
    expect(listed.stderr).not.toContain('owners.nowhere');
  });
});
