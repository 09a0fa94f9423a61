import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { AuthError, ConflictError, ForbiddenError, InputError, NotFoundError } from '@sunlight/common';

/**
 * Domain errors as HTTP answers: bad input 422 with where and what was expected, unknown (or
 * not visible) objects 404, illegal state changes 409. Anything else is a 500 without details.
 */
@Catch()
export class DomainExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  catch(error: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    if (error instanceof HttpException) {
      res.status(error.getStatus()).json(error.getResponse());
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
      res.status(HttpStatus.UNPROCESSABLE_ENTITY).json({ statusCode: 422, error: 'Unprocessable Entity', message: error.message, details: error.details });
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
