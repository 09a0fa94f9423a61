export * from './figures.js';
export * from './region-table.usecase.js';
export * from './dashboard.usecase.js';
export * from './statistics-workbook.usecase.js';
export * from './statistics.module.js';
