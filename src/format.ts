/** Number formatting shared by every layer (the verdict, the report model, the renderers): a number reads the same everywhere. */

const DASH = '–';

/** Rounds to `sig` significant digits (the value charts carry and tables show). */
export function roundSig(x: number, sig = 4): number {
  if (!Number.isFinite(x) || x === 0) return x;
  return Number(x.toPrecision(sig));
}

/**
 * A number with `sig` significant digits, plain decimal between 1e-4 and 1e6, exponent outside;
 * trailing zeros dropped. null/NaN → "–".
 */
export function fmt(x: number | null | undefined, sig = 4): string {
  if (x === null || x === undefined || Number.isNaN(x)) return DASH;
  if (!Number.isFinite(x)) return x > 0 ? '∞' : '−∞';
  if (x === 0) return '0';
  const r = roundSig(x, sig);
  const abs = Math.abs(r);
  let s: string;
  if (abs >= 1e-4 && abs < 1e6) {
    s = String(r);
    if (s.includes('e')) s = r.toFixed(Math.min(20, sig + Math.ceil(-Math.log10(abs))));
  } else {
    s = r.toExponential(sig - 1).replace(/\.?0+e/, 'e');
  }
  return s.startsWith('-') ? '−' + s.slice(1) : s;
}

/** A number always written as a plain decimal (no exponent), for mermaid data where `1e-5` is invalid. */
export function plainDecimal(x: number, sig = 4): string {
  if (!Number.isFinite(x)) return '0';
  if (x === 0) return '0';
  const r = roundSig(x, sig);
  const s = String(r);
  if (!s.includes('e')) return s;
  const digits = Math.max(0, Math.min(100, sig - 1 - Math.floor(Math.log10(Math.abs(r)))));
  return r
    .toFixed(digits)
    .replace(/(\.\d*?)0+$/, '$1')
    .replace(/\.$/, '');
}

/** A signed value: "+0.36", "−0.25". */
export function fmtSigned(x: number | null | undefined, sig = 3): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return fmt(x, sig);
  const s = fmt(x, sig);
  return x > 0 ? '+' + s : s;
}

/** A fixed number of decimals (importances, R²), "–" for null. */
export function fmtFixed(x: number | null | undefined, decimals = 3): string {
  if (x === null || x === undefined || Number.isNaN(x)) return DASH;
  if (!Number.isFinite(x)) return x > 0 ? '∞' : '−∞';
  const s = x.toFixed(decimals);
  const neg = s.startsWith('-');
  const body = neg ? s.slice(1) : s;
  // −0.000 reads as a sign where there is none
  if (neg && Number(body) !== 0) return '−' + body;
  return body;
}

/** A p-value: "<0.001", "0.024". */
export function fmtP(p: number | null | undefined): string {
  if (p === null || p === undefined || !Number.isFinite(p)) return DASH;
  if (p < 0.001) return '<0.001';
  return p.toFixed(3);
}

/** Eighths of a cell, growing rightwards (U+258F…U+2589). */
const EIGHTHS = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];

/**
 * A bar from 0 for a positive value: value/scale·width cells in eighths (█ and ▏…▉), at least one
 * eighth, at most `width` cells (the value is clipped to `scale`); '' for 0, a negative value, NaN or
 * a scale that is not positive. The report's tables (8 cells) and the charts' Unicode bars both draw it.
 */
export function unicodeBar(value: number, scale: number, width: number): string {
  if (!(value > 0) || !(scale > 0) || !(width > 0)) return '';
  const eighths = Math.max(1, Math.round((Math.min(value, scale) / scale) * width * 8));
  if (Number.isNaN(eighths)) return ''; // ∞/∞
  return '█'.repeat(Math.floor(eighths / 8)) + EIGHTHS[eighths % 8];
}

export function plural(n: number, one: string, many = one + 's'): string {
  return `${n} ${n === 1 ? one : many}`;
}

export { DASH };
