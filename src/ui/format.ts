import { COIN } from '../core';

/** Satoshis as coins with up to 8 decimals (integers stay integers: "9", "0.5"). */
export function coins(sat: bigint): string {
  const neg = sat < 0n;
  const a = neg ? -sat : sat;
  const whole = a / COIN;
  const frac = (a % COIN).toString().padStart(8, '0').replace(/0+$/, '');
  return `${neg ? '-' : ''}${whole}${frac ? '.' + frac : ''}`;
}

/** Parses a coin amount typed by a user into satoshis; null if not a valid positive amount. */
export function parseCoins(text: string): bigint | null {
  const m = /^\s*(\d{1,8})(?:\.(\d{1,8}))?\s*$/.exec(text);
  if (!m) return null;
  const sat = BigInt(m[1]!) * COIN + BigInt((m[2] ?? '').padEnd(8, '0'));
  return sat > 0n ? sat : null;
}

/** First characters of a hash, for compact display. */
export function short(hash: string | null | undefined, n = 12): string {
  if (!hash) return '—';
  return hash.length > n ? `${hash.slice(0, n)}…` : hash;
}

/** Splits a display hash into its leading zeros and the rest (the zeros are highlighted). */
export function splitZeros(hash: string): [string, string] {
  const m = /^0*/.exec(hash)![0];
  return [m, hash.slice(m.length)];
}

/** Clock time of a millisecond timestamp, with milliseconds (message logs). */
export function clockTime(ms: number): string {
  // HH:MM:SS.mmm in every language (a locale's own form gives "6시 22분 31초.158" in Korean).
  const d = new Date(ms);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, '0')}`;
}
let timeFormat: Intl.DateTimeFormat | undefined;

/** Hashes per second with a unit. */
export function rate(hps: number): string {
  if (hps >= 1e6) return `${(hps / 1e6).toFixed(2)} MH/s`;
  if (hps >= 1e3) return `${(hps / 1e3).toFixed(1)} kH/s`;
  return `${Math.round(hps)} H/s`;
}
