export * from './infrastructure.js';
export * from './logging.js';
export * from './core.module.js';
export * from './worker-runner.js';
export * from './lifecycle.js';
