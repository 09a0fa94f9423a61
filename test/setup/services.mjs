// Which real services the end-to-end tests can use: DATABASE_URL / REDIS_URL when given, else
// PostgreSQL on 127.0.0.1:5432 and Redis on 127.0.0.1:6379 when they answer.
import net from 'node:net';

export function answers(host, port, timeoutMs = 1500) {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export async function findServices(env = process.env) {
  let postgres = env.DATABASE_URL || null;
  let postgresReason = null;
  if (!postgres) {
    if (await answers('127.0.0.1', 5432)) postgres = 'postgres://postgres@127.0.0.1:5432/postgres';
    else postgresReason = 'no DATABASE_URL and nothing answers on 127.0.0.1:5432';
  }
  let redis = env.REDIS_URL || null;
  let redisReason = null;
  if (!redis) {
    if (await answers('127.0.0.1', 6379)) redis = 'redis://127.0.0.1:6379';
    else redisReason = 'no REDIS_URL and nothing answers on 127.0.0.1:6379';
  }
  return { postgres, postgresReason, redis, redisReason };
}
