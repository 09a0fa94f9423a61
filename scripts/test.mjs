// `npm test`: the build, the type check and the console's unit tests side by side, then jest.
// The three need nothing of one another (tsc and vitest read sources only; the console's pages
// import the generated API types as types), so together they keep both cores of a small CI
// machine busy instead of one after the other. Each one's output is printed whole when it ends;
// the first failure stops the others and the run. jest then runs the unit and end-to-end tests
// against what the build wrote; arguments go to jest (`npm test -- test/triage.e2e-spec.ts`).
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = (p) => path.join(root, 'node_modules', p);
const node = process.execPath;

const steps = [
  { name: 'build', args: [path.join(root, 'scripts/build.mjs')] },
  { name: 'typecheck (tsc)', args: [bin('typescript/bin/tsc'), '-p', 'tsconfig.json', '--noEmit'] },
  { name: 'web unit tests (vitest)', args: [bin('vitest/vitest.mjs'), 'run', '--config', 'apps/web/vite.config.ts'] },
];

const running = new Set();
const started = Date.now();
const seconds = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;

function run({ name, args }) {
  return new Promise((resolve) => {
    const child = spawn(node, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    running.add(child);
    const output = [];
    child.stdout.on('data', (d) => output.push(d));
    child.stderr.on('data', (d) => output.push(d));
    child.on('error', (err) => output.push(Buffer.from(`${err.message}\n`)));
    child.on('close', (code, signal) => {
      running.delete(child);
      const text = Buffer.concat(output).toString().trimEnd();
      process.stderr.write(`\n== ${name}: ${code === 0 ? 'done' : signal ? `stopped (${signal})` : `failed (exit ${code})`} at ${seconds()}\n${text ? `${text}\n` : ''}`);
      resolve(code === 0);
    });
  });
}

let failed = false;
await Promise.all(
  steps.map(async (step) => {
    if (!(await run(step)) && !failed) {
      failed = true;
      for (const child of running) child.kill('SIGTERM');
    }
  }),
);
if (failed) process.exit(1);

process.stderr.write(`\n== jest (build and checks took ${seconds()})\n`);
const jest = spawn(node, ['--experimental-vm-modules', '--no-warnings=ExperimentalWarning', bin('jest/bin/jest.js'), ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => jest.kill(signal));
jest.on('close', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
