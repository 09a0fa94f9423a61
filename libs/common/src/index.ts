export * from './money.js';
export * from './id-number.js';
export * from './text.js';
export * from './masking.js';
export * from './clock.js';
export * from './errors.js';
export * from './paths.js';
export * from './actor.js';
