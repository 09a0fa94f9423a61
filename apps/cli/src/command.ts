import { InputError } from '@sunlight/common';
import { normalizeRegionCode } from '@sunlight/regions';
import type { INestApplicationContext } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@sunlight/config';

/** What a command may write: progress and messages for people (stderr), results (stdout). */
export interface CliIo {
  /** A line for people, on stderr. */
  say(line: string): void;
  /** The result: one JSON line on stdout. */
  result(value: unknown): void;
  stdout: NodeJS.WritableStream;
}

export interface ParsedArgs {
  positionals: string[];
  options: Record<string, string | boolean | undefined>;
}

/** A command of the CLI. run() answers the exit code: 0, 2 for rejected input, 1 otherwise. */
export interface CliCommand {
  /** e.g. "batch import FILE [--allow-partial]" */
  usage: string;
  /** Words that select it, e.g. ['batch', 'import']. */
  words: string[];
  /** Positional arguments after the words. */
  arguments: number;
  options: Record<string, { type: 'string' | 'boolean'; help: string }>;
  summary: string;
  run(app: INestApplicationContext, args: ParsedArgs, io: CliIo): Promise<number>;
  /** Commands that only read the command line (help) need no database. */
  offline?: boolean;
}

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_REJECTED = 2;

/** The command line's own settings (who is acting, a new password), from the validated configuration. */
export const cliSettings = (app: INestApplicationContext): AppConfig['cli'] => app.get<AppConfig>(APP_CONFIG).cli;

/** `--region CODE` as a normalised region code; absent: the whole country (''). */
export function regionOption(args: ParsedArgs): string {
  if (args.options.region === undefined) return '';
  const region = normalizeRegionCode(String(args.options.region));
  if (region === null) throw new InputError(`--region ${args.options.region}: 应为 2、4、6 或 9 位行政区划代码 (expected a region code)`);
  return region;
}
