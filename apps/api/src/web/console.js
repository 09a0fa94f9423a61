// The web console: sign in, the lead queue of your region, a lead's evidence and history.
// Plain JavaScript against the same API the docs describe; tokens live in sessionStorage.
const $ = (sel) => document.querySelector(sel);
const esc = (v) => String(v ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
// Names of statuses, steps, rules, cards …: the API's, never a copy here (GET /api/labels).
let LABELS = null;
const label = (kind, code) => LABELS?.[kind]?.[code] ?? code;
let session = JSON.parse(sessionStorage.getItem('sunlight') || 'null');

async function api(path, options = {}) {
  const send = () => fetch(path, { ...options, headers: { 'Content-Type': 'application/json', ...(session ? { Authorization: `Bearer ${session.accessToken}` } : {}) } });
  let res = await send();
  if (res.status === 401 && session?.refreshToken) {
    const r = await fetch('/api/auth/refresh', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ refreshToken: session.refreshToken }) });
    if (r.ok) {
      save(await r.json());
      res = await send();
    } else save(null);
  }
  if (res.status === 401) {
    save(null);
    show();
    throw new Error('请重新登录');
  }
  const body = res.status === 204 ? null : await res.json();
  if (!res.ok) throw new Error(body?.message ?? res.statusText);
  return body;
}

function save(tokens) {
  session = tokens;
  if (tokens) sessionStorage.setItem('sunlight', JSON.stringify(tokens));
  else sessionStorage.removeItem('sunlight');
}

function show() {
  $('#login').hidden = !!session;
  $('#queue').hidden = !session;
  $('#detail').hidden = true;
  $('#who').innerHTML = session ? `${esc(session.user.displayName)}（${esc(label('role', session.user.role))}，${esc(session.user.regionCode || '全国')}）<button id="logout">退出</button>` : '';
  if (session) {
    $('#logout').onclick = async () => {
      await api('/api/auth/logout', { method: 'POST' }).catch(() => undefined);
      save(null);
      show();
    };
    api('/api/labels').then((labels) => ((LABELS = labels), loadQueue()), () => loadQueue());
    // Links in the digest mails: #/leads/ID opens that lead.
    const linked = /^#\/leads\/(\d+)$/.exec(location.hash);
    if (linked) openLead(linked[1]).catch((err) => alert(err.message));
  }
}

async function loadQueue() {
  $('#queue').innerHTML = '<div class="card">加载中…</div>';
  try {
    const filter = $('#queue-filter')?.value ?? '';
    const page = await api(`/api/leads?limit=100${filter}`);
    const rows = page.items
      .map((l) => `<tr class="lead" data-id="${esc(l.id)}"><td>${l.card ? `<span class="card-${esc(l.card)}"></span>` : ''}</td><td>#${esc(l.id)}</td><td>${esc(l.rule)} ${esc(label('rule', l.rule))}</td><td>${esc(l.explanation)}</td><td>${esc(l.amount_at_risk)}</td><td>${esc(label('status', l.status))}</td><td>${esc(l.due_on ?? '')}</td></tr>`)
      .join('');
    const options = [['', '全部（按期限）'], ['&status=new,assigned,verifying', '待核查'], ['&assignee=me', '分派给我的'], ['&card=red,yellow', `${label('card', 'red')}、${label('card', 'yellow')}`], ['&rule=R12', label('rule', 'R12')], ['&sort=amount', '按涉及金额']]
      .map(([v, label]) => `<option value="${esc(v)}"${v === filter ? ' selected' : ''}>${esc(label)}</option>`).join('');
    $('#queue').innerHTML = `<div class="card"><h2>问题线索 <select id="queue-filter">${options}</select></h2><table><thead><tr><th></th><th>#</th><th>规则</th><th>说明</th><th>涉及金额 (元)</th><th>状态</th><th>期限</th></tr></thead><tbody>${rows || '<tr><td colspan="7" class="muted">暂无线索</td></tr>'}</tbody></table></div>`;
    document.querySelectorAll('tr.lead').forEach((tr) => (tr.onclick = () => openLead(tr.dataset.id)));
    $('#queue-filter').onchange = () => loadQueue();
  } catch (err) {
    $('#queue').innerHTML = `<div class="card error">${esc(err.message)}</div>`;
  }
}

async function openLead(id, revealed) {
  const lead = revealed ?? (await api(`/api/leads/${id}`));
  const payments = lead.evidence.payments
    .map((p) => `<tr><td>${esc(p.batch_id)} / ${esc(p.row)}</td><td>${esc(p.region_code)}</td><td>${esc(p.period)}</td><td>${esc(p.name)}</td><td>${esc(p.id_number)}</td><td>${esc(p.amount)}</td><td>${esc(p.bank_account ?? '')}</td><td>${esc(p.paid_on)}</td></tr>`)
    .join('');
  const history = (lead.history ?? []).map((e) => `<li>${esc(e.at)} ${esc(e.actorName)}：${esc(e.action)} ${esc(e.reason ?? '')}</li>`).join('');
  $('#detail').hidden = false;
  $('#detail').innerHTML = `<div class="card"><h2>线索 #${esc(lead.id)} · ${esc(lead.rule)} ${esc(label('rule', lead.rule))}</h2><p>${esc(lead.explanation)}</p>
    <p>涉及金额 ${esc(lead.amount_at_risk)} 元 · 状态 ${esc(label('status', lead.status))} · 期限 ${esc(lead.due_on ?? '')}</p>
    <table><thead><tr><th>批次/行</th><th>区划</th><th>期间</th><th>姓名</th><th>身份证号</th><th>金额</th><th>账号</th><th>发放日期</th></tr></thead><tbody>${payments}</tbody></table>
    <p class="muted">比对库事实：${esc(JSON.stringify(lead.evidence.facts))}</p>
    ${lead.triage ? `<p>核查人员 ${esc(lead.triage.assignee_name ?? '未分派')} · 结论 ${esc(lead.triage.finding ?? '—')} · 查实 ${esc(lead.triage.amount_confirmed ?? '—')} 元 · 追回 ${esc(lead.triage.amount_recovered)} 元 · 处置 ${esc((lead.triage.disposals ?? []).join('、') || '—')}</p>
    <p>${(lead.triage.allowed_actions ?? []).map((a) => `<button class="step" data-action="${esc(a)}">${esc(label('action', a))}</button>`).join(' ')}</p>` : ''}
    ${revealed ? '' : '<button id="reveal">查看完整身份证号和账号（须说明理由，记入审计）</button>'}
    <h3>处置记录</h3><ul>${history || '<li class="muted">暂无</li>'}</ul></div>`;
  $('#detail').scrollIntoView();
  document.querySelectorAll('button.step').forEach((b) => (b.onclick = () => takeStep(id, b.dataset.action)));
  if (!revealed) {
    $('#reveal').onclick = async () => {
      const reason = prompt('查看理由：');
      if (reason) openLead(id, { ...(await api(`/api/leads/${id}/reveal`, { method: 'POST', body: JSON.stringify({ reason }) })), history: lead.history });
    };
  }
}

/** One step of the lead's life: asks for what the step needs, then shows the lead again. */
async function takeStep(id, action) {
  const body = { action };
  const ask = (label) => {
    const v = prompt(label);
    if (v === null) throw new Error('cancelled');
    return v;
  };
  try {
    if (action === 'assign') body.assigneeId = ask('分派给（核查人员编号，可在“账号”中查看；自己：' + (session?.user?.id ?? '') + '）：');
    if (action === 'dismiss' || action === 'clear-card') body.reason = ask('理由：');
    if (action === 'confirm') {
      body.finding = ask('核查结论：');
      body.amountConfirmed = ask('查实金额（元）：');
    }
    if (action === 'dispose') body.disposals = ask(`处置方式（${Object.values(LABELS?.disposal ?? {}).join('、')}，可用顿号分隔）：`).split(/[、,，\s]+/).filter(Boolean);
    if (action === 'record-recovery') body.amountRecovered = ask('本次追回金额（元）：');
    if (['rectify', 'close', 'start-verification', 'start-rectification'].includes(action)) body.reason = prompt('说明（可空）：') || undefined;
  } catch {
    return;
  }
  try {
    await api(`/api/leads/${id}/actions`, { method: 'POST', body: JSON.stringify(body) });
    await openLead(id);
    loadQueue();
  } catch (err) {
    alert(err.message);
  }
}

$('#login').onsubmit = async (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  const res = await fetch('/api/auth/login', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: form.get('username'), password: form.get('password') }) });
  const body = await res.json();
  if (!res.ok) return ($('#login-error').textContent = body.message);
  save(body);
  show();
};

show();
