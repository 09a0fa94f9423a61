import { maskResponse } from './masking.interceptor.js';

describe('masking JSON answers', () => {
  it('masks ID numbers and accounts wherever they stand', () => {
    expect(maskResponse({ id_number: '421087198001010011', note: '账号 6222020100011111111' })).toEqual({ id_number: '4210**********0011', note: '账号 6222****1111' });
  });

  it('leaves amounts in fen alone, however large (a country’s total is 12 digits and more)', () => {
    const totals = { amountAtRiskFen: '123456789012', amountConfirmedFen: '100000000000000', rows: [{ amountRecoveredFen: '999999999999' }], confirmed_fen: '123456789012' };
    expect(maskResponse(totals)).toEqual(totals);
  });
});
