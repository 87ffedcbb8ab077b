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
 */
import { InputError, UsageError } from '../errors.js';
import type { Cell, RunsTable } from '../table/runs-table.js';
import { csvNumber, isMissing, jsonLevelText } from '../table/typing.js';
import { listColumns, nearest } from '../design/build-design.js';
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
  const value = expr.slice(at + op.length).trim();
  if (column === '') throw new UsageError(`--where ${JSON.stringify(expr)}: no column name before ${op}`);
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
