export * from './program-types.js';
export * from './program-catalogue.js';
export * from './programs.service.js';
export * from './programs.module.js';
export * from './program-changes.usecases.js';
export type { ProgramChangeStatus, ProgramSettings, ProgramVersionRow } from './program-versions.repository.js';
