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
 *
 * Hostile records: nesting deeper than MAX_NESTING levels, or a key or string value longer than
 * MAX_FIELD characters, is refused (exit 2) naming the run and the key path; keys are data, never
 * properties (`__proto__`, `constructor` are keys like any other).
 */
import { InputError, quoteForMessage } from '../errors.js';
import type { Cell, RunMeta, RunsTable, SourceFormat } from '../table/runs-table.js';
import { Columns, TableColumns } from './columns.js';
import { MAX_FIELD, MAX_NESTING } from './text-file.js';

type Json = unknown;

function isObject(v: Json): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Where a record is, for messages: the source and the run's number (1 = the first). */
interface Place {
  readonly where: string;
  readonly run: number;
}

function tooDeep(place: Place, path: string): InputError {
  return new InputError(
    `${place.where}: run ${place.run} nests objects or arrays deeper than ${MAX_NESTING} levels at key ${quoteForMessage(path)}; flatten that value or leave it out of the runs file`,
  );
}

function tooLong(place: Place, path: string, what: string): InputError {
  return new InputError(
    `${place.where}: run ${place.run} has a ${what} of more than ${MAX_FIELD} characters at key ${quoteForMessage(path)}; no name or value can be that long`,
  );
}

/** Arrays nested deeper than `limit` levels (checked without recursion: JSON.stringify would overflow). */
function arrayTooDeep(v: unknown[], limit: number): boolean {
  const stack: [unknown, number][] = [[v, 1]];
  while (stack.length > 0) {
    const [x, depth] = stack.pop()!;
    if (depth > limit) return true;
    const children = Array.isArray(x) ? x : isObject(x) ? Object.values(x) : null;
    if (!children) continue;
    for (const c of children) if (typeof c === 'object' && c !== null) stack.push([c, depth + 1]);
  }
  return false;
}

function toCell(v: Json, place: Place, path: string, depth: number): Cell {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') {
    if (v.length > MAX_FIELD) throw tooLong(place, path, 'value');
    return v;
  }
  if (typeof v === 'number' || typeof v === 'boolean') return v;
  // arrays (and anything else JSON can hold that is not an object) are values as their JSON text
  if (Array.isArray(v) && arrayTooDeep(v, MAX_NESTING - depth)) throw tooDeep(place, path);
  const text = JSON.stringify(v) ?? null;
  if (text !== null && text.length > MAX_FIELD) throw tooLong(place, path, 'value');
  return text;
}

/**
 * Flattens `value` under `prefix` into `out` (dotted keys); media objects are skipped when asked.
 * `depth` counts the objects above `value` in the run; more than MAX_NESTING is refused.
 */
function flatten(
  prefix: string,
  value: Json,
  out: Map<string, Cell>,
  skipMedia: boolean,
  place: Place,
  depth: number,
): void {
  if (isObject(value)) {
    if (depth >= MAX_NESTING) throw tooDeep(place, prefix);
    if (skipMedia && Object.hasOwn(value, '_type')) return;
    for (const key of Object.keys(value)) {
      const path = prefix === '' ? key : `${prefix}.${key}`;
      if (path.length > MAX_FIELD) throw tooLong(place, path, 'key');
      flatten(path, value[key], out, skipMedia, place, depth + 1);
    }
    return;
  }
  if (prefix === '') return;
  out.set(prefix, toCell(value, place, prefix, depth));
}

/** W&B API config entries are `{"value": v, "desc": …}`; unwrap only that exact shape. */
function unwrapConfig(v: Json): Json {
  if (!isObject(v) || !Object.hasOwn(v, 'value')) return v;
  for (const key of Object.keys(v)) if (key !== 'value' && key !== 'desc') return v;
  return v.value;
}

/** An own property: a record without `config` never reads one from a prototype. */
function own(obj: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(obj, key) ? obj[key] : undefined;
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

  /** `where` names the source in messages (a file, a sweep). */
  constructor(private readonly where = 'the runs') {}

  get rowCount(): number {
    return this.row;
  }

  add(record: Record<string, unknown>): void {
    const row = this.row;
    const entries = this.entries;
    entries.clear();
    const place: Place = { where: this.where, run: row + 1 };
    const config = own(record, 'config');
    if (isObject(config)) {
      this.anyWandb = true;
      for (const key of Object.keys(config)) {
        if (key === '_wandb' || key === 'wandb_version') continue;
        if (key.length > MAX_FIELD) throw tooLong(place, key, 'key');
        flatten(key, unwrapConfig(config[key]), entries, false, place, 1);
      }
      for (const [k, v] of entries) this.config.set(k, row, v);
      entries.clear();
      const summary = own(record, 'summary');
      if (isObject(summary)) {
        for (const key of Object.keys(summary)) {
          if (key === '_wandb') continue;
          if (key.length > MAX_FIELD) throw tooLong(place, key, 'key');
          flatten(key, summary[key], entries, true, place, 1);
        }
      }
      for (const [k, v] of entries) this.summary.set(k, row, v);
      const m: RunMeta = {};
      const id = str(own(record, 'id'));
      const name = str(own(record, 'name'));
      const state = str(own(record, 'state'));
      const url = own(record, 'url');
      for (const [k, v] of [
        ['id', id],
        ['name', name],
        ['state', state],
        ['url', url],
      ] as const) {
        if (typeof v === 'string' && v.length > MAX_FIELD) throw tooLong(place, k, 'value');
      }
      if (id !== undefined) m.id = id;
      if (name !== undefined) m.name = name;
      if (state !== undefined) m.state = state;
      if (typeof url === 'string') m.url = url;
      this.derivedMeta.push(m);
      if (name !== undefined) this.metaCols.set('name', row, name);
      if (state !== undefined) this.metaCols.set('state', row, state);
    } else {
      flatten('', record, entries, false, place, 0);
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
    const table = new TableColumns();
    const { cells } = table;
    const configKeys: string[] = [];
    for (const key of config.order) {
      table.add(key, config.data.get(key)!);
      configKeys.push(key);
    }
    for (const key of flat.order) {
      const col = flat.data.get(key)!;
      const have = cells.get(key);
      if (!have) table.add(key, col);
      else for (let r = 0; r < rows; r++) if (have[r] === null && col[r] !== null) have[r] = col[r];
    }
    const metricKeys: string[] = [];
    for (const key of summary.order) {
      const col = summary.data.get(key)!;
      const name = cells.has(key) ? `summary.${key}` : key;
      if (!table.add(name, col)) continue;
      if (!key.startsWith('_') && col.some((c) => typeof c === 'number')) metricKeys.push(name);
    }
    for (const key of metaCols.order) table.add(key, metaCols.data.get(key)!);

    const runMeta = meta ?? (this.anyWandb ? this.derivedMeta : undefined);
    return {
      source,
      format,
      textual: false,
      columns: table.columns,
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
  const builder = new RecordsTableBuilder(source);
  for (const record of records) builder.add(record);
  return builder.finish(source, format, meta);
}
