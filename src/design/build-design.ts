/**
 * Runs table → design matrix (recipe.md §1, §3–§5): which columns are hyperparameters, which runs
 * are kept (finite target), the kind of each hyperparameter on the kept runs, and the notebook's
 * preprocessing (NaN → column mean, one dummy column per categorical level).
 */
import { InputError, quoteForMessage, UsageError } from '../errors.js';
import { listColumns, nearest } from '../names.js';
import type { Cell, RunsTable } from '../table/runs-table.js';
import { targetNumber, typeColumn, type TypedColumn } from '../table/typing.js';
import { pairwiseSum } from '../stats/sum.js';
import type { Design, ParameterInfo } from './types.js';

export interface DesignOptions {
  readonly target: string;
  readonly params: string[];
  /**
   * Keep a categorical with about one level per run (an id, a path, a timestamp) as a hyperparameter
   * (`--allow-id-like`, action input `allow-id-like`); without it such a parameter is refused.
   */
  readonly allowIdLike?: boolean;
}

/** A categorical is id-like when it has a distinct value in at least 90% of the (at least 10) runs that set it. */
export const ID_LIKE_SHARE = 0.9;
export const ID_LIKE_MIN_RUNS = 10;
/**
 * The largest design the OLS is asked to fit: its SVD costs about n·k·min(n, k) (1,000 runs × 1,000
 * columns: about a minute), so more columns, or more work, is refused even with --allow-id-like.
 */
export const MAX_DESIGN_COLUMNS = 1000;
export const MAX_DESIGN_WORK = 2e9;

/** A categorical with about one level per run: it can only tell runs apart, never explain them. */
export function isIdLike(t: { kind: string; present: number; distinct: number }): boolean {
  return t.kind === 'categorical' && t.present >= ID_LIKE_MIN_RUNS && t.distinct >= ID_LIKE_SHARE * t.present;
}

/**
 * An InputError for a column the table does not have: a near miss if there is one, then the
 * candidates (`what` says which: "columns", "columns that hold numbers", "metrics").
 */
export function unknownColumn(
  table: RunsTable,
  what: string,
  name: string,
  candidates?: { label: string; names: string[] },
): InputError {
  const list =
    candidates && candidates.names.length > 0 ? candidates : { label: 'columns', names: table.columns };
  const guess = nearest(name, table.columns);
  const hint = guess !== null ? ` (did you mean ${quoteForMessage(guess)}?)` : '';
  return new InputError(
    `${table.source} has no column ${quoteForMessage(name)} for ${what}${hint}; ${list.label}: ${listColumns(list.names)}`,
  );
}

/**
 * The hyperparameters (recipe.md §1): `--params` as given (each must be a column); without it,
 * a W&B-shaped table's config keys; a flat file needs --params (guessing would let a metric or an id
 * column leak in), so the error lists its columns.
 */
export function resolveParams(table: RunsTable, params?: string[]): string[] {
  if (params && params.length > 0) {
    const seen = new Set<string>();
    for (const p of params) {
      if (!table.cells.has(p)) throw unknownColumn(table, '--params', p);
      if (seen.has(p))
        throw new UsageError(`--params names ${quoteForMessage(p)} twice; name each hyperparameter once`);
      seen.add(p);
    }
    return [...params];
  }
  if (table.configKeys.length > 0) return [...table.configKeys];
  throw new UsageError(
    `${table.source} is a flat table: name its hyperparameters with --params a,b,c (comma-separated); columns: ${listColumns(table.columns)}`,
  );
}

/**
 * Columns that can serve as the target: W&B-shaped tables offer their metric keys; flat tables every
 * column with at least two finite numbers (by the source's number rule), hyperparameters excluded.
 */
export function targetCandidates(table: RunsTable): string[] {
  if (table.metricKeys.length > 0) return [...table.metricKeys];
  const config = new Set(table.configKeys);
  return table.columns.filter(
    (c) => !config.has(c) && finiteCount(table.cells.get(c)!, table.textual, 2) >= 2,
  );
}

function finiteCount(cells: readonly Cell[], textual: boolean, enough: number): number {
  let count = 0;
  for (const c of cells) {
    if (!Number.isNaN(targetNumber(c, textual)) && ++count >= enough) break;
  }
  return count;
}

/** Builds the design of `table` for `target` on `params` (recipe.md §3–§5). */
export function buildDesign(table: RunsTable, opts: DesignOptions): Design {
  const { target, params } = opts;
  const targetCells = table.cells.get(target);
  if (!targetCells) {
    const label = table.metricKeys.length > 0 ? 'metrics' : 'columns that hold numbers';
    throw unknownColumn(table, 'the target', target, { label, names: targetCandidates(table) });
  }
  if (params.length === 0) {
    throw new UsageError(
      `no hyperparameters to analyze; name them with --params (columns: ${listColumns(table.columns)})`,
    );
  }
  const seen = new Set<string>();
  for (const p of params) {
    if (!table.cells.has(p)) throw unknownColumn(table, 'a hyperparameter', p);
    if (seen.has(p))
      throw new UsageError(`hyperparameter ${quoteForMessage(p)} is named twice; name each once`);
    seen.add(p);
  }
  if (seen.has(target)) {
    throw new UsageError(
      `${quoteForMessage(target)} is the target and also a hyperparameter: the target cannot explain itself; leave it out of --params`,
    );
  }

  // §3 target: a finite number, else the run is dropped.
  const total = table.rowCount;
  const yAll = new Float64Array(total);
  let used = 0;
  for (let r = 0; r < total; r++) {
    const v = targetNumber(targetCells[r], table.textual);
    yAll[r] = v;
    if (!Number.isNaN(v)) used++;
  }
  if (used < 2) throw tooFewRuns(table, target, targetCells, used);
  const rows = new Int32Array(used);
  const y = new Float64Array(used);
  for (let r = 0, i = 0; r < total; r++) {
    if (Number.isNaN(yAll[r])) continue;
    rows[i] = r;
    y[i++] = yAll[r];
  }

  // §4 kinds, on the kept runs.
  const typed: TypedColumn[] = params.map((p) => typeColumn(table.cells.get(p)!, rows, table.textual));
  const dropped = params.filter((_, j) => typed[j].kind === 'empty');
  if (dropped.length === params.length) {
    throw new InputError(
      `${table.source}: no hyperparameter has a value in the ${used} runs with a finite ${quoteForMessage(target)} (all empty: ${listColumns(dropped)}); check --params`,
    );
  }

  checkParameters(params, typed, y, target, opts.allowIdLike === true);

  // §5 column order: numeric/boolean in parameter order, then each categorical's dummies.
  const n = used;
  const features: string[] = [];
  const columnsOf: number[][] = params.map(() => []);
  params.forEach((p, j) => {
    const t = typed[j];
    if (t.kind === 'numeric' || t.kind === 'boolean') {
      columnsOf[j].push(features.length);
      features.push(p);
    }
  });
  params.forEach((p, j) => {
    const t = typed[j];
    if (t.kind !== 'categorical') return;
    for (const level of t.levels) {
      columnsOf[j].push(features.length);
      features.push(`${p}_${level}`);
    }
  });
  checkUniqueFeatures(table, params, typed, features);
  checkDesignSize(params, typed, n, features.length);

  const k = features.length;
  const X = new Float64Array(n * k);
  const scratch = new Float64Array(n);
  for (let j = 0; j < params.length; j++) {
    const t = typed[j];
    if (t.kind === 'numeric' || t.kind === 'boolean')
      fillNumeric(X, columnsOf[j][0] * n, t.raw!, t.present, scratch);
    else if (t.kind === 'categorical') fillDummies(X, n, columnsOf[j], t.codes!);
  }

  const parameters: ParameterInfo[] = params.map((name, j) => {
    const t = typed[j];
    return {
      name,
      kind: t.kind,
      columns: columnsOf[j],
      levels: t.levels,
      present: t.present,
      distinct: t.distinct,
      raw: t.raw,
      codes: t.codes,
    };
  });

  return {
    target,
    n,
    k,
    features,
    X,
    y,
    parameters,
    dropped,
    rows,
    runs: { total, used, droppedNoTarget: total - used },
  };
}

/**
 * Hyperparameters that cannot be (issue 8 point 3): a copy of the target (its value in every run,
 * when the target varies), and, unless allowed, an id-like categorical.
 */
function checkParameters(
  params: string[],
  typed: TypedColumn[],
  y: Float64Array,
  target: string,
  allowIdLike: boolean,
): void {
  let varies = false;
  for (let i = 1; i < y.length && !varies; i++) varies = y[i] !== y[0];
  params.forEach((p, j) => {
    const t = typed[j];
    if (varies && t.raw !== null && t.present === y.length && t.raw.every((v, i) => v === y[i])) {
      throw new UsageError(
        `hyperparameter ${quoteForMessage(p)} equals the target ${quoteForMessage(target)} in every run: it is the target (or a copy of it), not a hyperparameter; leave it out of --params`,
      );
    }
    if (!allowIdLike && isIdLike(t)) {
      throw new UsageError(
        `hyperparameter ${quoteForMessage(p)} looks like an id: ${t.distinct.toLocaleString('en-US')} different values in ${t.present.toLocaleString('en-US')} runs (about one per run), so it can only tell runs apart, not explain them; leave it out of --params, or keep it with --allow-id-like (action input allow-id-like)`,
      );
    }
  });
}

/** A design the OLS cannot fit in reasonable time is refused, naming the categorical that makes it so. */
function checkDesignSize(params: string[], typed: TypedColumn[], n: number, k: number): void {
  if (k <= MAX_DESIGN_COLUMNS && n * k * Math.min(n, k) <= MAX_DESIGN_WORK) return;
  let widest = -1;
  typed.forEach((t, j) => {
    if (t.kind === 'categorical' && (widest < 0 || t.levels.length > typed[widest].levels.length)) widest = j;
  });
  const why =
    widest >= 0
      ? ` (${quoteForMessage(params[widest])} alone has ${typed[widest].levels.length.toLocaleString('en-US')} levels, one column each)`
      : '';
  throw new UsageError(
    `the design would have ${k.toLocaleString('en-US')} columns for ${n.toLocaleString('en-US')} runs${why}: more than the regression can fit in reasonable time (at most ${MAX_DESIGN_COLUMNS.toLocaleString('en-US')} columns); leave ${widest >= 0 ? quoteForMessage(params[widest]) : 'some hyperparameters'} out of --params${widest >= 0 ? ' or group its values' : ''}`,
  );
}

/** A numeric column with missing values set to the column mean, as pandas `fillna(mean())`. */
function fillNumeric(
  X: Float64Array,
  offset: number,
  raw: Float64Array,
  present: number,
  scratch: Float64Array,
): void {
  const n = raw.length;
  // pandas 1.5 `mean()` is numpy's pairwise sum over the whole column with NaN → 0, over the count
  // (bottleneck is bypassed for means): the same sum order gives the same last bits.
  for (let i = 0; i < n; i++) {
    const v = raw[i];
    scratch[i] = v === v ? v : 0;
  }
  const mean = pairwiseSum(scratch, 0, n) / present;
  for (let i = 0; i < n; i++) {
    const v = raw[i];
    X[offset + i] = v === v ? v : mean;
  }
}

/** One 0/1 column per level (`get_dummies`); a missing value (-1) leaves all of them 0. */
function fillDummies(X: Float64Array, n: number, columns: number[], codes: Int32Array): void {
  for (let i = 0; i < n; i++) {
    const c = codes[i];
    if (c >= 0) X[columns[c] * n + i] = 1;
  }
}

/** A dummy named like another design column (recipe.md §5) would make two columns one name. */
function checkUniqueFeatures(
  table: RunsTable,
  params: string[],
  typed: TypedColumn[],
  features: string[],
): void {
  if (new Set(features).size === features.length) return;
  const owner = new Map<string, string>();
  for (let j = 0; j < params.length; j++) {
    const t = typed[j];
    const names =
      t.kind === 'numeric' || t.kind === 'boolean'
        ? [params[j]]
        : t.kind === 'categorical'
          ? t.levels.map((l) => `${params[j]}_${l}`)
          : [];
    for (const name of names) {
      const first = owner.get(name);
      if (first !== undefined) {
        throw new InputError(
          `${table.source}: design column ${quoteForMessage(name)} would come from both ${quoteForMessage(first)} and ${quoteForMessage(params[j])} ` +
            `(a categorical's dummy is named {parameter}_{level}); rename one column or leave one out of --params`,
        );
      }
      owner.set(name, params[j]);
    }
  }
}

function tooFewRuns(table: RunsTable, target: string, cells: readonly Cell[], used: number): InputError {
  const total = table.rowCount;
  const examples: string[] = [];
  let missing = 0;
  for (const c of cells) {
    if (c === null || (table.textual && typeof c === 'string' && c.trim() === '')) {
      missing++;
      continue;
    }
    if (!Number.isNaN(targetNumber(c, table.textual))) continue;
    // JSON: the value as JSON (a string shows its quotes); CSV: the cell text, quoted.
    const shown =
      table.textual || typeof c === 'string'
        ? quoteForMessage(typeof c === 'string' ? c : String(c))
        : JSON.stringify(c);
    if (examples.length < 3 && !examples.includes(shown)) examples.push(shown);
  }
  const seenText = examples.length > 0 ? `; it holds values like ${examples.join(', ')}` : '';
  const others = targetCandidates(table).filter((c) => c !== target);
  const hint = others.length > 0 ? `; numeric columns: ${listColumns(others)}` : '';
  return new InputError(
    `${table.source}: target ${quoteForMessage(target)} is a finite number in ${used} of ${total} runs, fewer than the 2 needed (${missing} missing${seenText}); pick a numeric metric with --target${hint}`,
  );
}
