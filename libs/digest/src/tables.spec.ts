import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** Every .ts file under dir, specs aside. */
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.spec.ts'))
    .map((e) => path.join(e.parentPath, e.name));
}

/** The files of a library whose SQL names one of these tables. */
function reading(lib: string, tables: string[]): string[] {
  const root = path.join(process.cwd(), 'libs', lib, 'src');
  const named = new RegExp(`\\b(FROM|JOIN|INTO|UPDATE)\\s+(${tables.join('|')})\\b`, 'i');
  return sources(root).filter((file) => named.test(readFileSync(file, 'utf8'))).map((file) => path.relative(root, file));
}

// One owner per table: others go through what the owner exports.
describe('tables the digest and leads do not own', () => {
  it('the digest reads leads, notices and regions through leads and regions, and users through accounts', () => {
    expect(reading('digest', ['leads', 'lead_evidence', 'notices', 'regions', 'users'])).toEqual([]);
  });

  it('leads find inspectors through accounts', () => {
    expect(reading('leads', ['users', 'sessions'])).toEqual([]);
  });
});
