import { escapeHtml, cleanCell, foldWidth } from './text.js';
import { maskBankAccount, maskIdNumber } from './masking.js';

describe('cells as typed in Excel', () => {
  it('folds full-width digits and letters and trims ideographic spaces', () => {
    expect(foldWidth('４２１０８７１９５２０９０３０１２Ｘ')).toBe('42108719520903012X');
    expect(cleanCell('\u3000 李秀英 \u3000')).toBe('李秀英');
    expect(cleanCell('   ')).toBeNull();
  });
});

describe('masking', () => {
  it('masks ID numbers and bank accounts as the console shows them', () => {
    expect(maskIdNumber('421087196804120116')).toBe('4210**********0116');
    expect(maskBankAccount('6222020100011111111')).toBe('6222 **** **** 1111');
  });
});

describe('escapeHtml', () => {
  it('escapes the five characters that break out of text or a quoted attribute', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  });
  it('leaves Chinese text alone and writes nothing for null', () => {
    expect(escapeHtml('松滋市纪预〔2026〕1号')).toBe('松滋市纪预〔2026〕1号');
    expect(escapeHtml(null)).toBe('');
  });
});
