/** Small facts about the runs that the report states: the best run, constant and id-like parameters. */
import type { Design, Goal } from '../design/types.js';
import type { Cell, RunsTable } from '../table/runs-table.js';
import type { BestRun } from './analysis.js';
import { better } from './goal.js';

export function findBestRun(table: RunsTable, design: Design, goal: Goal): BestRun {
  let index = 0;
  for (let i = 1; i < design.n; i++) if (better(goal, design.y[i], design.y[index])) index = i;
  const row = design.rows[index];
  const params: Record<string, string | number | boolean | null> = {};
  for (const p of design.parameters) params[p.name] = cellValue(table.cells.get(p.name)?.[row] ?? null);
  const meta = table.runMeta?.[row];
  const nameColumn = table.cells.get('name') ?? table.cells.get('run') ?? table.cells.get('run_id');
  const name = meta?.name ?? meta?.id ?? (nameColumn ? String(nameColumn[row] ?? '') || null : null);
  return { index, row, value: design.y[index], name, url: meta?.url ?? null, params };
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
