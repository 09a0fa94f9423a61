// Compiles apps/, libs/ and bench/ to dist/ with swc (ES modules, decorator metadata,
// `@sunlight/*` aliases rewritten to relative paths). Type checking is `npm run typecheck`.
// --if-stale: skip when dist/ is newer than every source file (keeps `npm run cli` quick).
// Then the web console (apps/web): the API's OpenAPI document is written without a database,
// typed into apps/web/src/api/schema.d.ts, checked with vue-tsc and bundled by Vite into
// dist/web — only when the console's sources or the API's document changed.
// --server-only: skip the console (the CLI needs none of it).
import { transformFile } from '@swc/core';
import { spawnSync } from 'node:child_process';
import { brotliCompressSync, gzipSync, constants as zlib } from 'node:zlib';
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

const webRoot = path.join(root, 'apps/web');
const isWeb = (f) => f.startsWith(webRoot + path.sep);
// bench/out holds the benchmarks' generated populations (gigabytes at province scale): data, not source.
const benchOut = path.join(root, 'bench/out');
const isBenchOut = (f) => f.startsWith(benchOut + path.sep);
const files = (await Promise.all(sourceDirs.map((d) => walk(path.join(root, d))))).flat().filter((f) => !isWeb(f) && !isBenchOut(f));
const inputs = [...files, path.join(root, 'tsconfig.json'), path.join(root, 'package.json')];

async function newerThan(stampFile, paths) {
  if (!existsSync(stampFile)) return true;
  const built = (await stat(stampFile)).mtimeMs;
  const times = await Promise.all(paths.map((f) => stat(f).then((s) => s.mtimeMs, () => 0)));
  return times.some((t) => t > built);
}

const serverStale = !args.has('--if-stale') || (await newerThan(stamp, inputs));
if (serverStale) await buildServer();
if (!args.has('--server-only')) await buildWeb(serverStale);

async function buildServer() {
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
  // dist/web is the console's own output, rebuilt only when it is stale.
    await Promise.all(['apps', 'libs', 'bench'].map((d) => rm(path.join(out, d), { recursive: true, force: true })));
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
}

async function buildWeb(serverChanged) {
  const webStamp = path.join(out, 'web', '.build-stamp');
  const documentFile = path.join(out, 'openapi.json');
  const webInputs = [...(await walk(webRoot)).filter((f) => !f.includes(`${path.sep}node_modules${path.sep}`) && !f.endsWith('schema.d.ts')), path.join(root, 'libs/common/src/money.ts'), path.join(root, 'libs/common/src/time-zone.ts'), path.join(root, 'package.json')];
  const before = existsSync(documentFile) ? await readFile(documentFile, 'utf8') : '';
  if (serverChanged || !before) {
    const written = spawnSync(process.execPath, [path.join(out, 'apps/api/src/openapi/main.js'), documentFile], { stdio: 'inherit' });
    if (written.status !== 0) throw new Error('build: could not write the OpenAPI document');
  }
  const document = await readFile(documentFile, 'utf8');
  const schemaFile = path.join(webRoot, 'src/api/schema.d.ts');
  if (document === before && existsSync(schemaFile) && !(await newerThan(webStamp, webInputs))) return;
  const started = Date.now();
  const { default: openapiTS, astToString } = await import('openapi-typescript');
  const ast = await openapiTS(JSON.parse(document));
  await writeFile(schemaFile, `// Generated by scripts/build.mjs from the API's OpenAPI document. Do not edit.\n${astToString(ast)}`);
  // A renamed field or a wrong type in a page stops the build here, not in a user's browser.
  const checked = spawnSync(process.execPath, [path.join(root, 'node_modules/vue-tsc/bin/vue-tsc.js'), '--noEmit', '-p', path.join(webRoot, 'tsconfig.json')], { stdio: 'inherit' });
  if (checked.status !== 0) {
    console.error('build: the web console does not type-check against the API (see above)');
    process.exit(1);
  }
  const { build } = await import('vite');
  await build({ configFile: path.join(webRoot, 'vite.config.ts'), logLevel: quiet ? 'warn' : 'info' });
  await precompress(path.join(out, 'web', 'assets'));
  await writeFile(webStamp, new Date().toISOString());
  if (!quiet) console.error(`build: web console built into dist/web in ${Date.now() - started} ms`);
}

/** Brotli and gzip copies of the console's assets, served as they are (a phone on 4G loads ~¼ of the bytes). */
async function precompress(dir) {
  for (const file of await walk(dir)) {
    if (!/\.(js|css|svg|json)$/.test(file)) continue;
    const data = await readFile(file);
    await writeFile(`${file}.br`, brotliCompressSync(data, { params: { [zlib.BROTLI_PARAM_QUALITY]: 9 } }));
    await writeFile(`${file}.gz`, gzipSync(data, { level: 9 }));
  }
}
