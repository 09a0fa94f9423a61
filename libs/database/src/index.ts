export * from './database.module.js';
export * from './endpoint.js';
export * from './bulk-loader.js';
export * from './app-meta.service.js';
export * from './tokens.js';
export { DataDirLock } from './embedded/data-dir-lock.js';
export type { LockInfo } from './embedded/data-dir-lock.js';
