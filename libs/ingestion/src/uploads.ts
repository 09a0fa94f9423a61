import { mkdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';

/** Uploaded files wait here for their import job (shared by API and workers in production). */
export function uploadsDir(dataDir: string): string {
  const dir = path.join(dataDir, 'uploads');
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Removes an upload once its import has ended; files elsewhere (the CLI's) are left alone. */
export async function discardUpload(dataDir: string, file: string | null): Promise<void> {
  if (file && path.resolve(file).startsWith(path.resolve(uploadsDir(dataDir)) + path.sep)) await rm(file, { force: true });
}
