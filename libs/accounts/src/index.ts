export * from './auth.usecases.js';
export * from './users.usecases.js';
export * from './user-directory.js';
export * from './token.service.js';
export * from './demo-accounts.js';
export * from './accounts.module.js';
export { hashPassword, checkPasswordPolicy } from './passwords.js';
export * from './signed-links.js';
export * from './people.usecases.js';
