import { ApiError } from '@/api/client';
import { session } from '@/stores/session';

/**
 * Rule backtests over HTTP. These endpoints are not yet in the OpenAPI document this console is
 * built against, so they are called here, by hand, with the same token as the typed client; once
 * they are, this file becomes two `api.POST`/`api.GET` calls and the types come from the schema.
 */

export type BacktestStatus = 'queued' | 'running' | 'completed' | 'failed';

export interface BacktestAddedKey {
  key: string;
  id_number: string | null;
  program_code: string | null;
  period: string | null;
  bank_account: string | null;
  /** Yuan, two decimals. */
  amountAtRisk: string;
  items: number;
}

export interface BacktestDroppedKey {
  key: string;
  id_number: string | null;
  program_code: string | null;
  period: string | null;
  bank_account: string | null;
  leadId: string;
  /** A lead status (labels: status). */
  status: string;
}

export interface BacktestResult {
  rule: string;
  version: number;
  hits: number;
  keys: number;
  /** Yuan, two decimals. */
  amountAtRisk: string;
  added: number;
  dropped: number;
  confirmed: number;
  dismissed: number;
  addedAmountAtRisk: string;
  addedKeys: BacktestAddedKey[];
  droppedKeys: BacktestDroppedKey[];
  ms: number;
}

export interface Backtest {
  id: string;
  rule: string;
  changeId: string | null;
  version: number | null;
  status: BacktestStatus;
  stage: string | null;
  error: string | null;
  requestedBy: string;
  createdAt: string;
  finishedAt: string | null;
  result: BacktestResult | null;
}

/** This server has no backtest endpoints (404 on the route itself). */
export class BacktestUnavailable extends Error {
  constructor() {
    super('此服务器尚未提供回测功能');
  }
}

async function call<T>(method: 'GET' | 'POST', url: string, body?: unknown): Promise<T> {
  const send = async (token: string | null) =>
    fetch(url, {
      method,
      headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  let response = await send(await session.freshAccessToken());
  // As the typed client does: an access token that expired on the way is refreshed once.
  if (response.status === 401 && session.refreshToken.value && (await session.refresh())) response = await send(session.accessToken.value);
  let answer: Record<string, unknown> = {};
  try {
    answer = (await response.json()) as Record<string, unknown>;
  } catch {
    /* not JSON: keep the status */
  }
  if (response.ok) return answer as T;
  // Nest answers an unknown route 404 "Cannot POST …"; an unknown backtest or rule has a Chinese message.
  if (response.status === 404 && (typeof answer.message !== 'string' || /^Cannot (GET|POST) /.test(answer.message))) throw new BacktestUnavailable();
  if (response.status === 401 && session.user.value) session.expired();
  const raw = answer.message;
  const message = Array.isArray(raw) ? raw.join('；') : typeof raw === 'string' ? raw : `请求失败（${response.status}）`;
  throw new ApiError(response.status, message, answer);
}

/** Starts a backtest of the rule's live version, or of a pending change of it → 202 `{id, status}`. */
export function startBacktest(rule: string, changeId?: string): Promise<{ id: string; status: BacktestStatus }> {
  return call('POST', `/api/rules/${encodeURIComponent(rule)}/backtests`, changeId ? { changeId } : {});
}

export function getBacktest(id: string): Promise<Backtest> {
  return call('GET', `/api/rule-backtests/${encodeURIComponent(id)}`);
}
