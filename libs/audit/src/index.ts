export * from './audit-log.js';
export * from './audit.module.js';
export { canonicalJson, checkpointMac, checkpointValid, eventHash, eventMac, GENESIS_HASH, KEYED_ALG, type AuditAlg, type Checkpoint } from './canonical.js';
export { parseCheckpoint } from './checkpoints.js';
