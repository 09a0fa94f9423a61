import { linkTarget } from './access.js';

describe('linkTarget: the path and query a signed link is bound to', () => {
  it('keeps the path and the query in order, without the link parameter', () => {
    expect(linkTarget('/api/notices/3/print')).toBe('/api/notices/3/print');
    expect(linkTarget('/api/leads/export.csv?status=new&rule=R01')).toBe('/api/leads/export.csv?status=new&rule=R01');
    expect(linkTarget('/api/leads/export.csv?status=new&link=abc.def&rule=R01')).toBe('/api/leads/export.csv?status=new&rule=R01');
    expect(linkTarget('/api/leads/export.csv?link=abc')).toBe('/api/leads/export.csv');
  });

  it('normalises as a browser sends it: percent-encoding, dot segments', () => {
    expect(linkTarget('/api/leads/export.csv?x=松滋')).toBe('/api/leads/export.csv?x=%E6%9D%BE%E6%BB%8B');
    expect(linkTarget('/api/leads/../notices/3/print')).toBe('/api/notices/3/print');
    expect(linkTarget('/api/a b')).toBe('/api/a%20b');
  });

  it('refuses anything that is not a path on this server', () => {
    for (const bad of ['http://evil.example/api/x', '//evil.example/api/x', 'api/x', '', `/${'a'.repeat(2000)}`]) expect(linkTarget(bad)).toBeUndefined();
    expect(linkTarget(undefined as unknown as string)).toBeUndefined();
  });
});
