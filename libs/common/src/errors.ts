/**
 * An error in what a person handed us (a file, a command line, a request), worded for them:
 * it names the file, row and column where it can, and what was expected.
 */
export interface InputErrorDetails {
  file?: string;
  row?: number;
  column?: string;
  value?: string;
  expected?: string;
}

export class InputError extends Error {
  constructor(message: string, readonly details: InputErrorDetails = {}) {
    super(message);
    this.name = 'InputError';
  }
}

/** An object that does not exist, or that the caller may not know exists. */
export class NotFoundError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotFoundError';
  }
}

/** A state change that is not allowed from the current state. */
export class ConflictError extends Error {
  constructor(message: string, readonly details: Record<string, unknown> = {}) {
    super(message);
    this.name = 'ConflictError';
  }
}

/** Start-up problems (configuration, unreachable services): printed as one line, no stack. */
export class StartupError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StartupError';
  }
}

/** Not signed in, or not any more (401). The message never says which part was wrong. */
export class AuthError extends Error {
  constructor(message = '未登录或登录已失效 (not signed in)', readonly code: 'unauthenticated' | 'locked' = 'unauthenticated') {
    super(message);
    this.name = 'AuthError';
  }
}

/** Signed in, but the role may not do this (403). */
export class ForbiddenError extends Error {
  constructor(message = '无权执行此操作 (not allowed for this role)') {
    super(message);
    this.name = 'ForbiddenError';
  }
}
