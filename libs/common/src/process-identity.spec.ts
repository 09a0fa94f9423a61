import { spawnSync } from 'node:child_process';
import { processMark, processState } from './process-identity.js';

describe('processState', () => {
  it('knows this process as running', () => {
    expect(processState(processMark())).toBe('running');
  });

  it('knows an ended process of this machine as gone, also when its pid was reused', () => {
    const ended = spawnSync(process.execPath, ['-e', '']).pid;
    const [host, boot] = processMark().split('/');
    expect(processState([host, boot, ended, '1'].join('/'))).toBe('gone');
    expect(processState([host, boot, process.pid, '1'].join('/'))).toBe('gone'); // same pid, another start
    expect(processState([host, 'another-boot', process.pid, ''].join('/'))).toBe('gone');
  });

  it('cannot tell for another machine or no mark', () => {
    const [, boot, pid, started] = processMark().split('/');
    expect(processState(['elsewhere', boot, pid, started].join('/'))).toBe('unknown');
    expect(processState(null)).toBe('unknown');
    expect(processState('garbage')).toBe('unknown');
  });
});
