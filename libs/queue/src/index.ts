export * from './jobs.js';
export * from './queue-backend.js';
export * from './typed-queue.js';
export * from './tokens.js';
export * from './job-handler.decorator.js';
export { QueueModule } from './queue.module.js';
export { QueueRegistry } from './queue-registry.js';
export { WorkerHost } from './worker-host.js';
export { JobWaiter } from './job-waiter.js';
