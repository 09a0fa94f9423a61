import { readFileSync } from 'node:fs';
import path from 'node:path';

export interface DeadlineSettings {
  /** Working days allowed per step, e.g. verify: 15 (快查快结). */
  deadlines: Record<string, number>;
  cards: { blueBefore: number; redAfter: number };
}

const read = new Map<string, DeadlineSettings>();

/**
 * config/deadlines.json, read and checked once per process (like the rule and program
 * catalogues): every state change and check run asks for it, and a change needs a restart.
 */
export function readDeadlines(configDir: string): DeadlineSettings {
  const file = path.join(configDir, 'deadlines.json');
  let settings = read.get(file);
  if (!settings) read.set(file, (settings = parse(file)));
  return settings;
}

function parse(file: string): DeadlineSettings {
  const raw = JSON.parse(readFileSync(file, 'utf8')) as Partial<DeadlineSettings>;
  const settings: DeadlineSettings = {
    deadlines: { verify: 15, dispose: 10, rectify: 30, close: 5, noticeAnswer: 10, ...(raw.deadlines ?? {}) },
    cards: { blueBefore: 3, redAfter: 10, ...(raw.cards ?? {}) },
  };
  for (const [step, days] of Object.entries(settings.deadlines)) {
    if (!Number.isInteger(days) || days < 1) throw new Error(`${file}: deadlines.${step} must be a whole number of working days`);
  }
  const { blueBefore, redAfter } = settings.cards;
  if (!Number.isInteger(blueBefore) || blueBefore < 0) throw new Error(`${file}: cards.blueBefore must be a whole number of working days`);
  if (!Number.isInteger(redAfter) || redAfter < 1) throw new Error(`${file}: cards.redAfter must be a whole number of working days`);
  return settings;
}
