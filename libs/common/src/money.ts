/** Money is integer fen (分). These helpers are the only place yuan strings meet fen. */

const YUAN = /^(\d{1,12})(?:\.(\d{1,2}))?$/;

/** '650.5' → 65050n; returns null for anything that is not a plain non-negative yuan amount. */
export function yuanToFen(text: string): bigint | null {
  const m = YUAN.exec(text.trim());
  if (!m) return null;
  return BigInt(m[1]) * 100n + BigInt((m[2] ?? '').padEnd(2, '0'));
}

/** 65050n (or '65050') → '650.50'. */
export function fenToYuan(fen: bigint | string | number): string {
  let v = BigInt(fen);
  const sign = v < 0n ? '-' : '';
  if (v < 0n) v = -v;
  return `${sign}${v / 100n}.${(v % 100n).toString().padStart(2, '0')}`;
}

/** 360000n → '3,600.00' for sentences people read. */
export function formatYuan(fen: bigint | string | number): string {
  const [int, dec] = fenToYuan(fen).split('.');
  return `${int.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${dec}`;
}
