export * from './lifecycle.js';
export * from './transition-lead.usecase.js';
export * from './search-leads.usecase.js';
export * from './sweep-cards.usecase.js';
export * from './calendar.js';
export * from './notices.usecase.js';
export * from './triage.processor.js';
