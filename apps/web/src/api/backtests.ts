import { api, unwrap } from '@/api/client';
import type { components } from '@/api/schema';

/** Rule backtests (issue 14): started, then polled for their stage and figures. */
export type Backtest = components['schemas']['BacktestDto'];
export type BacktestResult = components['schemas']['BacktestResultDto'];

/** Starts a backtest of the rule's live version, or of a change of it → 202 `{id, status}`. */
export function startBacktest(rule: string, changeId?: string) {
  return unwrap(api.POST('/api/rules/{code}/backtests', { params: { path: { code: rule } }, body: changeId ? { changeId } : {} }));
}

export function getBacktest(id: string): Promise<Backtest> {
  return unwrap(api.GET('/api/rule-backtests/{id}', { params: { path: { id } } }));
}
