export * from './audit-log.js';
export * from './audit.module.js';
export { canonicalJson, eventHash, GENESIS_HASH } from './canonical.js';
