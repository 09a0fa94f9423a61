import { apiClient, createUser, freshEnv, login, primaryBackend, startServer, TEST_PASSWORD, until, type ApiAnswer, type RunningServer, type TestEnv } from './support/harness.js';

/**
 * What the inspector's pages stand on: attachments (谈话记录, 整改报告) stored with a lead and
 * checked by their content, the picker of whom a lead may be assigned to, the lead's registry
 * facts and history as people read them, and response types for every leads and notices route
 * in the OpenAPI document the console's client is generated from.
 */

const PNG_1x1 = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n', 'latin1');
const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0xff, 0xd9]);
const MiB = 1024 * 1024;

describe(`the inspector's API: attachments, assignees, readable facts and history (${primaryBackend().name})`, () => {
  let env: TestEnv;
  let server: RunningServer;
  const tokens: Record<string, string> = {};
  const ids: Record<string, string> = {};
  const call = apiClient(() => server.url);
  let lead: string;
  let lead2: string;
  let zaoqiangLead: string;

  const attach = (leadId: string, content: Buffer, name: string, kind = 'interview', who = 'in.songzi', type = 'application/pdf') => {
    const form = new FormData();
    form.append('kind', kind);
    form.append('file', new Blob([content], { type }), name);
    return call('POST', `/api/leads/${leadId}/attachments`, tokens[who], form);
  };
  const listed = async (leadId: string) => (await call('GET', `/api/leads/${leadId}/attachments`, tokens['in.songzi'])).json as { id: string; file_name: string }[];
  const auditCount = async (leadId: string) => (await call('GET', `/api/leads/${leadId}`, tokens['in.songzi'])).json.history.length as number;
  const download = async (url: string, token?: string) => {
    const res = await fetch(`${server.url}${url}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
  };

  beforeAll(async () => {
    env = await freshEnv(primaryBackend().name, { SUNLIGHT_LOGIN_RATE: '1000', SUNLIGHT_UPLOAD_RATE: '1000' });
    await createUser(env, 'admin', 'admin');
    server = await startServer(env);
    tokens.admin = await login(server.url, 'admin');
    const users: [string, string, string, string][] = [
      ['in.songzi', 'inspector', '421087', '宋子'],
      ['in.songzi2', 'inspector', '421087', '松滋二'],
      ['in.city', 'inspector', '4210', '荆州纪委'],
      ['in.off', 'inspector', '421087', '已停用'],
      ['in.zaoqiang', 'inspector', '131121', '枣强'],
      ['su.songzi', 'supervisor', '421087', '松滋领导'],
      ['up.songzi', 'uploader', '421087', '松滋财政'],
      ['up.zaoqiang', 'uploader', '131121', '枣强财政'],
    ];
    for (const [username, role, regionCode, displayName] of users) {
      const res = await call('POST', '/api/users', tokens.admin, { username, displayName, role, regionCode, password: TEST_PASSWORD });
      expect(res.status).toBe(201);
      ids[username] = res.json.id;
      if (username !== 'in.off') tokens[username] = await login(server.url, username);
    }
    expect((await call('PATCH', `/api/users/${ids['in.off']}`, tokens.admin, { active: false })).status).toBe(200);
    // Two deceased recipients in 松滋 and one in 枣强: R01 leads with registry facts.
    const upload = (url: string, who: string, name: string, csv: string) => {
      const form = new FormData();
      form.append('file', new Blob([csv]), name);
      return call('POST', url, tokens[who], form);
    };
    const registry = await upload('/api/registries/deceased', 'up.songzi', 'deceased.csv', 'id_number,name,death_date\n42108719520903012X,王建国,2024-02-10\n421087196804120116,李秀英,2024-01-05\n131121198006060148,赵六,2024-01-20\n');
    await until(async () => ((await call('GET', `/api/registries/imports/${registry.json.importId}`, tokens['up.songzi'])).json.status === 'stored' ? true : undefined), 60_000, 'the registry');
    await upload('/api/batches', 'up.songzi', 'songzi.csv', 'region_code,program_code,period,id_number,name,amount,bank_account,paid_on\n421087101,DIBAO,2024-05,42108719520903012X,王建国,"1,650.00",6222020100022222222,2024-05-15\n421087102,DIBAO,2024-05,421087196804120116,李秀英,650.00,6222020100011111111,2024-05-15\n');
    await upload('/api/batches', 'up.zaoqiang', 'zaoqiang.csv', 'region_code,program_code,period,id_number,name,amount,paid_on\n131121100,DIBAO,2024-05,131121198006060148,赵六,1500.00,2024-05-16\n');
    const leads = await until(async () => {
      const items = (await call('GET', '/api/leads?rule=R01&sort=amount', tokens['in.songzi'])).json.items;
      return items?.length === 2 ? items : undefined;
    }, 60_000, 'the 松滋 R01 leads');
    [lead, lead2] = leads.map((l: { id: string }) => l.id);
    zaoqiangLead = (await until(async () => (await call('GET', '/api/leads?rule=R01', tokens['in.zaoqiang'])).json.items?.[0], 60_000, 'the 枣强 lead')).id;
  });
  afterAll(async () => {
    await server?.stop();
    await env?.cleanup();
  });

  it('stores an attachment with the lead, lists it in the detail and serves it back as a download, audited', async () => {
    const res = await attach(lead, PDF, '谈话记录（王建国）.pdf');
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({ lead_id: lead, kind: 'interview', file_name: '谈话记录（王建国）.pdf', media_type: 'application/pdf', size_bytes: PDF.length, uploaded_by_name: 'in.songzi' });
    const detail = (await call('GET', `/api/leads/${lead}`, tokens['su.songzi'])).json;
    expect(detail.attachments).toEqual([res.json]);

    const url = `/api/leads/${lead}/attachments/${res.json.id}`;
    const got = await download(url, tokens['su.songzi']);
    expect(got.status).toBe(200);
    expect(got.body.equals(PDF)).toBe(true);
    expect(got.headers.get('content-type')).toBe('application/pdf');
    expect(got.headers.get('x-content-type-options')).toBe('nosniff');
    expect(got.headers.get('content-disposition')).toBe(`attachment; filename="_________.pdf"; filename*=UTF-8''${encodeURIComponent('谈话记录（王建国）.pdf')}`);
    expect(decodeURIComponent(/filename\*=UTF-8''(.+)$/.exec(got.headers.get('content-disposition')!)![1])).toBe('谈话记录（王建国）.pdf');

    // In the browser: a signed link, no bearer token.
    const link = await call('POST', '/api/links', tokens['in.songzi'], { path: url });
    expect(link.status).toBe(201);
    const viaLink = await download(link.json.url);
    expect(viaLink.status).toBe(200);
    expect(viaLink.body.equals(PDF)).toBe(true);

    const history = (await call('GET', `/api/leads/${lead}`, tokens['in.songzi'])).json.history;
    expect(history.find((e: { action: string }) => e.action === 'lead.attach')).toMatchObject({ actorName: 'in.songzi', actorDisplayName: '宋子', step: null, data: { attachmentId: res.json.id, kind: 'interview', fileName: '谈话记录（王建国）.pdf', mediaType: 'application/pdf', size: PDF.length } });
    expect(history.filter((e: { action: string }) => e.action === 'lead.attachment-download').map((e: { actorName: string }) => e.actorName)).toEqual(['su.songzi', 'in.songzi']);
  });

  it('decides the type by the content: a PNG named .pdf is kept as .png, a JPEG as .jpg, a name with no ending gets one', async () => {
    let res = await attach(lead2, PNG_1x1, '整改照片.pdf', 'rectification', 'in.songzi', 'application/pdf');
    expect(res.json).toMatchObject({ file_name: '整改照片.png', media_type: 'image/png', kind: 'rectification' });
    expect((await download(`/api/leads/${lead2}/attachments/${res.json.id}`, tokens['in.songzi'])).headers.get('content-type')).toBe('image/png');
    res = await attach(lead2, JPEG, 'scan', 'other', 'in.songzi', 'text/plain');
    expect(res.json).toMatchObject({ file_name: 'scan.jpg', media_type: 'image/jpeg' });
    res = await attach(lead2, PDF, 'C:\\Users\\张三\\整改报告.doc', 'rectification');
    expect(res.json).toMatchObject({ file_name: '整改报告.doc.pdf', media_type: 'application/pdf' });
  });

  it('refuses, in Chinese naming the file, what is empty, too large or not a PDF, PNG or JPEG, and stores nothing of it', async () => {
    const before = { files: (await listed(lead2)).length, events: await auditCount(lead2) };
    let res = await attach(lead2, Buffer.from('<html><script>alert(1)</script></html>'), '谈话记录.pdf', 'interview', 'in.songzi', 'application/pdf');
    expect(res.status).toBe(422);
    expect(res.json.message).toContain('谈话记录.pdf');
    expect(res.json.message).toContain('PDF、PNG、JPEG');
    expect(res.json.details).toMatchObject({ file: '谈话记录.pdf', column: 'file' });
    res = await attach(lead2, Buffer.from('MZ\x90\x00', 'latin1'), 'report.png', 'interview', 'in.songzi', 'image/png');
    expect(res.status).toBe(422);
    res = await attach(lead2, Buffer.alloc(0), '空文件.pdf');
    expect(res.status).toBe(422);
    expect(res.json.message).toContain('空文件.pdf');
    const tooLarge = Buffer.concat([PNG_1x1, Buffer.alloc(10 * MiB + 1 - PNG_1x1.length)]);
    res = await attach(lead2, tooLarge, '大照片.png', 'rectification', 'in.songzi', 'image/png');
    expect(res.status).toBe(413);
    expect(res.json.message).toContain('大照片.png');
    expect(res.json.message).toContain('10 MB');
    res = await attach(lead2, PDF, 'x.pdf', 'minutes');
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.json.message)).toContain('谈话记录');
    expect({ files: (await listed(lead2)).length, events: await auditCount(lead2) }).toEqual(before);
    // Exactly at the limit is taken.
    res = await attach(lead2, tooLarge.subarray(0, 10 * MiB), '正好 10MB.png', 'rectification', 'in.songzi', 'image/png');
    expect(res.status).toBe(201);
    expect(res.json.size_bytes).toBe(10 * MiB);
  });

  it('keeps attachments to the inspectors of the lead’s region; others see 404, other roles 403', async () => {
    expect((await attach(lead, PDF, 'a.pdf', 'interview', 'in.zaoqiang')).status).toBe(404);
    expect((await attach(lead, PDF, 'a.pdf', 'interview', 'su.songzi')).status).toBe(403);
    const first = (await attach(lead, PDF, 'own.pdf')).json;
    expect((await download(`/api/leads/${lead}/attachments/${first.id}`, tokens['in.zaoqiang'])).status).toBe(404);
    expect((await call('GET', `/api/leads/${lead}/attachments`, tokens['in.zaoqiang'])).status).toBe(404);
    expect((await download(`/api/leads/${lead2}/attachments/${first.id}`, tokens['in.songzi'])).status).toBe(404); // another lead's
    expect((await download(`/api/leads/${lead}/attachments/${first.id}`, tokens['up.songzi'])).status).toBe(403);
    const zaoqiangFile = (await attach(zaoqiangLead, JPEG, 'z.jpg', 'other', 'in.zaoqiang')).json;
    expect((await download(`/api/leads/${zaoqiangLead}/attachments/${zaoqiangFile.id}`, tokens['in.songzi'])).status).toBe(404);
  });

  it('offers, by name, the active inspectors whose region covers the lead (or every lead of a selection)', async () => {
    const res = await call('GET', `/api/leads/${lead}/assignees`, tokens['in.songzi']);
    expect(res.status).toBe(200);
    expect(res.json).toHaveLength(3);
    expect(res.json).toEqual(expect.arrayContaining([
      { id: ids['in.songzi2'], username: 'in.songzi2', displayName: '松滋二', regionCode: '421087' },
      { id: ids['in.songzi'], username: 'in.songzi', displayName: '宋子', regionCode: '421087' },
    ]));
    expect(res.json[2]).toEqual({ id: ids['in.city'], username: 'in.city', displayName: '荆州纪委', regionCode: '4210' }); // the county's own first
    const names = res.json.map((i: { username: string }) => i.username);
    expect(names).not.toContain('in.off');
    expect(names).not.toContain('in.zaoqiang');
    expect(names).not.toContain('su.songzi');
    const bulk = await call('GET', `/api/leads/assignees?leadIds=${lead},${lead2}`, tokens['in.songzi']);
    expect(bulk.json.map((i: { username: string }) => i.username).sort()).toEqual(['in.city', 'in.songzi', 'in.songzi2']);
    expect((await call('GET', `/api/leads/assignees?leadIds=${lead},${zaoqiangLead}`, tokens['in.songzi'])).status).toBe(404);
    expect((await call('GET', `/api/leads/${zaoqiangLead}/assignees`, tokens['in.songzi'])).status).toBe(404);
    expect((await call('GET', `/api/leads/${lead}/assignees`, tokens['su.songzi'])).status).toBe(403);
    const bad = await call('GET', '/api/leads/assignees?leadIds=abc', tokens['in.songzi']);
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.json.message)).toContain('线索编号');
    // Whoever the picker offers, the assign step takes.
    for (const inspector of res.json as { id: string; displayName: string }[]) {
      const assigned = await call('POST', `/api/leads/${lead}/actions`, tokens['in.songzi'], { action: 'assign', assigneeId: inspector.id });
      expect(assigned.json).toMatchObject({ assignee_id: inspector.id, assignee_name: inspector.displayName });
    }
  });

  it('gives the registry facts as fields named in Chinese, and each history event with its code, actor and time', async () => {
    const detail = (await call('GET', `/api/leads/${lead}`, tokens['in.songzi'])).json;
    expect(detail.registry_facts).toHaveLength(1);
    const [fact] = detail.registry_facts;
    expect(fact.registry).toBe('deceased');
    expect(fact.title).toBe('死亡人员');
    expect(fact.fields.map((f: { label: string }) => f.label)).toEqual(['身份证号', '姓名', '死亡日期', '比对库导入编号']);
    expect(fact.fields[2].value).toBe('2024-02-10');
    expect(fact.fields[0].value).not.toContain('42108719520903012X'); // masked like everything else
    expect(detail.evidence.payments[0]).toMatchObject({ amount: '1650.00', name: '王建国' });

    const assign = detail.history.find((e: { action: string }) => e.action === 'lead.assign');
    expect(assign).toMatchObject({ step: 'assign', actorId: ids['in.songzi'], actorName: 'in.songzi', actorDisplayName: '宋子', actorRole: 'inspector' });
    expect(assign.at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(assign).not.toHaveProperty('hash');
    const labels = (await call('GET', '/api/labels', tokens['in.songzi'])).json;
    for (const e of detail.history) expect({ action: e.action, label: typeof labels.event[e.action] }).toEqual({ action: e.action, label: 'string' });
    expect(labels.event['lead.assign']).toBe('分派');
    expect(labels.attachmentKind).toEqual({ interview: '谈话记录', rectification: '整改报告', other: '其他' });
    expect(labels.role.inspector).toBeDefined();

    // The reveal shows the facts in full, and is itself an event of the history.
    const revealed = (await call('POST', `/api/leads/${lead}/reveal`, tokens['in.songzi'], { reason: '入户核查需要完整身份证号' })).json;
    expect(revealed.registry_facts[0].fields[0].value).toBe('42108719520903012X');
    expect(revealed.id_number).toBe('42108719520903012X');
    const after = (await call('GET', `/api/leads/${lead}`, tokens['in.songzi'])).json.history.at(-1);
    expect(after).toMatchObject({ action: 'lead.reveal', step: null, reason: '入户核查需要完整身份证号', actorDisplayName: '宋子' });
  });

  it('declares the response type of every leads, notices and links route in the OpenAPI document', async () => {
    const doc = (await call('GET', '/api/docs-json')).json;
    const missing: string[] = [];
    for (const [path, methods] of Object.entries(doc.paths as Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema?: unknown }> }> }>>)) {
      if (!/^\/api\/(leads|notices|links)/.test(path)) continue;
      for (const [method, op] of Object.entries(methods)) {
        const ok = op.responses['200'] ?? op.responses['201'];
        const schema = ok?.content && Object.values(ok.content)[0]?.schema;
        if (!schema) missing.push(`${method.toUpperCase()} ${path}`);
      }
    }
    expect(missing).toEqual([]);
    const schemas = doc.components.schemas;
    const ref = (path: string, method: string, status = '200') => JSON.stringify(doc.paths[path][method].responses[status].content['application/json'].schema);
    expect(ref('/api/leads/{id}', 'get')).toContain('LeadDetailDto');
    expect(ref('/api/leads', 'get')).toContain('LeadPageResponseDto');
    expect(ref('/api/leads/facets', 'get')).toContain('LeadFacetsDto');
    expect(ref('/api/leads/bulk', 'post')).toContain('BulkResultDto');
    expect(ref('/api/notices', 'get')).toContain('NoticeDto');
    expect(ref('/api/links', 'post', '201')).toContain('SignedLinkDto');
    expect(Object.keys(schemas.LeadDetailDto.properties)).toEqual(expect.arrayContaining(['history', 'registry_facts', 'attachments', 'triage', 'evidence', 'explanation']));
    expect(Object.keys(schemas.LeadHistoryEntryDto.properties)).toEqual(expect.arrayContaining(['action', 'step', 'at', 'actorName', 'actorDisplayName', 'actorRole', 'reason', 'data']));
    expect(schemas.LeadQueueItemDto.properties.card).toMatchObject({ nullable: true, enum: ['blue', 'yellow', 'red'] });
    // Every property the API answers is declared: the detail's keys are the DTO's.
    const detail: ApiAnswer = await call('GET', `/api/leads/${lead}`, tokens['in.songzi']);
    expect(Object.keys(detail.json).sort()).toEqual(Object.keys(schemas.LeadDetailDto.properties).sort());
    expect(Object.keys(detail.json.history[0]).sort()).toEqual(Object.keys(schemas.LeadHistoryEntryDto.properties).sort());
    const page = (await call('GET', '/api/leads', tokens['in.songzi'])).json;
    expect(Object.keys(page.items[0]).sort()).toEqual(Object.keys(schemas.LeadQueueItemDto.properties).sort());
    const notice = (await call('POST', '/api/notices', tokens['in.songzi'], { kind: 'warning', regionCode: '421087', recipient: '松滋市民政局', subject: '低保', body: '请核查。', leadIds: [lead] })).json;
    expect(Object.keys(notice).sort()).toEqual(Object.keys(schemas.NoticeDto.properties).sort());
    expect(Object.keys(detail.json.attachments[0]).sort()).toEqual(Object.keys(schemas.LeadAttachmentDto.properties).sort());
  });
});
