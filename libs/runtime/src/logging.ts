import { Injectable } from '@nestjs/common';
import pino from 'pino';
import { Logger, type Params } from 'nestjs-pino';
import { maskPersonalData } from '@sunlight/common';
import type { AppConfig } from '@sunlight/config';

// Personal data never reaches a log line: anything shaped like an ID number or a bank account
// is masked wherever it appears (messages, objects, request URLs).
function maskDeep(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return maskPersonalData(value);
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => maskDeep(v, depth + 1));
  if (value instanceof Error) return { type: value.name, message: maskPersonalData(value.message), stack: value.stack && maskPersonalData(value.stack) };
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskDeep(v, depth + 1)]));
}

/** nestjs-pino settings: JSON lines (stdout for services, stderr for the CLI), masked. */
export function loggerParams(config: AppConfig, destination: 1 | 2): Params {
  return {
    pinoHttp: {
      level: config.logLevel,
      stream: config.logFile ? pino.destination({ dest: config.logFile, append: true, mkdir: true, sync: true }) : pino.destination({ dest: destination, sync: destination === 2 }),
      formatters: { log: (object) => maskDeep(object) as Record<string, unknown> },
      hooks: {
        logMethod(args, method) {
          method.apply(this, args.map((a) => (typeof a === 'string' ? maskPersonalData(a) : a)) as Parameters<typeof method>);
        },
      },
      customProps: () => ({ context: 'HTTP' }),
      autoLogging: { ignore: (req) => req.url === '/health' },
      serializers: {
        req: (req: { method: string; url: string; id: unknown }) => ({ id: req.id, method: req.method, url: maskPersonalData(req.url) }),
        // (pino's standard serializer reports null until headers are flushed; the raw response knows.)
        res: (res: { statusCode: number | null; raw?: { statusCode?: number } }) => ({ statusCode: res.raw?.statusCode ?? res.statusCode }),
      },
    },
  };
}

/** Nest's start-up chatter (modules, routes) is debug detail, not news. */
const FRAMEWORK_CONTEXTS = new Set(['NestFactory', 'InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestApplication']);

@Injectable()
export class SunlightLogger extends Logger {
  override log(message: unknown, ...params: unknown[]): void {
    if (FRAMEWORK_CONTEXTS.has(params[params.length - 1] as string)) return super.debug(message, ...params);
    return super.log(message, ...params);
  }
}
