export * from './random.js';
export * from './csv.js';
export * from './regions.js';
export * from './people.js';
export * from './batch-rows.js';
export * from './population.js';
