export * from './app-config.js';
export * from './config-files.js';
export * from './config.module.js';
export * from './tokens.js';
