/**
 * `--where COLUMN OP VALUE` filters on the runs table (before typing, so it can keep only finished
 * runs or one dataset's runs). OP is one of = != < <= > >=, the longest match at the first operator
 * character, so a column name may contain dots but not these characters.
 *
 * Comparison: numeric when both the cell and the value are numbers (CSV cells by the recipe's number
 * rule, JSON cells when they are JSON numbers); otherwise = and != compare text (a JSON number as
 * `String(n)`, a boolean as true/false, a missing cell as the empty text). < <= > >= need numbers: a
 * non-number value is a usage error; a run whose cell is missing does not pass; a present non-number
 * cell is an error naming the column and the run.
 *
 * Typos are answered, not guessed at: `budget=>100` (read naively as "equals '>100'") is refused with
 * `budget>=100` suggested, `==` is taken as `=`, and a filter that leaves no run says which values
 * (or which range) the column holds and which operator may have been meant.
 */
import { InputError, UsageError } from '../errors.js';
import type { Cell, RunsTable } from '../table/runs-table.js';
import { csvNumber, isMissing, jsonLevelText } from '../table/typing.js';
import { listColumns, nearest } from '../names.js';
import { compareNumbers } from '../table/compare.js';

export type WhereOp = '=' | '!=' | '<' | '<=' | '>' | '>=';

export interface WhereFilter {
  readonly column: string;
  readonly op: WhereOp;
  readonly value: string;
  /** The expression as given, for messages and the report. */
  readonly text: string;
}

const OPS: WhereOp[] = ['!=', '<=', '>=', '=', '<', '>'];

export function parseWhere(expr: string): WhereFilter {
  const at = expr.search(/[!<>=]/);
  if (at <= 0) {
    throw new UsageError(
      `--where ${JSON.stringify(expr)}: expected COLUMN=VALUE (or !=, <, <=, >, >=), e.g. --where state=finished`,
    );
  }
  const op = OPS.find((o) => expr.startsWith(o, at));
  if (!op) {
    throw new UsageError(`--where ${JSON.stringify(expr)}: '!' must be followed by '=' (use !=)`);
  }
  const column = expr.slice(0, at).trim();
  let value = expr.slice(at + op.length).trim();
  if (column === '') throw new UsageError(`--where ${JSON.stringify(expr)}: no column name before ${op}`);
  if (op === '=' && value.startsWith('=') && !/^=[=<>!]/.test(value)) {
    // `==`, as the fail-on rules write it: the same as `=`.
    value = value.slice(1).trim();
  } else if ((op === '=' || op === '!=') && /^[<>]/.test(value)) {
    // `=>`, `=<` (and `!=>`): an ordering written backwards, not a value that starts with `>`.
    const meant = op === '=' ? `${value[0]}=` : null;
    const rest = value.slice(1).trim();
    throw new UsageError(
      `--where ${JSON.stringify(expr)}: "${op}${value[0]}" is not an operator` +
        (meant ? `; did you mean ${column}${meant}${rest}?` : '; use one of = != < <= > >='),
    );
  }
  if (/^[!<>=]/.test(value) && !(op === '=' || op === '!=')) {
    const twice = `${op}${value[0]}`;
    const hint =
      twice === '<<' || twice === '>>' ? `; did you mean ${column}${op}=${value.slice(1).trim()}?` : '';
    throw new UsageError(
      `--where ${JSON.stringify(expr)}: "${twice}" is not an operator; use one of = != < <= > >=${hint}`,
    );
  }
  if (/[!<>=]/.test(value) && !(op === '=' || op === '!=')) {
    throw new UsageError(
      `--where ${JSON.stringify(expr)}: more than one operator; use one of = != < <= > >=`,
    );
  }
  return { column, op, value, text: expr };
}

function cellNumber(cell: Cell, textual: boolean): number | null {
  if (cell === null) return null;
  if (textual) return typeof cell === 'string' ? csvNumber(cell) : null;
  return typeof cell === 'number' ? cell : null;
}

function cellText(cell: Cell): string {
  return cell === null ? '' : jsonLevelText(cell);
}

export function applyWhere(
  table: RunsTable,
  filters: readonly WhereFilter[],
): { table: RunsTable; removed: number } {
  if (filters.length === 0) return { table, removed: 0 };
  const keep = new Uint8Array(table.rowCount).fill(1);
  for (const f of filters) {
    const before = keep.slice();
    const cells = table.cells.get(f.column);
    if (!cells) {
      const guess = nearest(f.column, table.columns);
      const hint = guess !== null ? ` (did you mean ${JSON.stringify(guess)}?)` : '';
      throw new InputError(
        `--where ${f.text}: ${table.source} has no column ${JSON.stringify(f.column)}${hint}; columns: ${listColumns(table.columns)}`,
      );
    }
    const wanted = csvNumber(f.value);
    const ordering = f.op !== '=' && f.op !== '!=';
    if (ordering && wanted === null) {
      throw new UsageError(
        `--where ${f.text}: ${f.op} compares numbers, and ${JSON.stringify(f.value)} is not one`,
      );
    }
    for (let r = 0; r < table.rowCount; r++) {
      if (!keep[r]) continue;
      const cell = cells[r];
      const v = cellNumber(cell, table.textual);
      let pass: boolean;
      if (v !== null && wanted !== null) {
        pass = compareNumbers(v, f.op === '=' ? '==' : f.op, wanted);
      } else if (ordering) {
        if (!isMissing(cell, table.textual)) {
          throw new UsageError(
            `--where ${f.text}: column ${JSON.stringify(f.column)} holds ${JSON.stringify(cellText(cell))} (run ${r + 1}), not a number; ${f.op} needs numbers`,
          );
        }
        pass = false;
      } else {
        const equal = cellText(cell) === f.value;
        pass = f.op === '=' ? equal : !equal;
      }
      if (!pass) keep[r] = 0;
    }
    if (keep.some((k) => k === 1) || !before.some((k) => k === 1)) continue;
    throw new InputError(noneLeft(f, cells, before, table.textual, filters.length > 1));
  }
  let kept = 0;
  for (let r = 0; r < keep.length; r++) kept += keep[r];
  const removed = table.rowCount - kept;
  if (removed === 0) return { table, removed: 0 };
  const cells = new Map<string, Cell[]>();
  for (const [name, col] of table.cells)
    cells.set(
      name,
      col.filter((_, r) => keep[r] === 1),
    );
  const runMeta = table.runMeta?.filter((_, r) => keep[r] === 1);
  return {
    table: { ...table, cells, rowCount: kept, ...(runMeta ? { runMeta } : {}) },
    removed,
  };
}

/** Values listed when a filter leaves no run; more distinct values than this are summed up as a range. */
const LIST_VALUES = 12;

/**
 * Why `f` left no run: the values its column holds among the runs it saw (or their range), and an
 * operator that may have been meant.
 */
function noneLeft(
  f: WhereFilter,
  cells: readonly Cell[],
  before: Uint8Array,
  textual: boolean,
  afterOthers: boolean,
): string {
  const texts = new Map<string, number>();
  const numbers: number[] = [];
  let missing = 0;
  for (let r = 0; r < cells.length; r++) {
    if (!before[r]) continue;
    const cell = cells[r];
    if (isMissing(cell, textual)) {
      missing++;
      continue;
    }
    const v = cellNumber(cell, textual);
    if (v !== null && Number.isFinite(v)) numbers.push(v);
    const t = cellText(cell);
    texts.set(t, (texts.get(t) ?? 0) + 1);
  }
  const seen = afterOthers ? 'the runs the other filters kept' : 'its runs';
  const head = `--where ${f.text} leaves no run: column ${JSON.stringify(f.column)}`;
  const gap = missing > 0 ? ` (missing in ${missing})` : '';
  if (texts.size === 0) return `${head} is missing in all of ${seen}`;
  const allNumbers = numbers.length === [...texts.values()].reduce((a, b) => a + b, 0);
  const show = (t: string): string => JSON.stringify(t.length > 40 ? `${t.slice(0, 39)}…` : t);
  let holds: string;
  if (texts.size <= LIST_VALUES) {
    const keys = [...texts.keys()];
    if (allNumbers) keys.sort((a, b) => Number(a) - Number(b));
    else keys.sort();
    holds = `holds ${keys.map((k) => (allNumbers ? k : show(k))).join(', ')} in ${seen}${gap}`;
  } else if (allNumbers) {
    let lo = Infinity;
    let hi = -Infinity;
    for (const x of numbers) {
      if (x < lo) lo = x;
      if (x > hi) hi = x;
    }
    holds = `ranges from ${lo} to ${hi} (${texts.size} distinct values) in ${seen}${gap}`;
  } else {
    const some = [...texts.keys()].sort().slice(0, 5).map(show).join(', ');
    holds = `holds ${texts.size} distinct values in ${seen}${gap}, e.g. ${some}`;
  }
  let hint = '';
  const wanted = csvNumber(f.value);
  if (f.op === '=' && allNumbers && wanted !== null) {
    hint = `; to compare, use ${f.column}>=${f.value} or ${f.column}<=${f.value} (also <, >)`;
  } else if (f.op === '=' && !allNumbers) {
    const lower = f.value.toLowerCase();
    const near = [...texts.keys()].find((t) => t.toLowerCase() === lower || t.trim() === f.value);
    hint = near !== undefined ? `; values are compared exactly: did you mean ${f.column}=${near}?` : '';
  }
  return `${head} ${holds}${hint}`;
}
