import { AsyncLocalStorage } from 'node:async_hooks';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Inject, Injectable, type INestApplicationContext, type LoggerService } from '@nestjs/common';
import pino, { type Logger as PinoLogger } from 'pino';
import { pinoHttp, type HttpLogger } from 'pino-http';
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

/** pino-http over pino: JSON lines (stdout for services, stderr for the CLI), masked. */
export function createHttpLogger(config: AppConfig, destination: 1 | 2): HttpLogger {
  return pinoHttp({
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
  });
}

export const HTTP_LOGGER = Symbol('HTTP_LOGGER');

/** The logger of the request being served: pino-http's child of the root, carrying the request id. */
const requestLogger = new AsyncLocalStorage<PinoLogger>();

/** Express middleware: pino-http logs the request, and what is logged while serving it says which. */
export function requestLogging(http: HttpLogger) {
  return [http, (req: IncomingMessage & { log: PinoLogger }, _res: ServerResponse, next: () => void) => requestLogger.run(req.log, next)];
}

/** Nest's start-up chatter (modules, routes) is debug detail, not news. */
const FRAMEWORK_CONTEXTS = new Set(['NestFactory', 'InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestApplication']);

type Level = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';

/**
 * Nest's logging on pino: Nest passes the context (the class name) last; it becomes the
 * `context` field of the line.
 */
@Injectable()
export class SunlightLogger implements LoggerService {
  constructor(@Inject(HTTP_LOGGER) private readonly http: HttpLogger) {}

  verbose(message: unknown, ...params: unknown[]): void {
    this.write('trace', message, params);
  }
  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }
  log(message: unknown, ...params: unknown[]): void {
    this.write(FRAMEWORK_CONTEXTS.has(params[params.length - 1] as string) ? 'debug' : 'info', message, params);
  }
  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }
  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params);
  }
  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }

  private write(level: Level, message: unknown, params: unknown[]): void {
    const log = requestLogger.getStore() ?? this.http.logger;
    const fields: Record<string, unknown> = params.length ? { context: params[params.length - 1] } : {};
    const rest = params.slice(0, -1);
    // An object (or an error) is the line's fields; what follows it, the message.
    if (message instanceof Error) return log[level]({ ...fields, err: message }, ...(rest as [string]));
    if (typeof message === 'object' && message !== null) return log[level]({ ...fields, ...message }, ...(rest as [string]));
    // Nest's exception handlers call error(message, stack, context): keep the stack with the error.
    if (level === 'error' && rest.length === 1 && typeof rest[0] === 'string' && /\n\s*at /.test(rest[0])) {
      const err = new Error(String(message));
      err.stack = rest[0];
      return log.error({ ...fields, err });
    }
    log[level](fields, String(message), ...rest);
  }
}

/**
 * How every process creates its Nest application. Logs wait for the Sunlight logger; and when
 * creating the application fails (a bad config file read by a provider), Nest would flush its
 * own stack trace of the error to the console: the buffer is dropped instead, and the failure
 * stays the one line of exitOnStartupError.
 */
export const NEST_OPTIONS = { bufferLogs: true, autoFlushLogs: false, abortOnError: false } as const;

/** Hands Nest's logging to the Sunlight logger and prints what was buffered while starting. */
export function useSunlightLogger(app: INestApplicationContext): void {
  app.useLogger(app.get(SunlightLogger));
  app.flushLogs();
}
