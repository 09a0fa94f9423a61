export * from './digest.module.js';
export * from './digests.js';
export * from './compose-digest.js';
export { DeliveryError } from './delivery.js';
