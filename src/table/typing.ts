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

/** What a hyperparameter column holds once typed (the design's kinds; declared here, where cells are typed). */
export type ParamKind = 'numeric' | 'boolean' | 'categorical' | 'empty';

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

/** Python's `str.isspace()` for the characters `str.strip()` removes (JS `trim()` differs: \x1c–\x1f, \x85, \ufeff). */
function isPySpace(c: number): boolean {
  if (c <= 0x20) return c === 0x20 || (c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x1f);
  if (c < 0x85) return false;
  return (
    c === 0x85 ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000
  );
}

/** `text.strip()` as Python does it. */
export function pyStrip(text: string): string {
  let a = 0;
  let b = text.length;
  while (a < b && isPySpace(text.charCodeAt(a))) a++;
  while (b > a && isPySpace(text.charCodeAt(b - 1))) b--;
  return a === 0 && b === text.length ? text : text.slice(a, b);
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/**
 * `^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$` on an already stripped string, without a regex. ASCII
 * digits only: Python's `\d` would also take other scripts' digits (`１`); such cells are categorical here.
 */
function isDecimal(t: string): boolean {
  const n = t.length;
  let i = 0;
  let c = t.charCodeAt(0);
  if (c === 43 || c === 45) i++;
  const intFrom = i;
  while (i < n && isDigit(t.charCodeAt(i))) i++;
  const intDigits = i - intFrom;
  if (i < n && t.charCodeAt(i) === 46) {
    i++;
    const fracFrom = i;
    while (i < n && isDigit(t.charCodeAt(i))) i++;
    if (intDigits === 0 && i === fracFrom) return false;
  } else if (intDigits === 0) {
    return false;
  }
  if (i < n) {
    c = t.charCodeAt(i);
    if (c !== 101 && c !== 69) return false;
    i++;
    c = t.charCodeAt(i);
    if (c === 43 || c === 45) i++;
    const expFrom = i;
    while (i < n && isDigit(t.charCodeAt(i))) i++;
    if (i === expFrom) return false;
  }
  return i === n;
}

/** `[+-]?(inf|infinity)` in any case, stripped: the sign's infinity, else 0. */
function infinitySign(t: string): number {
  let i = 0;
  let sign = 1;
  const c = t.charCodeAt(0);
  if (c === 43 || c === 45) {
    i = 1;
    if (c === 45) sign = -1;
  }
  const rest = t.length - i;
  if (rest !== 3 && rest !== 8) return 0;
  const word = t.slice(i).toLowerCase();
  return word === 'inf' || word === 'infinity' ? sign : 0;
}

/** A CSV cell that pandas reads as missing. */
export function isNaText(text: string): boolean {
  return NA_TOKENS.has(text);
}

/**
 * The number a CSV cell holds by the recipe's rule (stripped; the regex, or ±inf/infinity in any
 * case), or null when it is no number. ±Infinity is returned as such: the caller decides what it means.
 */
export function csvNumber(text: string): number | null {
  const t = pyStrip(text);
  if (t.length === 0) return null;
  if (isDecimal(t)) return Number(t);
  const inf = infinitySign(t);
  return inf === 0 ? null : inf * Infinity;
}

/** `true`/`false` in any case, stripped (as the oracle reads booleans), else null. */
export function csvBoolean(text: string): boolean | null {
  const t = pyStrip(text);
  if (t.length !== 4 && t.length !== 5) return null;
  const lower = t.toLowerCase();
  if (lower === 'true') return true;
  if (lower === 'false') return false;
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
    const t = pyStrip(cell);
    if (t.length === 0 || !isDecimal(t)) return Number.NaN;
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
  if (typeof cell === 'boolean') return cell ? 'true' : 'false';
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
  const text: (string | null)[] = new Array<string | null>(n);
  let anyPresent = false;
  for (let i = 0; i < n; i++) {
    const c = cells[rows[i]];
    const t = c === null ? null : typeof c === 'string' ? c : String(c);
    if (t === null || NA_TOKENS.has(t)) {
      text[i] = null;
    } else {
      text[i] = t;
      anyPresent = true;
    }
  }
  if (!anyPresent) return empty();
  // numeric: every present value a number (one pass that also converts)
  const raw = new Float64Array(n);
  let numeric = true;
  for (let i = 0; i < n; i++) {
    const t = text[i];
    if (t === null) {
      raw[i] = Number.NaN;
      continue;
    }
    const v = csvNumber(t);
    if (v === null) {
      numeric = false;
      break;
    }
    raw[i] = Number.isFinite(v) ? v : Number.NaN; // ±inf in a hyperparameter counts as missing
  }
  if (numeric) return numericColumn(raw, 'numeric');
  let boolean = true;
  for (let i = 0; i < n; i++) {
    const t = text[i];
    if (t === null) {
      raw[i] = Number.NaN;
      continue;
    }
    const b = csvBoolean(t);
    if (b === null) {
      boolean = false;
      break;
    }
    raw[i] = b ? 1 : 0;
  }
  if (boolean) return numericColumn(raw, 'boolean');
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
  const values = new Float64Array(raw.length);
  let present = 0;
  for (let i = 0; i < raw.length; i++) {
    const v = raw[i];
    if (v === v) values[present++] = v; // not NaN
  }
  // A numeric column whose only values were ±inf is empty (the oracle drops it the same way).
  if (present === 0) return empty();
  // distinct by sorting (numeric order; 0 and -0 count once, as a Set would count them)
  const sorted = values.subarray(0, present).sort();
  let distinct = 1;
  for (let i = 1; i < present; i++) if (sorted[i] !== sorted[i - 1]) distinct++;
  return { kind, raw, codes: null, levels: [], present, distinct };
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
