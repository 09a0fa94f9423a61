export * from './entities/index.js';
export * from './working-days.js';
export * from './deadlines.js';
export * from './export-leads.usecase.js';
export * from './close-lead.usecase.js';
export * from './leads.module.js';
export * from './lead-statistics.usecase.js';
export * from './triage/index.js';
export { GetLead } from './get-lead.usecase.js';
