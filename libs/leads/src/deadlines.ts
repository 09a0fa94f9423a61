import { readFileSync } from 'node:fs';
import path from 'node:path';

export interface DeadlineSettings {
  /** Working days allowed per step, e.g. verify: 15 (快查快结). */
  deadlines: Record<string, number>;
  cards: { blueBefore: number; redAfter: number };
}

/** Reads config/deadlines.json. */
export function readDeadlines(configDir: string): DeadlineSettings {
  const file = path.join(configDir, 'deadlines.json');
  const raw = JSON.parse(readFileSync(file, 'utf8')) as Partial<DeadlineSettings>;
  const settings: DeadlineSettings = {
    deadlines: { verify: 15, ...(raw.deadlines ?? {}) },
    cards: { blueBefore: 3, redAfter: 10, ...(raw.cards ?? {}) },
  };
  for (const [step, days] of Object.entries(settings.deadlines)) {
    if (!Number.isInteger(days) || days < 1) throw new Error(`${file}: deadlines.${step} must be a whole number of working days`);
  }
  return settings;
}
