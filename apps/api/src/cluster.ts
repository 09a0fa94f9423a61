import cluster, { type Worker } from 'node:cluster';

/**
 * The primary of SUNLIGHT_API_PROCESSES API processes (node:cluster: the primary accepts the
 * connections and hands them out in turn). What must happen once happens in the first process,
 * which starts alone: the migrations (each process would wait on the migration lock and find
 * nothing to do, but a failure should be one line, once), the programs and rule versions seeded at
 * start-up, the demo loading and the inline worker (job processors and their schedules: one set,
 * as with one process). The others start once it listens, with SUNLIGHT_INLINE_WORKER and
 * SUNLIGHT_DEMO off, and serve HTTP only. A process that ends after it started is started again in
 * its place (the first one keeps its duties); one that cannot start stops them all, as a single
 * process would. SIGTERM or SIGINT stops them all gracefully (each drains as alone); a second
 * signal kills them.
 */
export function runCluster(count: number): void {
  const say = (line: string) => process.stderr.write(`sunlight: ${line}\n`);
  const slots = new Map<Worker, number>();
  const started = new Set<number>();
  let stopping = false;
  let exitCode = 0;
  let others = false;

  const fork = (slot: number) => {
    // The first process keeps the configuration as it is; the others only serve HTTP.
    const worker = cluster.fork(slot === 0 ? {} : { SUNLIGHT_INLINE_WORKER: 'false', SUNLIGHT_DEMO: 'false' });
    slots.set(worker, slot);
    worker.once('listening', (address) => {
      started.add(slot);
      if (slot === 0 && !others) {
        others = true;
        for (let s = 1; s < count; s++) fork(s);
      }
      if (started.size === count && !stopping && [...slots.values()].length === count) {
        say(`ready: ${count} API processes (SUNLIGHT_API_PROCESSES) on port ${address.port}, pids ${[...slots.keys()].map((w) => w.process.pid).join(', ')}`);
      }
    });
  };

  const stop = (code: number) => {
    if (stopping) return;
    stopping = true;
    exitCode = code;
    if (!slots.size) process.exit(code);
    for (const worker of slots.keys()) worker.process.kill('SIGTERM');
  };

  cluster.on('exit', (worker, code, signal) => {
    const slot = slots.get(worker)!;
    slots.delete(worker);
    if (stopping) {
      if (!slots.size) process.exit(exitCode);
      return;
    }
    if (!started.has(slot)) {
      // It never listened: the same cause (a bad setting, an unreachable database) stops the rest.
      say(`API process ${slot + 1} could not start (${signal ?? `exit code ${code}`}); stopping`);
      stop(1);
      return;
    }
    say(`API process ${slot + 1} (pid ${worker.process.pid}) ended (${signal ?? `exit code ${code}`}); starting another in its place`);
    setTimeout(() => !stopping && fork(slot), 1000);
  });

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      if (stopping) {
        // A second signal: no more waiting for the drains.
        for (const worker of slots.keys()) worker.process.kill('SIGKILL');
        process.exit(1);
      }
      say(`${signal}: stopping ${slots.size} API process(es)`);
      stop(0);
    });
  }

  say(`starting ${count} API processes (SUNLIGHT_API_PROCESSES); the first alone runs the start-up work and the inline worker`);
  fork(0);
}
