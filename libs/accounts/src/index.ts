export * from './auth.usecases.js';
export * from './users.usecases.js';
export * from './user-directory.js';
export * from './token.service.js';
export * from './demo-accounts.js';
export * from './accounts.module.js';
export { hashPassword, checkPasswordPolicy, PASSWORD_POLICY } from './passwords.js';
export type { UserFilter } from './user.repository.js';
