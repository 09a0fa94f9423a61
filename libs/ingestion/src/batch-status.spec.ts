import { BATCH_TRANSITIONS, statusesBefore } from './batch-status.js';

describe('the life of a batch', () => {
  it('ends in stored, rejected or failed, and only an import in progress gets there', () => {
    expect(statusesBefore('stored')).toEqual(['importing']);
    expect(statusesBefore('rejected')).toEqual(['importing']);
    expect(statusesBefore('failed')).toEqual(['pending', 'importing']);
    expect(statusesBefore('importing')).toEqual(['pending', 'importing']);
    expect(statusesBefore('pending')).toEqual([]);
  });

  it('never leaves an end', () => {
    for (const end of ['stored', 'rejected', 'failed'] as const) expect(BATCH_TRANSITIONS[end]).toEqual([]);
  });
});
