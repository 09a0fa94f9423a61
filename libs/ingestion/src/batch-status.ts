import type { BatchStatus } from './types.js';

/**
 * The life of a batch as data (from → the statuses it may move to), like the lead lifecycle:
 * BatchRepository.moveTo refuses anything not written here. A batch is created 'pending' (an
 * API upload waiting for its job) or 'importing' (the command line).
 */
export const BATCH_TRANSITIONS: Record<BatchStatus, readonly BatchStatus[]> = {
  // 'failed' straight away: the same bytes were stored while the upload waited.
  pending: ['importing', 'failed'],
  // 'importing' again: a job killed halfway runs again from scratch.
  importing: ['importing', 'stored', 'rejected', 'failed'],
  stored: [],
  rejected: [],
  failed: [],
};

/** What people call each status. */
export const BATCH_STATUS_LABELS: Record<BatchStatus, string> = {
  pending: '等待导入',
  importing: '导入中',
  stored: '已入库',
  rejected: '已拒收',
  failed: '导入失败',
};

const STATUSES = Object.keys(BATCH_TRANSITIONS) as BatchStatus[];

/** The statuses a batch may be in to move to `to`. */
export function statusesBefore(to: BatchStatus): BatchStatus[] {
  return STATUSES.filter((from) => BATCH_TRANSITIONS[from].includes(to));
}
