export * from './entities/index.js';
export * from './columns.js';
export * from './import-batch.usecase.js';
export * from './ingestion-events.js';
export * from './ingestion.module.js';
export type { ProgressFn } from './staging.js';
export * from './list-batches.usecase.js';
