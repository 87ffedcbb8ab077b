/**
 * Runs from a tracking service → a runs table, for sources that hand over each run as its
 * hyperparameters, its metrics and a few facts (state, name). Column order: the hyperparameters in
 * first-seen order (or the order given), then the metrics, then the facts; a metric named like a
 * hyperparameter becomes `metrics.<name>`, a fact named like either is left out (it stays in runMeta).
 * The hyperparameters are the table's config keys (the default --params); the metrics with a number
 * somewhere are its metric keys (the names offered for --target).
 */
import { InputError, quoteForMessage } from '../errors.js';
import type { Cell, RunMeta, RunsTable, SourceFormat } from '../table/runs-table.js';
import { Columns, TableColumns } from './columns.js';
import { MAX_FIELD } from './text-file.js';

export interface AssembledRun {
  readonly params: Iterable<readonly [string, Cell]>;
  readonly metrics: Iterable<readonly [string, Cell]>;
  readonly facts: Iterable<readonly [string, Cell]>;
  readonly meta: RunMeta;
}

export interface AssembleOptions {
  readonly source: string;
  readonly format: SourceFormat;
  /** true: every cell is text typed by a CSV's rules (MLflow's string params); false: JSON values. */
  readonly textual: boolean;
  /** Hyperparameter columns first, in this order (then any other, first seen). */
  readonly paramOrder?: readonly string[];
}

export function assembleTable(runs: Iterable<AssembledRun>, o: AssembleOptions): RunsTable {
  const params = new Columns();
  for (const p of o.paramOrder ?? []) params.set(p, 0, null);
  const metrics = new Columns();
  const facts = new Columns();
  const runMeta: RunMeta[] = [];
  let row = 0;
  for (const run of runs) {
    for (const [group, entries] of [
      [params, run.params],
      [metrics, run.metrics],
      [facts, run.facts],
    ] as const) {
      for (const [name, value] of entries) {
        if (name.length > MAX_FIELD || (typeof value === 'string' && value.length > MAX_FIELD)) {
          throw new InputError(
            `${o.source}: run ${row + 1} has a name or value of more than ${MAX_FIELD} characters at ${quoteForMessage(name)}`,
          );
        }
        group.set(name, row, value);
      }
    }
    runMeta.push(run.meta);
    row++;
  }
  for (const g of [params, metrics, facts]) g.padTo(row);
  // the seeded paramOrder put a null in row 0 even with no runs at all
  if (row === 0) for (const col of params.data.values()) col.length = 0;

  const table = new TableColumns();
  const configKeys: string[] = [];
  for (const name of params.order) {
    const col = params.data.get(name)!;
    if (col.every((c) => c === null)) continue; // named by the space but set by no run kept
    table.add(name, col);
    configKeys.push(name);
  }
  const metricKeys: string[] = [];
  for (const name of metrics.order) {
    const col = metrics.data.get(name)!;
    const column = table.cells.has(name) ? `metrics.${name}` : name;
    if (!table.add(column, col)) continue;
    if (col.some((c) => typeof c === 'number' || (typeof c === 'string' && o.textual && looksNumeric(c))))
      metricKeys.push(column);
  }
  for (const name of facts.order) table.add(name, facts.data.get(name)!);
  return {
    source: o.source,
    format: o.format,
    textual: o.textual,
    columns: table.columns,
    cells: table.cells,
    rowCount: row,
    configKeys,
    metricKeys,
    runMeta,
  };
}

function looksNumeric(text: string): boolean {
  const t = text.trim();
  return t !== '' && Number.isFinite(Number(t));
}
