import ExcelJS from 'exceljs';
import pg from 'pg';
import { apiClient, createUsers, embeddedDatabase, freshEnv, login, primaryBackend, startServer, type RunningServer, type TestEnv } from './support/harness.js';

/**
 * The supervisors' figures over HTTP, against figures worked out by hand from seeded leads: the
 * dashboard of a city (tiles, by rule, by county, every month of the period, counties ranked by
 * overdue leads), drilling down to a county's townships, the statistics table and its Excel
 * workbook, the region names, and the scope: nothing of another region, ever.
 */

interface Seed {
  region: string;
  createdAt: string;
  rule?: string;
  status?: string;
  amountFen?: string;
  card?: string | null;
  verdict?: string | null;
  outcome?: string | null;
  confirmedFen?: string | null;
  recoveredFen?: string;
}

describe(`supervisor figures over HTTP (${primaryBackend().name})`, () => {
  let env: TestEnv;
  let server: RunningServer;
  let db: pg.Pool;
  const tokens: Record<string, string> = {};
  const call = apiClient(() => server.url);
  let seq = 0;
  const seed = async (s: Seed) => {
    await db.query(
      `INSERT INTO leads (rule_code, rule_version, severity, status, lead_key, region_code, amount_at_risk_fen, card, card_since, program_code, name, explanation, created_at,
                          verdict, outcome, amount_confirmed_fen, amount_recovered_fen)
       VALUES ($1, 1, 'high', $2, $3, $4, $5::bigint, $6::text, CASE WHEN $6::text IS NOT NULL THEN now() END, 'DIBAO', '张三', '测试线索', $7::timestamptz, $8, $9, $10::bigint, $11::bigint)`,
      [s.rule ?? 'R01', s.status ?? 'new', `S|${++seq}`, s.region, s.amountFen ?? '10000', s.card ?? null, s.createdAt, s.verdict ?? null, s.outcome ?? null, s.confirmedFen ?? null, s.recoveredFen ?? '0'],
    );
  };
  const figures = '?from=2025-01-01&to=2025-06-30';

  beforeAll(async () => {
    env = await freshEnv(primaryBackend().name, { SUNLIGHT_LOGIN_RATE: '1000' });
    const users: [string, string, string][] = [
      ['admin', 'admin', ''],
      ['su.jingzhou', 'supervisor', '4210'],
      ['in.songzi', 'inspector', '421087'],
      ['up.songzi', 'uploader', '421087'],
    ];
    await createUsers(env, users);
    server = await startServer(env);
    for (const [username] of users) tokens[username] = await login(server.url, username);
    db = new pg.Pool({ ...(env.env.DATABASE_URL ? { connectionString: env.env.DATABASE_URL } : await embeddedDatabase(env)), max: 2 });
    const at = (day: string, time = '10:00') => `${day}T${time}:00+08:00`;
    // In 荆州市 (4210) and the period 2025-01-01 … 2025-06-30 (Asia/Shanghai):
    await seed({ region: '421087101', createdAt: at('2025-01-10'), amountFen: '10000', card: 'yellow' }); // A
    await seed({ region: '421087101', createdAt: at('2025-01-20'), amountFen: '20000', status: 'confirmed', verdict: 'confirmed', confirmedFen: '20000', card: 'red' }); // B
    await seed({ region: '421087102', createdAt: at('2025-03-05'), rule: 'R02', amountFen: '30000', status: 'rectified', verdict: 'confirmed', outcome: 'rectified', confirmedFen: '30000', recoveredFen: '30000' }); // C
    await seed({ region: '421087', createdAt: at('2025-03-31', '23:30'), amountFen: '5000', card: 'blue' }); // D: recorded at the county itself, the last evening of March
    await seed({ region: '421081001', createdAt: at('2025-06-30', '23:59'), amountFen: '7000', status: 'dismissed', verdict: 'dismissed', outcome: 'dismissed', card: 'red' }); // E: dismissed, its card no longer counts
    await seed({ region: '421081001', createdAt: at('2025-05-02'), rule: 'R07', amountFen: '8000', card: 'red' }); // F
    // Outside the city or the period:
    await seed({ region: '131121100', createdAt: at('2025-02-01'), amountFen: '1000', card: 'red' }); // G: 枣强县
    await seed({ region: '421087101', createdAt: at('2024-12-31', '23:30'), amountFen: '99900' }); // H: the evening before
    await seed({ region: '421087101', createdAt: at('2025-07-01', '00:10'), amountFen: '99900' }); // I: the morning after
    await seed({ region: '110101001', createdAt: at('2025-04-01'), amountFen: '123456789012' }); // J: 北京, a 12-digit amount in fen
  });
  afterAll(async () => {
    await db?.end();
    await server?.stop();
    await env?.cleanup();
  });

  const zero = { raised: 0, verified: 0, confirmed: 0, dismissed: 0, rectified: 0, rectificationRate: null, amountAtRiskFen: '0', amountConfirmedFen: '0', amountRecoveredFen: '0', overdue: { blue: 0, yellow: 0, red: 0, total: 0 } };

  it('shows a city’s supervisor the tiles, the series by rule, county and month, and the counties ranked by overdue leads', async () => {
    const res = await call('GET', `/api/dashboard${figures}`, tokens['su.jingzhou']);
    expect(res.status).toBe(200);
    const d = res.json;
    expect(d.region).toEqual({ code: '4210', name: '荆州市', drillable: true });
    expect(d.path).toEqual([{ code: '4210', name: '荆州市' }]);
    expect([d.from, d.to]).toEqual(['2025-01-01', '2025-06-30']);
    // A–F: six raised; B, C, E verified; B, C confirmed, C rectified; open cards A yellow, B and F red, D blue.
    expect(d.totals).toEqual({
      raised: 6, verified: 3, confirmed: 2, dismissed: 1, rectified: 1, rectificationRate: 0.5,
      amountAtRiskFen: '80000', amountConfirmedFen: '50000', amountRecoveredFen: '30000',
      overdue: { blue: 1, yellow: 1, red: 2, total: 4 },
    });
    expect(d.byRule.map((r: { rule: string; name: string; raised: number }) => [r.rule, r.name, r.raised])).toEqual([['R01', '已故人员领取', 4], ['R02', expect.any(String), 1], ['R07', expect.any(String), 1]]);
    // Every county of the city, those without leads with zeros, in code order.
    expect(d.rows.map((r: { code: string }) => r.code)).toEqual(['421002', '421003', '421022', '421024', '421071', '421081', '421083', '421087', '421088']);
    const songzi = d.rows.find((r: { code: string }) => r.code === '421087');
    expect(songzi).toMatchObject({ name: '松滋市', own: false, drillable: true, raised: 4, confirmed: 2, rectified: 1, amountAtRiskFen: '65000', overdue: { blue: 1, yellow: 1, red: 1, total: 3 } });
    expect(d.rows.find((r: { code: string }) => r.code === '421083')).toEqual({ code: '421083', name: '洪湖市', own: false, drillable: true, ...zero });
    // The rows add up to the tiles.
    expect(d.rows.reduce((s: number, r: { raised: number }) => s + r.raised, 0)).toBe(d.totals.raised);
    expect(d.rows.reduce((s: bigint, r: { amountAtRiskFen: string }) => s + BigInt(r.amountAtRiskFen), 0n)).toBe(80000n);
    // Every month of the period, February and April with nothing.
    expect(d.byMonth.map((m: { month: string; raised: number }) => [m.month, m.raised])).toEqual([['2025-01', 2], ['2025-02', 0], ['2025-03', 2], ['2025-04', 0], ['2025-05', 1], ['2025-06', 1]]);
    expect(d.byMonth[1]).toEqual({ month: '2025-02', ...zero });
    expect(d.ranking.slice(0, 3).map((r: { code: string; overdue: { total: number } }) => [r.code, r.overdue.total])).toEqual([['421087', 3], ['421081', 1], ['421002', 0]]);
    expect(JSON.stringify(d)).not.toMatch(/131121|枣强|110101/);
  });

  it('drills down from the city to a county’s townships, with the county’s own leads as 本级, and a township has no children', async () => {
    const county = (await call('GET', `/api/dashboard${figures}&region=421087`, tokens['su.jingzhou'])).json;
    expect(county.path).toEqual([{ code: '4210', name: '荆州市' }, { code: '421087', name: '松滋市' }]);
    expect(county.totals).toMatchObject({ raised: 4, amountAtRiskFen: '65000' });
    expect(county.rows).toHaveLength(18); // 17 townships and 本级
    expect(county.rows.find((r: { code: string }) => r.code === '421087101')).toMatchObject({ name: '南海镇', raised: 2, drillable: false, overdue: { yellow: 1, red: 1, total: 2 } });
    expect(county.rows.at(-1)).toMatchObject({ code: '421087', name: '松滋市（本级）', own: true, drillable: false, raised: 1, overdue: { blue: 1, total: 1 } });
    expect(county.byMonth).toHaveLength(6);
    const township = (await call('GET', `/api/dashboard${figures}&region=421087101`, tokens['su.jingzhou'])).json;
    expect(township.region).toEqual({ code: '421087101', name: '南海镇', drillable: false });
    expect(township.rows).toEqual([]);
    expect(township.path.map((p: { name: string }) => p.name)).toEqual(['荆州市', '松滋市', '南海镇']);
  });

  it('keeps each user to their scope: another region, or the province above, is not there', async () => {
    for (const region of ['131121', '42', '4211']) {
      expect((await call('GET', `/api/dashboard${figures}&region=${region}`, tokens['su.jingzhou'])).status).toBe(404);
      expect((await call('GET', `/api/statistics/regions${figures}&region=${region}`, tokens['su.jingzhou'])).status).toBe(404);
      expect((await call('GET', `/api/statistics/export.xlsx${figures}&region=${region}`, tokens['su.jingzhou'])).status).toBe(404);
    }
    const inspector = (await call('GET', `/api/dashboard${figures}`, tokens['in.songzi'])).json;
    expect(inspector.region).toMatchObject({ code: '421087', name: '松滋市' });
    expect(inspector.path).toEqual([{ code: '421087', name: '松滋市' }]);
    expect(inspector.totals.raised).toBe(4);
    // The admin sees the whole country, a 12-digit total in fen as it is (no account mask).
    const admin = (await call('GET', `/api/dashboard${figures}`, tokens.admin)).json;
    expect(admin.region).toEqual({ code: '', name: '全国', drillable: true });
    expect(admin.totals.raised).toBe(8);
    expect(admin.totals.amountAtRiskFen).toBe('123456870012');
    expect(admin.rows).toHaveLength(31);
    expect(admin.ranking.slice(0, 2).map((r: { name: string }) => r.name)).toEqual(['湖北省', '河北省']);
  });

  it('answers a period that is no period in Chinese, naming the field', async () => {
    const bad = await call('GET', '/api/dashboard?from=2025-02-31&to=2025-03-31', tokens['su.jingzhou']);
    expect(bad.status).toBe(422);
    expect(bad.text).toContain('from 应为日期');
    expect((await call('GET', '/api/dashboard?from=2025-04-01&to=2025-03-31', tokens['su.jingzhou'])).text).toContain('晚于');
    expect((await call('GET', '/api/dashboard?from=1990-01-01&to=2025-03-31', tokens['su.jingzhou'])).status).toBe(422); // more than 240 months
    expect((await call('GET', '/api/dashboard?from=2025-1-1', tokens['su.jingzhou'])).status).toBe(400);
    // No period: this year so far.
    const year = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
    const defaults = (await call('GET', '/api/dashboard', tokens['su.jingzhou'])).json;
    expect([defaults.from, defaults.to]).toEqual([`${year.slice(0, 4)}-01-01`, year]);
    expect(defaults.byMonth).toHaveLength(Number(year.slice(5, 7)));
  });

  it('lists the statistics table and exports it to Excel: Chinese headers, money in yuan as numbers with two decimals, the total', async () => {
    const table = (await call('GET', `/api/statistics/regions${figures}`, tokens['su.jingzhou'])).json;
    expect(table.totals.raised).toBe(6);
    expect(table.rows).toHaveLength(9);
    const res = await fetch(`${server.url}/api/statistics/export.xlsx${figures}`, { headers: { authorization: `Bearer ${tokens['su.jingzhou']}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(res.headers.get('content-disposition')).toContain(`filename*=UTF-8''${encodeURIComponent('荆州市问题线索统计_2025-01-01_2025-06-30.xlsx')}`);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await res.arrayBuffer()) as never);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['按地区', '按规则', '按月份', '处置与状态']);
    const ws = wb.getWorksheet('按地区')!;
    expect(ws.getCell('A1').value).toBe('荆州市 问题线索统计（2025-01-01 至 2025-06-30）');
    expect(ws.getRow(3).values).toEqual([undefined, '地区', '区划代码', '发现线索', '已核查', '查实', '查否', '已整改', '整改率', '涉及金额（元）', '查实金额（元）', '追回金额（元）', '蓝牌', '黄牌', '红牌']);
    const rowOf = (label: string) => {
      let found: ExcelJS.Row | undefined;
      ws.eachRow((row) => {
        if (row.getCell(1).value === label) found = row;
      });
      return found!;
    };
    const songzi = rowOf('松滋市');
    expect(songzi.getCell(2).value).toBe('421087');
    expect(songzi.getCell(3).value).toBe(4);
    expect(songzi.getCell(8).value).toBe(0.5);
    expect(songzi.getCell(8).numFmt).toBe('0.0%');
    expect(songzi.getCell(9).value).toBe(650);
    expect(songzi.getCell(9).numFmt).toBe('#,##0.00');
    expect(songzi.getCell(11).value).toBe(300);
    expect(rowOf('洪湖市').getCell(8).value).toBeNull(); // no rate without a confirmed lead
    const total = rowOf('合计');
    expect([total.getCell(3).value, total.getCell(9).value, total.getCell(10).value, total.getCell(14).value]).toEqual([6, 800, 500, 2]);
    expect(total.getCell(9).numFmt).toBe('#,##0.00');
    const months = wb.getWorksheet('按月份')!;
    const monthCells: unknown[] = [];
    months.eachRow((row, n) => n > 3 && monthCells.push(row.getCell(1).value));
    expect(monthCells).toEqual(['2025-01', '2025-02', '2025-03', '2025-04', '2025-05', '2025-06', '合计']);
    // The browser may download it by a signed link instead of the token: bound to this address.
    const link = (await call('POST', '/api/links', tokens['su.jingzhou'], { path: `/api/statistics/export.xlsx${figures}` })).json;
    const signed = await fetch(`${server.url}${link.url}`);
    expect(signed.status).toBe(200);
    expect(signed.headers.get('content-disposition')).toContain('filename*=UTF-8');
    expect((await fetch(`${server.url}${link.url.replace('to=2025-06-30', 'to=2025-12-31')}`)).status).toBe(401); // another period: not what was signed
    // An inspector exports their county, a township level below it.
    const county = await fetch(`${server.url}/api/statistics/export.xlsx${figures}`, { headers: { authorization: `Bearer ${tokens['in.songzi']}` } });
    const cwb = new ExcelJS.Workbook();
    await cwb.xlsx.load(Buffer.from(await county.arrayBuffer()) as never);
    expect(cwb.getWorksheet('按地区')!.getCell('A4').value).toBe('新江口街道');
  });

  it('names regions from the catalogue, limited to the user’s scope and the regions above it', async () => {
    const counties = (await call('GET', '/api/regions?parent=4210', tokens['su.jingzhou'])).json;
    expect(counties.map((r: { name: string }) => r.name)).toContain('松滋市');
    expect(counties[0]).toEqual({ code: '421002', name: '沙市区', level: 3 });
    expect((await call('GET', '/api/regions?parent=421087', tokens['su.jingzhou'])).json).toHaveLength(17);
    expect((await call('GET', '/api/regions?parent=42', tokens['su.jingzhou'])).json).toEqual([{ code: '4210', name: '荆州市', level: 2 }]);
    expect((await call('GET', '/api/regions?parent=1311', tokens['su.jingzhou'])).status).toBe(404);
    expect((await call('GET', '/api/regions?codes=421087,421087101,131121,42', tokens['su.jingzhou'])).json).toEqual([
      { code: '42', name: '湖北省', level: 1 },
      { code: '421087', name: '松滋市', level: 3 },
      { code: '421087101', name: '南海镇', level: 4 },
    ]);
    expect((await call('GET', '/api/regions', tokens['up.songzi'])).json.map((r: { name: string }) => r.name)).toEqual(['湖北省', '荆州市', '松滋市']);
    expect((await call('GET', '/api/regions?parent=', tokens.admin)).json).toHaveLength(31);
    expect((await call('GET', '/api/regions?parent=4210x', tokens.admin)).status).toBe(400);
  });
});
