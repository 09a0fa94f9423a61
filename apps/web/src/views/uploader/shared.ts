import type { components } from '@/api/schema';

/** The uploader area's shapes, as the API's OpenAPI document declares them. */
export type Batch = components['schemas']['BatchDto'];
export type BatchAccepted = components['schemas']['BatchAcceptedDto'];
export type RegistryImport = components['schemas']['RegistryImportDto'];
export type RegistryAccepted = components['schemas']['RegistryAcceptedDto'];
export type Rejection = components['schemas']['RejectionDto'];
export type RejectionPage = components['schemas']['RejectionPageDto'];
export type LeadOfBatch = components['schemas']['LeadOfBatchDto'];
export type ImportStatus = Batch['status'];

/** Still running: the page polls it. */
export const running = (status: ImportStatus): boolean => status === 'pending' || status === 'importing';

/** Tag colours of an import's status (its name comes from the labels). */
export const STATUS_TAG: Record<ImportStatus, 'info' | 'warning' | 'success' | 'danger'> = {
  pending: 'info',
  importing: 'warning',
  stored: 'success',
  rejected: 'danger',
  failed: 'danger',
};

/** 'YYYY-MM-DD' of a date picker's value, or undefined. */
export const day = (value: string | null | undefined): string | undefined => value || undefined;
