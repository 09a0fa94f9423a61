import { describe, expect, it } from 'vitest';
import { emptyFilters, fenToYuanText, fileSize, filterQuery, sniffAttachment, yuan } from './lead-helpers';

describe('the inspector pages’ helpers', () => {
  it('shows the API’s yuan text with separators and two decimals', () => {
    expect(yuan('1650.5')).toBe('1,650.50');
    expect(yuan('1234567.89')).toBe('1,234,567.89');
    expect(yuan(null)).toBe('');
  });

  it('sends amounts typed in 元 as plain yuan, through fen', () => {
    expect(fenToYuanText('123456')).toBe('1234.56');
    expect(fenToYuanText('5')).toBe('0.05');
    expect(fenToYuanText('-100')).toBe('-1.00');
  });

  it('turns the filters into the API’s query, lists comma-separated, amounts checked', () => {
    const f = { ...emptyFilters(), region: '421087101', status: ['new', 'assigned'], card: ['none'], assignee: 'me', amountMin: '1,200.5', amountMax: 'abc', raised: ['2026-01-01', '2026-03-31'] as [string, string] };
    expect(filterQuery(f)).toEqual({ region: '421087101', status: 'new,assigned', card: 'none', assignee: 'me', amountMin: '1200.50', from: '2026-01-01', to: '2026-03-31' });
    expect(filterQuery(emptyFilters())).toEqual({});
  });

  it('tells PDF, PNG and JPEG by their first bytes, not their names', async () => {
    expect(await sniffAttachment(new Blob(['%PDF-1.7 …']))).toBe('application/pdf');
    expect(await sniffAttachment(new Blob([new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0])]))).toBe('image/png');
    expect(await sniffAttachment(new Blob([new Uint8Array([0xff, 0xd8, 0xff, 0xe0])]))).toBe('image/jpeg');
    expect(await sniffAttachment(new Blob(['<html>']))).toBeUndefined();
    expect(fileSize(10 * 1024 * 1024)).toBe('10.0 MB');
  });
});
