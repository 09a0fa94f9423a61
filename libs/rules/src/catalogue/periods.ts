// The payment's period in SQL, for rule statements whose payments are `s` (CONTRACT §4: "period
// start/end" are the first and last day of the payment's month). Written once, used by each rule.

/** The first day of the payment's period (`s.period` is `YYYY-MM`). */
export const PERIOD_START = `(s.period || '-01')::date`;

/** The last day of the payment's period. */
export const PERIOD_END = `((s.period || '-01')::date + interval '1 month - 1 day')::date`;

/** A registry record running from `from` to `to` (empty: still running) overlaps the payment's period. */
export function overlapsPeriod(from: string, to: string): string {
  return `${from} <= ${PERIOD_END} AND (${to} IS NULL OR ${to} >= ${PERIOD_START})`;
}
