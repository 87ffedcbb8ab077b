/**
 * Typing of raw cells (recipe.md §2–§4): what is missing, what is a number, a boolean, a level.
 *
 * Two sources, two rule sets, decided by `RunsTable.textual`:
 * - CSV text: pandas' default NA tokens are missing; a number is the recipe's regex (not JS `Number()`,
 *   which would take `""`, `0x10`, ` 12 `…) or inf/infinity; `true`/`false` in any case is a boolean.
 * - JSON values: `null` is missing; numbers are JSON numbers; a string is always a value (never an NA
 *   token, never a number, never a boolean: `"true"` is the level `true`); non-finite numbers count as
 *   missing in a hyperparameter.
 */
import type { Cell } from './runs-table.js';
import type { ParamKind } from '../design/types.js';

/** pandas 2 default NA tokens (recipe.md §2); compared without trimming, as pandas does. */
export const NA_TOKENS: ReadonlySet<string> = new Set([
  '',
  '#N/A',
  '#N/A N/A',
  '#NA',
  '-1.#IND',
  '-1.#QNAN',
  '-NaN',
  '-nan',
  '1.#IND',
  '1.#QNAN',
  '<NA>',
  'N/A',
  'NA',
  'NULL',
  'NaN',
  'None',
  'n/a',
  'nan',
  'null',
]);

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const INF = /^([+-]?)inf(inity)?$/i;
const BOOL_TRUE = 'true';
const BOOL_FALSE = 'false';

/** A CSV cell that pandas reads as missing. */
export function isNaText(text: string): boolean {
  return NA_TOKENS.has(text);
}

/**
 * The number a CSV cell holds by the recipe's rule (trimmed; regex or ±inf/infinity, any case), or
 * null when it is no number. ±Infinity is returned as such: the caller decides what it means.
 */
export function csvNumber(text: string): number | null {
  const t = text.trim();
  if (t.length === 0) return null;
  if (NUMBER.test(t)) return Number(t);
  const m = INF.exec(t);
  if (m) return m[1] === '-' ? -Infinity : Infinity;
  return null;
}

/** `true`/`false` in any case, trimmed (pandas' reading as the oracle applies it), else null. */
export function csvBoolean(text: string): boolean | null {
  const t = text.trim().toLowerCase();
  if (t === BOOL_TRUE) return true;
  if (t === BOOL_FALSE) return false;
  return null;
}

/** A cell is missing: CSV NA token, JSON null. (Non-finite numbers are decided per use.) */
export function isMissing(cell: Cell, textual: boolean): boolean {
  if (cell === null) return true;
  return textual && typeof cell === 'string' && NA_TOKENS.has(cell);
}

/**
 * The target value of a cell (recipe.md §3): a finite number, else NaN (the run is dropped).
 * CSV: missing or not a number by the recipe's regex (the oracle does not take `inf` text as a
 * target number; it would be dropped as non-finite anyway). JSON: only a JSON number; a numeric
 * string is not taken, matching "a string is always a value".
 */
export function targetNumber(cell: Cell, textual: boolean): number {
  if (cell === null) return Number.NaN;
  if (textual) {
    if (typeof cell !== 'string' || NA_TOKENS.has(cell)) return Number.NaN;
    const t = cell.trim();
    if (!NUMBER.test(t)) return Number.NaN;
    const v = Number(t);
    return Number.isFinite(v) ? v : Number.NaN;
  }
  return typeof cell === 'number' && Number.isFinite(cell) ? cell : Number.NaN;
}

/** Python's default string order: by code point (JS `<` compares UTF-16 units, which differs above U+FFFF). */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // Only when both are surrogates or neither is, unit order equals code point order.
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    if (xs === ys) return x - y;
    return xs ? 1 : -1; // a surrogate (code point ≥ U+10000) sorts after any BMP unit
  }
  return a.length - b.length;
}

/** One hyperparameter column typed on the kept runs (recipe.md §4). */
export interface TypedColumn {
  readonly kind: ParamKind;
  /** numeric/boolean: value per kept run, NaN where missing (±inf included). */
  readonly raw: Float64Array | null;
  /** categorical: level index per kept run, -1 where missing. */
  readonly codes: Int32Array | null;
  /** categorical: levels sorted by code point. */
  readonly levels: string[];
  /** Kept runs with a value (after ±inf → missing for numbers). */
  readonly present: number;
  /** Distinct present values. */
  readonly distinct: number;
}

/** The text of a JSON value as a level of a mixed column (recipe.md §4). */
export function jsonLevelText(cell: string | number | boolean): string {
  if (typeof cell === 'string') return cell;
  if (typeof cell === 'boolean') return cell ? BOOL_TRUE : BOOL_FALSE;
  return String(cell);
}

/** Types `cells[rows[i]]` for every kept run i. */
export function typeColumn(cells: readonly Cell[], rows: Int32Array, textual: boolean): TypedColumn {
  return textual ? typeTextColumn(cells, rows) : typeJsonColumn(cells, rows);
}

function empty(): TypedColumn {
  return { kind: 'empty', raw: null, codes: null, levels: [], present: 0, distinct: 0 };
}

function typeTextColumn(cells: readonly Cell[], rows: Int32Array): TypedColumn {
  const n = rows.length;
  let anyPresent = false;
  let allNumbers = true;
  let allBooleans = true;
  for (let i = 0; i < n; i++) {
    const c = cells[rows[i]];
    if (c === null) continue;
    const text = typeof c === 'string' ? c : String(c);
    if (NA_TOKENS.has(text)) continue;
    anyPresent = true;
    if (allNumbers && csvNumber(text) === null) allNumbers = false;
    if (allBooleans && csvBoolean(text) === null) allBooleans = false;
    if (!allNumbers && !allBooleans) break;
  }
  if (!anyPresent) return empty();
  if (allNumbers || allBooleans) {
    const raw = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const c = cells[rows[i]];
      const text = c === null ? '' : typeof c === 'string' ? c : String(c);
      if (NA_TOKENS.has(text)) {
        raw[i] = Number.NaN;
      } else if (allNumbers) {
        const v = csvNumber(text)!;
        raw[i] = Number.isFinite(v) ? v : Number.NaN; // ±inf in a hyperparameter counts as missing
      } else {
        raw[i] = csvBoolean(text) ? 1 : 0;
      }
    }
    return numericColumn(raw, allNumbers ? 'numeric' : 'boolean');
  }
  const text: (string | null)[] = new Array<string | null>(n);
  for (let i = 0; i < n; i++) {
    const c = cells[rows[i]];
    const t = c === null ? null : typeof c === 'string' ? c : String(c);
    text[i] = t === null || NA_TOKENS.has(t) ? null : t;
  }
  return categoricalColumn(text);
}

function typeJsonColumn(cells: readonly Cell[], rows: Int32Array): TypedColumn {
  const n = rows.length;
  let anyPresent = false;
  let allNumbers = true;
  let allBooleans = true;
  for (let i = 0; i < n; i++) {
    const c = cells[rows[i]];
    if (c === null || (typeof c === 'number' && !Number.isFinite(c))) continue;
    anyPresent = true;
    if (typeof c !== 'number') allNumbers = false;
    if (typeof c !== 'boolean') allBooleans = false;
  }
  if (!anyPresent) return empty();
  if (allNumbers || allBooleans) {
    const raw = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const c = cells[rows[i]];
      raw[i] =
        typeof c === 'number'
          ? Number.isFinite(c)
            ? c
            : Number.NaN
          : typeof c === 'boolean'
            ? +c
            : Number.NaN;
    }
    return numericColumn(raw, allNumbers ? 'numeric' : 'boolean');
  }
  const text: (string | null)[] = new Array<string | null>(n);
  for (let i = 0; i < n; i++) {
    const c = cells[rows[i]];
    text[i] = c === null || (typeof c === 'number' && !Number.isFinite(c)) ? null : jsonLevelText(c);
  }
  return categoricalColumn(text);
}

function numericColumn(raw: Float64Array, kind: 'numeric' | 'boolean'): TypedColumn {
  let present = 0;
  const seen = new Set<number>();
  for (let i = 0; i < raw.length; i++) {
    const v = raw[i];
    if (Number.isNaN(v)) continue;
    present++;
    seen.add(v);
  }
  // A numeric column whose only values were ±inf is empty (the oracle drops it the same way).
  if (present === 0) return empty();
  return { kind, raw, codes: null, levels: [], present, distinct: seen.size };
}

function categoricalColumn(text: (string | null)[]): TypedColumn {
  const index = new Map<string, number>();
  let present = 0;
  for (const t of text) {
    if (t === null) continue;
    present++;
    if (!index.has(t)) index.set(t, index.size);
  }
  const levels = [...index.keys()].sort(compareCodePoints);
  const order = new Map<string, number>();
  levels.forEach((l, k) => order.set(l, k));
  const codes = new Int32Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const t = text[i];
    codes[i] = t === null ? -1 : order.get(t)!;
  }
  return { kind: 'categorical', raw: null, codes, levels, present, distinct: levels.length };
}
