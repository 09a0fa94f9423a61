export * from './program-types.js';
export * from './program-catalogue.js';
export * from './programs.service.js';
export * from './programs.module.js';
