export * from './region-types.js';
export * from './region-code.js';
export * from './regions.service.js';
export * from './regions.module.js';
export * from './find-regions.usecase.js';
