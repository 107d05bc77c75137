/** `1536` → `1.5 KB`: sizes as people read them, for the CLI and the UI alike. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[i]}`;
}

/**
 * US dollars as people read small AI costs: cents for a dollar or more, up to four decimals below that,
 * and enough digits for the tiny amounts one embedding costs ($0.000002) rather than "$0.0000".
 */
export function formatUsd(usd: number): string {
  if (!Number.isFinite(usd) || usd === 0) return '$0.00';
  const abs = Math.abs(usd);
  const digits = abs >= 1 ? 2 : abs >= 0.0001 ? 4 : Math.min(10, Math.ceil(-Math.log10(abs)) + 1);
  const text = usd.toFixed(digits);
  // Trailing zeros go, but never below cents: $0.10, $0.0004, $0.000002.
  return `$${text.replace(/(\.\d{2}\d*?)0+$/, '$1')}`;
}

const integer = new Intl.NumberFormat('en-US');

/** Counts with thousands separators: 1,234,567. */
export function formatCount(n: number): string {
  return integer.format(n);
}
