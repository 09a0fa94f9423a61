import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readDeadlines } from './deadlines.js';

function configDir(content?: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'deadlines-'));
  if (content !== undefined) writeFileSync(path.join(dir, 'deadlines.json'), content);
  return dir;
}

describe('deadlines.json', () => {
  it('reads the shipped file as README describes it', () => {
    expect(readDeadlines(path.join(process.cwd(), 'config'))).toEqual({
      deadlines: { verify: 15, dispose: 10, rectify: 30, close: 5, noticeAnswer: 10 },
      cards: { blueBefore: 3, redAfter: 10 },
    });
  });

  it('keeps the defaults for what it does not set, and all of them without the file', () => {
    expect(readDeadlines(configDir('{"deadlines": {"verify": 20}}')).deadlines).toMatchObject({ verify: 20, dispose: 10 });
    expect(readDeadlines(configDir()).deadlines.verify).toBe(15);
  });

  it('names the file when it is not JSON', () => {
    const dir = configDir('{"deadlines": {"verify": 15,}');
    expect(() => readDeadlines(dir)).toThrow(`${path.join(dir, 'deadlines.json')}: not valid JSON`);
  });

  it('names a misspelt step, an unknown section and a value that is not a whole number of working days', () => {
    expect(() => readDeadlines(configDir('{"deadlines": {"verfy": 20}}'))).toThrow(/unknown setting deadlines\.verfy \(known: verify, dispose, rectify, close, noticeAnswer\)/);
    expect(() => readDeadlines(configDir('{"deadline": {"verify": 20}}'))).toThrow(/unknown section "deadline"/);
    expect(() => readDeadlines(configDir('{"deadlines": {"verify": "15"}}'))).toThrow(/deadlines\.verify must be a whole number of working days, at least 1 \(got "15"\)/);
    expect(() => readDeadlines(configDir('{"cards": {"redAfter": 0}}'))).toThrow(/cards\.redAfter must be a whole number of working days, at least 1/);
    expect(() => readDeadlines(configDir('[]'))).toThrow(/must be an object/);
  });
});
