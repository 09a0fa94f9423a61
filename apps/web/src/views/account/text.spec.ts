import { describe, expect, it } from 'vitest';
import { passwordProblem, plainMessage } from './text';

describe('plainMessage', () => {
  it('keeps the Chinese and drops a trailing English gloss', () => {
    expect(plainMessage('原密码不正确 (the current password is wrong)')).toBe('原密码不正确');
    expect(plainMessage('连续输错密码，账户已锁定，将于 14:32 自动解锁，或请管理员解锁 (the account is locked until 2026-12-01T06:32:00.000Z)')).toBe('连续输错密码，账户已锁定，将于 14:32 自动解锁，或请管理员解锁');
    expect(plainMessage('金额（元）有误')).toBe('金额（元）有误');
  });
});

describe('passwordProblem', () => {
  it('asks for 10 characters with letters and digits', () => {
    expect(passwordProblem('short1')).toBe('至少 10 个字符');
    expect(passwordProblem('onlyletters')).toBe('须同时含字母和数字');
    expect(passwordProblem('1234567890')).toBe('须同时含字母和数字');
    expect(passwordProblem('Good-password-1')).toBeNull();
  });
});
