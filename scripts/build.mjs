// Compiles apps/, libs/ and bench/ to dist/ with swc (ES modules, decorator metadata,
// `@sunlight/*` aliases rewritten to relative paths). Type checking is `npm run typecheck`.
// --if-stale: skip when dist/ is newer than every source file (keeps `npm run cli` quick).
import { transformFile } from '@swc/core';
import { readFile, readdir, stat, mkdir, writeFile, copyFile, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(root, 'dist');
const stamp = path.join(out, '.build-stamp');
const sourceDirs = ['apps', 'libs', 'bench'];
const args = new Set(process.argv.slice(2));
const quiet = args.has('--quiet');

async function walk(dir) {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const files = await Promise.all(entries.map((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? walk(full) : [full];
  }));
  return files.flat();
}

const files = (await Promise.all(sourceDirs.map((d) => walk(path.join(root, d))))).flat();
const inputs = [...files, path.join(root, 'tsconfig.json'), path.join(root, 'package.json')];

if (args.has('--if-stale') && existsSync(stamp)) {
  const built = (await stat(stamp)).mtimeMs;
  const times = await Promise.all(inputs.map((f) => stat(f).then((s) => s.mtimeMs, () => 0)));
  if (times.every((t) => t <= built)) process.exit(0);
}

const tsconfig = JSON.parse(await readFile(path.join(root, 'tsconfig.json'), 'utf8'));
const swcOptions = {
  swcrc: false,
  sourceMaps: true,
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
    target: 'es2022',
    baseUrl: root,
    paths: tsconfig.compilerOptions.paths,
    keepClassNames: true,
  },
  module: { type: 'es6', resolveFully: true },
};

const started = Date.now();
await rm(out, { recursive: true, force: true });
let compiled = 0;
await Promise.all(files.map(async (file) => {
  const rel = path.relative(root, file);
  if (file.endsWith('.spec.ts') || file.endsWith('.d.ts')) return;
  const target = path.join(out, rel);
  await mkdir(path.dirname(target), { recursive: true });
  if (file.endsWith('.ts')) {
    const { code, map } = await transformFile(file, { ...swcOptions, filename: file, sourceFileName: path.relative(path.dirname(target), file) });
    const js = target.replace(/\.ts$/, '.js');
    await writeFile(js, `${code}\n//# sourceMappingURL=${path.basename(js)}.map\n`);
    await writeFile(`${js}.map`, map);
    compiled++;
  } else {
    await copyFile(file, target); // assets: web pages, SQL, templates
  }
}));
await writeFile(path.join(out, 'package.json'), JSON.stringify({ type: 'module' }));
await writeFile(stamp, new Date().toISOString());
if (!quiet) console.error(`build: ${compiled} files compiled to dist/ in ${Date.now() - started} ms`);
