import { readableFacts } from './lead-facts.js';

describe('registry facts as readable fields', () => {
  it('names a registry’s columns as its spec does, in its order, the import last', () => {
    const [fact] = readableFacts([{ registry: 'deceased', import_id: '3', id_number: '42108719520903012X', name: '王建国', death_date: '2024-02-10' }]);
    expect(fact).toEqual({
      registry: 'deceased',
      title: '死亡人员',
      fields: [
        { key: 'id_number', label: '身份证号', value: '42108719520903012X' },
        { key: 'name', label: '姓名', value: '王建国' },
        { key: 'death_date', label: '死亡日期', value: '2024-02-10' },
        { key: 'import_id', label: '比对库导入编号', value: '3' },
      ],
    });
  });

  it('names the facts a rule computes, and shows what is missing as —', () => {
    expect(readableFacts([{ registry: 'public-employees', id_number: 'x', name: '张三', employer: '某局', from_date: '2020-01-01', to_date: null }])[0].fields.find((f) => f.key === 'to_date')).toEqual({ key: 'to_date', label: '终止日期', value: '—' });
    expect(readableFacts([{ persons: 4, households: 3 }])[0]).toEqual({ registry: null, title: '比对依据', fields: [{ key: 'persons', label: '收款人数', value: '4' }, { key: 'households', label: '涉及户数', value: '3' }] });
    expect(readableFacts([{ account_holder: '李四', households: ['H1', 'H2'] }])[0].fields).toEqual([
      { key: 'account_holder', label: '账户名', value: '李四' },
      { key: 'households', label: '所在户编号', value: 'H1、H2' },
    ]);
    const [official] = readableFacts([{ registry: 'village-officials', official_name: '赵六', role: '村主任', relation: '村干部本人（村主任）' }]);
    expect(official.fields.map((f) => f.label)).toEqual(['职务', '村干部姓名', '与村干部的关系']);
  });

  it('keeps an unknown key under its own name rather than lose it, and skips what is not an object', () => {
    expect(readableFacts([null, 'x', { newKey: 1 }])).toEqual([{ registry: null, title: '比对依据', fields: [{ key: 'newKey', label: 'newKey', value: '1' }] }]);
  });
});
