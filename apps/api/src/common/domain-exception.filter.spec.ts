import { BadRequestException, HttpException, HttpStatus, type ArgumentsHost } from '@nestjs/common';
import { AccountLockedError } from '@sunlight/accounts';
import { InputError } from '@sunlight/common';
import { DomainExceptionFilter } from './domain-exception.filter.js';

function answer(error: unknown): { status: number; body: any } {
  const out = { status: 0, body: undefined as any };
  const res = { status: (s: number) => ((out.status = s), res), json: (b: unknown) => ((out.body = b), res) };
  const host = { switchToHttp: () => ({ getResponse: () => res }) } as unknown as ArgumentsHost;
  new DomainExceptionFilter().catch(error, host);
  return out;
}

describe('the error answers', () => {
  it('says when a locked account unlocks, for people and for machines', () => {
    const until = new Date('2026-12-01T06:32:10Z');
    const { status, body } = answer(new AccountLockedError(until));
    expect(status).toBe(401);
    expect(body).toMatchObject({ code: 'locked', lockedUntil: '2026-12-01T06:32:10.000Z' });
    expect(body.message).toContain('将于 14:32 自动解锁');
  });

  it('names the field of a domain input error in errors[]', () => {
    const { status, body } = answer(new InputError('原密码不正确 (the current password is wrong)', { column: 'oldPassword' }));
    expect(status).toBe(422);
    expect(body.errors).toEqual([{ field: 'oldPassword', message: '原密码不正确' }]);
    expect(answer(new InputError('整个文件无法读取')).body.errors).toEqual([]);
  });

  it('names a refused parameter in errors[]', () => {
    const { body } = answer(new BadRequestException({ statusCode: 400, message: '参数 limit 应为正整数 (limit must be a positive integer)', parameter: 'limit' }));
    expect(body.errors).toEqual([{ field: 'limit', message: '参数 limit 应为正整数' }]);
  });

  it('answers too many requests in Chinese, and any plain HttpException as an object', () => {
    expect(answer(new HttpException('ThrottlerException: Too Many Requests', HttpStatus.TOO_MANY_REQUESTS))).toEqual({ status: 429, body: { statusCode: 429, error: 'Too Many Requests', message: '操作过于频繁，请稍后再试 (too many requests)' } });
    expect(answer(new HttpException('Gone', HttpStatus.GONE))).toEqual({ status: 410, body: { statusCode: 410, message: 'Gone' } });
  });
});
