/**
 * The runs table: one row per run, one column per flattened key, raw cells as the source gave them.
 *
 * Cells stay raw on purpose: typing (recipe.md §2, §4) depends on where a cell came from. A CSV cell
 * is text (`"1e-3"`, `"NA"`, `"adam"`) that the typing step reads with pandas' rules; a JSON cell is a
 * JSON value (a string is always a value, never an NA token or a number).
 */
export type Cell = string | number | boolean | null;

export type SourceFormat = 'csv' | 'json' | 'jsonl' | 'wandb' | 'mlflow' | 'optuna';

export interface RunsTable {
  /** Where the runs came from, for messages ("runs.csv", "wandb sweep ent/proj/abc"). */
  readonly source: string;
  readonly format: SourceFormat;
  /** true: cells are raw CSV text, typed with pandas' read_csv rules; false: JSON values. */
  readonly textual: boolean;
  /** Column names in first-seen order (CSV: header order). */
  readonly columns: string[];
  /** Column name → one cell per run (length = rowCount). A JSON run without the key has null. */
  readonly cells: Map<string, Cell[]>;
  readonly rowCount: number;
  /**
   * W&B-shaped records: the config keys (flattened), in first-seen order; these are the default
   * hyperparameters. Empty for flat files (the user names them with --params).
   */
  readonly configKeys: string[];
  /** W&B-shaped records: summary keys that may serve as a target (no `_`-prefixed or media keys). */
  readonly metricKeys: string[];
  /** Per-run metadata when the source has it (W&B: id, name, state, url). */
  readonly runMeta?: RunMeta[];
}

export interface RunMeta {
  id?: string;
  name?: string;
  state?: string;
  url?: string;
}
