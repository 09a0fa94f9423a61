import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { AccountLockedError } from '@sunlight/accounts';
import { AuthError, ConflictError, ForbiddenError, InputError, NotFoundError } from '@sunlight/common';
import type { FieldError } from './validation.js';

/**
 * Domain errors as HTTP answers: bad input 422 with where and what was expected, unknown (or
 * not visible) objects 404, illegal state changes 409. Anything else is a 500 without details.
 *
 * Every answer about input has the same shape, whichever check refused it:
 * `{ statusCode, error, message, errors: [{ field, message }] }` — `message` in Chinese naming
 * the field, `errors` one entry per field for the console to show beside it (request validation
 * 400, a path or query parameter 400, a domain check 422). A locked account's 401 also carries
 * `code: 'locked'` and `lockedUntil` (ISO).
 */
@Catch()
export class DomainExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  catch(error: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    if (error instanceof HttpException) {
      const status = error.getStatus();
      const body = error.getResponse();
      if (status === HttpStatus.TOO_MANY_REQUESTS) {
        res.status(status).json({ statusCode: 429, error: 'Too Many Requests', message: '操作过于频繁，请稍后再试 (too many requests)' });
        return;
      }
      res.status(status).json(typeof body === 'object' && body !== null ? withParameterError(body as Record<string, unknown>) : { statusCode: status, message: String(body) });
      return;
    }
    if (error instanceof AccountLockedError) {
      res.status(HttpStatus.UNAUTHORIZED).json({ statusCode: 401, error: 'Unauthorized', message: error.message, code: error.code, lockedUntil: error.lockedUntil.toISOString() });
      return;
    }
    if (error instanceof AuthError) {
      res.status(HttpStatus.UNAUTHORIZED).json({ statusCode: 401, error: 'Unauthorized', message: error.message, code: error.code });
      return;
    }
    if (error instanceof ForbiddenError) {
      res.status(HttpStatus.FORBIDDEN).json({ statusCode: 403, error: 'Forbidden', message: error.message });
      return;
    }
    if (error instanceof InputError) {
      const errors: FieldError[] = error.details.column ? [{ field: error.details.column, message: withoutEnglish(error.message) }] : [];
      res.status(HttpStatus.UNPROCESSABLE_ENTITY).json({ statusCode: 422, error: 'Unprocessable Entity', message: error.message, details: error.details, errors });
      return;
    }
    if (error instanceof NotFoundError) {
      res.status(HttpStatus.NOT_FOUND).json({ statusCode: 404, error: 'Not Found', message: error.message });
      return;
    }
    if (error instanceof ConflictError) {
      res.status(HttpStatus.CONFLICT).json({ statusCode: 409, error: 'Conflict', message: error.message, ...error.details });
      return;
    }
    this.logger.error({ err: error }, 'request failed');
    res.status(HttpStatus.INTERNAL_SERVER_ERROR).json({ statusCode: 500, error: 'Internal Server Error', message: '服务器内部错误 (internal error)' });
  }
}

/** A refused path or query parameter (WholeNumberPipe, IdPipe) as a field error too. */
function withParameterError(body: Record<string, unknown>): Record<string, unknown> {
  if (typeof body.parameter !== 'string' || body.errors || typeof body.message !== 'string') return body;
  return { ...body, errors: [{ field: body.parameter, message: withoutEnglish(body.message) }] };
}

/** A message without its trailing English gloss: `原密码不正确 (the current password is wrong)` → `原密码不正确`. */
export function withoutEnglish(message: string): string {
  const stripped = message.replace(/\s*\((?=[^()]*[A-Za-z])[^()\u3400-\u9fff]*\)\s*$/, '');
  return stripped || message;
}
