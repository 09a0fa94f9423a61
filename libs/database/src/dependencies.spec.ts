import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** Every .ts file under dir, specs aside. */
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.spec.ts'))
    .map((e) => path.join(e.parentPath, e.name));
}

describe('the database library', () => {
  it('reaches no feature library, not even for the typeorm CLI', () => {
    const root = path.join(process.cwd(), 'libs/database/src');
    const reaching = sources(root).flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/from '([^']+)'/g)]
        .map((m) => m[1])
        // Below it: common and config. Anything else of ours (by alias or by path) is above it.
        .filter((spec) => (spec.startsWith('@sunlight/') && !['@sunlight/common', '@sunlight/config'].includes(spec)) || (spec.startsWith('.') && !path.resolve(path.dirname(file), spec).startsWith(root)))
        .map((spec) => `${path.relative(root, file)}: ${spec}`),
    );
    expect(reaching).toEqual([]);
  });
});

describe('TypeORM', () => {
  // Every read and write is SQL and the schema lives in the migrations: an entity would be a
  // second, unchecked description of a table, and drift from it (as the last ones did).
  it('declares no entities and registers none', () => {
    const found = ['apps', 'libs', 'bench'].flatMap((dir) => sources(path.join(process.cwd(), dir))).flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .map((line, i) => ({ line, at: `${path.relative(process.cwd(), file)}:${i + 1}` }))
        .filter(({ line }) => /@(Entity|ViewEntity|ChildEntity)\(|\bforFeature\(|\bautoLoadEntities\b|\bInjectRepository\b|^\s*entities\s*[:,]/.test(line))
        .map(({ at, line }) => `${at}: ${line.trim()}`),
    );
    expect(found).toEqual([]);
  });
});
