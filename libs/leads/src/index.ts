export * from './entities/index.js';
export * from './working-days.js';
export * from './deadlines.js';
export * from './export-leads.usecase.js';
export * from './close-lead.usecase.js';
export * from './leads.module.js';
export * from './list-leads.usecase.js';
export { GetLead } from './get-lead.usecase.js';
