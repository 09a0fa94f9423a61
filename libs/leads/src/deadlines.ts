import { Inject, type Provider } from '@nestjs/common';
import path from 'node:path';
import { APP_CONFIG, readJsonFile, type AppConfig } from '@sunlight/config';
import type { DeadlineStep } from './triage/lifecycle.js';

export interface DeadlineSettings {
  /** Working days allowed per step, e.g. verify: 15 (快查快结); noticeAnswer: a notice's answer. */
  deadlines: Record<DeadlineStep | 'noticeAnswer', number>;
  cards: { blueBefore: number; redAfter: number };
}

const DEFAULTS: DeadlineSettings = {
  deadlines: { verify: 15, dispose: 10, rectify: 30, close: 5, noticeAnswer: 10 },
  cards: { blueBefore: 3, redAfter: 10 },
};
/** The least each setting may be: a deadline of 0 days would be due the day it starts. */
const MINIMUM: { [S in keyof DeadlineSettings]: Record<keyof DeadlineSettings[S], number> } = {
  deadlines: { verify: 1, dispose: 1, rectify: 1, close: 1, noticeAnswer: 1 },
  cards: { blueBefore: 0, redAfter: 1 },
};

/**
 * Reads and checks config/deadlines.json (absent: the defaults); a mistake names the file and
 * the setting. Unknown settings are mistakes too: a misspelt step would silently keep its default.
 */
export function readDeadlines(configDir: string): DeadlineSettings {
  const file = path.join(configDir, 'deadlines.json');
  const raw = readJsonFile(file, { optional: true }) ?? {};
  if (!isObject(raw)) throw new Error(`${file}: must be an object with "deadlines" and "cards"`);
  for (const key of Object.keys(raw)) {
    if (!key.startsWith('$') && !(key in DEFAULTS)) throw new Error(`${file}: unknown section "${key}" (known: ${Object.keys(DEFAULTS).join(', ')})`);
  }
  const section = <S extends keyof DeadlineSettings>(name: S): DeadlineSettings[S] => {
    const given = raw[name] ?? {};
    if (!isObject(given)) throw new Error(`${file}: ${name} must be an object`);
    const minimum: Record<string, number> = MINIMUM[name];
    for (const [key, value] of Object.entries(given)) {
      if (!(key in minimum)) throw new Error(`${file}: unknown setting ${name}.${key} (known: ${Object.keys(minimum).join(', ')})`);
      if (!Number.isInteger(value) || (value as number) < minimum[key]) throw new Error(`${file}: ${name}.${key} must be a whole number of working days, at least ${minimum[key]} (got ${JSON.stringify(value)})`);
    }
    return { ...DEFAULTS[name], ...given } as DeadlineSettings[S];
  };
  return { deadlines: section('deadlines'), cards: section('cards') };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export const DEADLINES = Symbol('DEADLINES');
/** Injects the DeadlineSettings, read once when the application starts. */
export const InjectDeadlines = () => Inject(DEADLINES);

/** A broken deadlines.json stops the start-up, naming the file, not the first triage step. */
export const deadlinesProvider: Provider = {
  provide: DEADLINES,
  useFactory: (config: AppConfig) => readDeadlines(config.configDir),
  inject: [APP_CONFIG],
};
