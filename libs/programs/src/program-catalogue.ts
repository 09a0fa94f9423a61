import path from 'node:path';
import { yuanToFen } from '@sunlight/common';
import { readJsonFile } from '@sunlight/config';
import type { ProgramFrequency } from './program-types.js';

export interface ProgramDefinition {
  code: string;
  name: string;
  frequency: ProgramFrequency;
  /** Largest single payment allowed per period, in fen. */
  capFen: bigint;
  /** Means-tested programs exclude public-payroll staff, vehicle owners and business owners. */
  meansTested: boolean;
  minAge: number | null;
  maxAge: number | null;
  /** Owed to everyone in the age range: R13 (应享未享) looks for who was not paid. */
  universal: boolean;
}

const FREQUENCIES: ProgramFrequency[] = ['monthly', 'yearly', 'one-off'];

/** Reads and checks config/programs.json; a mistake there names the program and the field. */
export function readProgramCatalogue(configDir: string): ProgramDefinition[] {
  const file = path.join(configDir, 'programs.json');
  const raw = readJsonFile(file) as { programs?: Record<string, unknown>[] } | null;
  if (!Array.isArray(raw?.programs)) throw new Error(`${file}: must hold a "programs" list`);
  return raw.programs.map((p, i) => {
    const where = `${file}: programs[${i}]${typeof p.code === 'string' ? ` (${p.code})` : ''}`;
    if (typeof p.code !== 'string' || !/^[A-Z][A-Z0-9_]{0,15}$/.test(p.code)) throw new Error(`${where}: code must be 1–16 capital letters, digits or _`);
    if (typeof p.name !== 'string' || !p.name) throw new Error(`${where}: name is required`);
    if (!FREQUENCIES.includes(p.frequency as ProgramFrequency)) throw new Error(`${where}: frequency must be one of ${FREQUENCIES.join(', ')}`);
    const capFen = yuanToFen(String(p.cap ?? ''));
    if (capFen === null || capFen <= 0n) throw new Error(`${where}: cap must be a positive amount in yuan`);
    const age = (v: unknown, field: string) => {
      if (v === undefined || v === null) return null;
      if (!Number.isInteger(v) || (v as number) < 0 || (v as number) > 150) throw new Error(`${where}: ${field} must be a whole number of years`);
      return v as number;
    };
    return {
      code: p.code,
      name: p.name,
      frequency: p.frequency as ProgramFrequency,
      capFen,
      meansTested: p.meansTested === true,
      minAge: age(p.minAge, 'minAge'),
      maxAge: age(p.maxAge, 'maxAge'),
      universal: universal(p.universal, p.minAge, p.maxAge, where),
    };
  });
}

function universal(value: unknown, minAge: unknown, maxAge: unknown, where: string): boolean {
  if (value === undefined || value === false) return false;
  if (value !== true) throw new Error(`${where}: universal must be true or false`);
  // Owed to everyone of an age range: without one it would be owed to every resident.
  if (minAge === undefined && maxAge === undefined) throw new Error(`${where}: a universal program needs minAge or maxAge`);
  return true;
}
