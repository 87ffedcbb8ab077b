/** Small facts about the runs that the report states: the best run, constant and id-like parameters. */
import type { Design, Goal } from '../design/types.js';
import type { Cell, RunsTable } from '../table/runs-table.js';
import type { BestRun } from './analysis.js';
import { better } from './goal.js';

/**
 * The best run by the goal (ties: the first in row order), named by its row and, where the source has
 * them, its name and id; `ties` counts the runs sharing its value and `nameShared` the runs sharing
 * its name (a name such as "run_1" may not identify a run).
 */
export function findBestRun(table: RunsTable, design: Design, goal: Goal): BestRun {
  let index = 0;
  for (let i = 1; i < design.n; i++) if (better(goal, design.y[i], design.y[index])) index = i;
  const row = design.rows[index];
  const value = design.y[index];
  let ties = 0;
  for (let i = 0; i < design.n; i++) if (design.y[i] === value) ties++;
  const params: Record<string, string | number | boolean | null> = Object.create(null);
  for (const p of design.parameters) {
    // defineProperty, not `params[name] = v`: a parameter named `__proto__` is a key like any other
    const value = cellValue(table.cells.get(p.name)?.[row] ?? null);
    Object.defineProperty(params, p.name, { value, writable: true, enumerable: true, configurable: true });
  }
  const meta = table.runMeta?.[row];
  const name = runName(table, row, 'name');
  const id = meta?.id ?? runName(table, row, 'id');
  let nameShared = 0;
  if (name !== null)
    for (let r = 0; r < table.rowCount; r++) if (runName(table, r, 'name') === name) nameShared++;
  return {
    index,
    row,
    value,
    ties: design.n > 0 ? ties : 0,
    name,
    id: id !== name ? id : null,
    nameShared,
    url: meta?.url ?? null,
    params,
  };
}

const NAME_COLUMNS = ['name', 'run_name', 'run'];
const ID_COLUMNS = ['id', 'run_id', 'trial_id', 'number'];

/** A run's name (or id) from the source's metadata, else from a column so named; null when none. */
export function runName(table: RunsTable, row: number, what: 'name' | 'id'): string | null {
  const meta = table.runMeta?.[row];
  const fromMeta = what === 'name' ? meta?.name : meta?.id;
  if (fromMeta) return fromMeta;
  for (const key of what === 'name' ? NAME_COLUMNS : ID_COLUMNS) {
    const cell = table.cells.get(key)?.[row];
    if (cell !== null && cell !== undefined && String(cell) !== '') return String(cell);
  }
  return null;
}

function cellValue(cell: Cell): string | number | boolean | null {
  return cell;
}

/** Parameters with one distinct value (kept in the design for parity; the report names them). */
export function constantParameters(design: Design): string[] {
  return design.parameters.filter((p) => p.kind !== 'empty' && p.distinct <= 1).map((p) => p.name);
}

/** Categoricals whose value differs in most runs: likely an id or a path, not a hyperparameter. */
export function idLikeParameters(design: Design): string[] {
  return design.parameters
    .filter((p) => p.kind === 'categorical' && p.present >= 4 && p.distinct > p.present / 2)
    .map((p) => p.name);
}

/** Config keys (W&B-shaped records) that take more than one distinct value. */
export function varyingConfigKeys(table: RunsTable): string[] {
  return table.configKeys.filter((key) => {
    const cells = table.cells.get(key);
    if (!cells) return false;
    const seen = new Set<string>();
    for (const c of cells) {
      if (c === null) continue;
      seen.add(typeof c === 'string' ? `s:${c}` : JSON.stringify(c));
      if (seen.size > 1) return true;
    }
    return false;
  });
}
