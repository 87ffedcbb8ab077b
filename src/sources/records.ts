/**
 * Run objects (JSON, JSONL, W&B) → runs table.
 *
 * A run object is either flat (`{"lr": 0.1, "val_acc": 0.9}`; nested objects flattened with dots) or
 * W&B-shaped: it has a `config` object, and usually `summary`, `name`, `id`, `state`. For W&B-shaped
 * records:
 * - config: a top-level value wrapped as `{"value": v}` (optionally with `desc`, ignored) is
 *   unwrapped, as the W&B API returns it; nested objects are flattened (`optimizer.lr`); `_wandb` and
 *   `wandb_version` are dropped. Config keys are `configKeys`: the default hyperparameters.
 * - summary: flattened the same way; `_wandb` and media objects (objects with `_type`: images,
 *   histograms, tables) are dropped; keys starting with `_` (`_step`, `_runtime`) stay columns but
 *   are not offered as metrics. `metricKeys` = summary columns with at least one number.
 * - A summary key equal to a config key: the config value keeps the name (it is the hyperparameter),
 *   and the summary value becomes the column `summary.<key>` (and that is the metric key offered).
 *   Logging a hyperparameter to the summary too is common (`wandb.log({"lr": …})`), and the config
 *   value is the one that was set.
 * - `name` and `state` become columns too (so `--where state=finished` works), unless a config or
 *   summary key already has that name; `id`, `name`, `state` go to `runMeta`.
 * Cells are JSON values: arrays become their `JSON.stringify` text (a categorical level, recipe.md
 * §4); non-finite numbers stay numbers (typing treats them as missing). Within one record, a key that
 * appears twice after flattening (`{"a.b": 1, "a": {"b": 2}}`) keeps the later value.
 */
import type { Cell, RunMeta, RunsTable, SourceFormat } from '../table/runs-table.js';

type Json = unknown;

function isObject(v: Json): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function toCell(v: Json): Cell {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  // arrays (and anything else JSON can hold that is not an object) are values as their JSON text
  return JSON.stringify(v) ?? null;
}

/** Flattens `value` under `prefix` into `out` (dotted keys); media objects are skipped when asked. */
function flatten(prefix: string, value: Json, out: Map<string, Cell>, skipMedia: boolean): void {
  if (isObject(value)) {
    if (skipMedia && '_type' in value) return;
    for (const key of Object.keys(value)) {
      flatten(prefix === '' ? key : `${prefix}.${key}`, value[key], out, skipMedia);
    }
    return;
  }
  if (prefix === '') return;
  out.set(prefix, toCell(value));
}

/** W&B API config entries are `{"value": v, "desc": …}`; unwrap only that exact shape. */
function unwrapConfig(v: Json): Json {
  if (!isObject(v) || !('value' in v)) return v;
  for (const key of Object.keys(v)) if (key !== 'value' && key !== 'desc') return v;
  return v.value;
}

/** Growing column arrays: a key first seen at row r gets nulls for the rows before it. */
class Columns {
  readonly order: string[] = [];
  readonly data = new Map<string, Cell[]>();

  set(key: string, row: number, value: Cell): void {
    let col = this.data.get(key);
    if (!col) {
      col = [];
      this.data.set(key, col);
      this.order.push(key);
    }
    while (col.length < row) col.push(null);
    if (col.length === row) col.push(value);
    else col[row] = value;
  }

  padTo(rows: number): void {
    for (const col of this.data.values()) while (col.length < rows) col.push(null);
  }
}

function str(v: Json): string | undefined {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;
}

/**
 * Builds a runs table one run object at a time, so a streaming reader can drop each parsed object
 * once its cells are taken.
 */
export class RecordsTableBuilder {
  private readonly flat = new Columns();
  private readonly config = new Columns();
  private readonly summary = new Columns();
  private readonly metaCols = new Columns();
  private readonly derivedMeta: RunMeta[] = [];
  private readonly entries = new Map<string, Cell>();
  private anyWandb = false;
  private row = 0;

  get rowCount(): number {
    return this.row;
  }

  add(record: Record<string, unknown>): void {
    const row = this.row;
    const entries = this.entries;
    entries.clear();
    if (isObject(record.config)) {
      this.anyWandb = true;
      for (const key of Object.keys(record.config)) {
        if (key === '_wandb' || key === 'wandb_version') continue;
        flatten(key, unwrapConfig(record.config[key]), entries, false);
      }
      for (const [k, v] of entries) this.config.set(k, row, v);
      entries.clear();
      if (isObject(record.summary)) {
        for (const key of Object.keys(record.summary)) {
          if (key === '_wandb') continue;
          flatten(key, record.summary[key], entries, true);
        }
      }
      for (const [k, v] of entries) this.summary.set(k, row, v);
      const m: RunMeta = {};
      const id = str(record.id);
      const name = str(record.name);
      const state = str(record.state);
      if (id !== undefined) m.id = id;
      if (name !== undefined) m.name = name;
      if (state !== undefined) m.state = state;
      if (typeof record.url === 'string') m.url = record.url;
      this.derivedMeta.push(m);
      if (name !== undefined) this.metaCols.set('name', row, name);
      if (state !== undefined) this.metaCols.set('state', row, state);
    } else {
      flatten('', record, entries, false);
      for (const [k, v] of entries) this.flat.set(k, row, v);
      this.derivedMeta.push({});
    }
    entries.clear();
    this.row++;
  }

  finish(source: string, format: SourceFormat, meta?: RunMeta[]): RunsTable {
    const rows = this.row;
    const { flat, config, summary, metaCols } = this;
    for (const c of [flat, config, summary, metaCols]) c.padTo(rows);

    // Column names: config keys win; a summary key equal to one becomes `summary.<key>`; the meta
    // columns only where free. Flat records' keys are plain columns (a flat key equal to a config
    // key of another record shares its column: same name, same thing).
    const columns: string[] = [];
    const cells = new Map<string, Cell[]>();
    const add = (name: string, col: Cell[]): boolean => {
      if (cells.has(name)) return false;
      cells.set(name, col);
      columns.push(name);
      return true;
    };
    const configKeys: string[] = [];
    for (const key of config.order) {
      add(key, config.data.get(key)!);
      configKeys.push(key);
    }
    for (const key of flat.order) {
      const col = flat.data.get(key)!;
      const have = cells.get(key);
      if (!have) add(key, col);
      else for (let r = 0; r < rows; r++) if (have[r] === null && col[r] !== null) have[r] = col[r];
    }
    const metricKeys: string[] = [];
    for (const key of summary.order) {
      const col = summary.data.get(key)!;
      const name = cells.has(key) ? `summary.${key}` : key;
      if (!add(name, col)) continue;
      if (!key.startsWith('_') && col.some((c) => typeof c === 'number')) metricKeys.push(name);
    }
    for (const key of metaCols.order) add(key, metaCols.data.get(key)!);

    const runMeta = meta ?? (this.anyWandb ? this.derivedMeta : undefined);
    return {
      source,
      format,
      textual: false,
      columns,
      cells,
      rowCount: rows,
      configKeys,
      metricKeys,
      ...(runMeta ? { runMeta } : {}),
    };
  }
}

export function tableFromRecords(
  records: Iterable<Record<string, unknown>>,
  source: string,
  format: SourceFormat,
  meta?: RunMeta[],
): RunsTable {
  const builder = new RecordsTableBuilder();
  for (const record of records) builder.add(record);
  return builder.finish(source, format, meta);
}
