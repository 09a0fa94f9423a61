import { readFileSync } from 'node:fs';

/**
 * Reads a JSON file of the configuration directory (programs, rules, deadlines). An unreadable or
 * malformed file is an error naming the file, so that start-up ends with a line that says where
 * to look. An optional file that does not exist reads as undefined (its defaults apply).
 */
export function readJsonFile(file: string, options: { optional?: boolean } = {}): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (options.optional && e.code === 'ENOENT') return undefined;
    throw new Error(`${file}: cannot be read (${e.code ?? e.message})`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new Error(`${file}: not valid JSON (${(err as Error).message})`);
  }
}
