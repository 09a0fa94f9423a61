import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ROOT } from './support/harness.js';

/**
 * The console is typed from the API's own OpenAPI document (scripts/build.mjs generates
 * apps/web/src/api/schema.d.ts, and `npm test`'s build has just type-checked the pages against it).
 * Here the document's labels field `role` is renamed, as a server change would, and the same
 * check must now fail: a renamed field breaks the build instead of a page.
 */
it('fails the console type check when the API renames a field the pages use', async () => {
  // Inside the repository, so that the check finds node_modules as the real one does.
  await mkdir(path.join(ROOT, 'test-results'), { recursive: true });
  const dir = await mkdtemp(path.join(ROOT, 'test-results', 'web-types-'));
  try {
    const web = path.join(ROOT, 'apps/web');
    const schema = await readFile(path.join(web, 'src/api/schema.d.ts'), 'utf8');
    const labels = /(LabelsDto: \{[\s\S]*?)\brole: \{/.exec(schema);
    expect(labels).not.toBeNull();
    const renamed = schema.replace(/(LabelsDto: \{[\s\S]*?)\brole: \{/, '$1roles: {');
    await writeFile(path.join(dir, 'schema.d.ts'), renamed);
    await writeFile(
      path.join(dir, 'tsconfig.json'),
      JSON.stringify({
        extends: path.join(web, 'tsconfig.json'),
        compilerOptions: { paths: { '@/api/schema': [path.join(dir, 'schema.d.ts')], '@/*': [path.join(web, 'src/*')], '@common/*': [path.join(ROOT, 'libs/common/src/*')] } },
        include: [path.join(web, 'src/**/*.ts'), path.join(web, 'src/**/*.vue')],
        exclude: [path.join(web, 'src/api/schema.d.ts')],
      }),
    );
    const check = spawnSync(process.execPath, [path.join(ROOT, 'node_modules/vue-tsc/bin/vue-tsc.js'), '--noEmit', '-p', path.join(dir, 'tsconfig.json')], { encoding: 'utf8' });
    expect(check.status).not.toBe(0);
    expect(check.stdout + check.stderr).toMatch(/error TS\d+: Argument of type '"role"'/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}, 120_000);
