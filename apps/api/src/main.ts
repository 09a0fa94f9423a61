import cluster from 'node:cluster';
import { loadConfig } from '@sunlight/config';

/**
 * `npm start`: the API (see server.ts). With SUNLIGHT_API_PROCESSES above 1 (PostgreSQL and
 * Redis only) this process becomes the cluster's primary, which serves nothing itself and loads
 * no application code: it starts the API processes, which share the port, and stops them.
 */
function processes(): number {
  try {
    return loadConfig(process.env).apiProcesses;
  } catch {
    return 1; // a bad setting: the server's start-up names it, in one line
  }
}

if (cluster.isPrimary && processes() > 1) {
  const { runCluster } = await import('./cluster.js');
  runCluster(processes());
} else {
  const { startServer } = await import('./server.js');
  await startServer();
}
