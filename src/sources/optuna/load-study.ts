/**
 * An Optuna study as a runs table: `--optuna STORAGE --study NAME`, STORAGE a JournalStorage file or
 * an RDB URL as Optuna takes it (`sqlite:///relative.db`, `sqlite:////absolute/path.db`; a plain
 * path to a SQLite file works too). One row per trial (COMPLETE only unless --states widens it):
 * its parameters as Optuna returns them (a categorical's choice, an int as an int), its objective
 * values (`value`, `value_1`, … or the study's metric names), its user attributes, `state` and
 * `number`. The metadata carries the directions (→ goals) and the distributions (→ the searched
 * space, and a W&B-style `parameters` block so the advice reads the searched ranges).
 */
import { isAbsolute, resolve } from 'node:path';
import { InputError, UsageError, quoteForMessage } from '../../errors.js';
import type { Cell, RunMeta } from '../../table/runs-table.js';
import { assembleTable, type AssembledRun } from '../assemble.js';
import type { LoadedSource, Objective, SearchDimension, SourceMeta } from '../types.js';
import { readJournalFile } from './journal.js';
import { readSqliteStorage } from './rdb.js';
import { isSqliteFile } from './sqlite.js';
import { TRIAL_STATES, type OptunaStudy } from './study.js';
import { wantedStates } from '../states.js';

export interface OptunaOptions {
  readonly storage: string;
  readonly study?: string;
  readonly states?: readonly string[];
  readonly onProgress?: (message: string) => void;
  /** Force a SQLite engine (tests). */
  readonly sqliteEngine?: 'node:sqlite' | 'sql.js';
}

export interface StorageRef {
  readonly kind: 'journal' | 'sqlite';
  readonly path: string;
}

/** `sqlite:///rel.db` → rel.db; `sqlite:////abs.db` → /abs.db; other RDB URLs refused; a path as is. */
export async function parseStorage(text: string): Promise<StorageRef> {
  const t = text.trim();
  if (t === '') throw new UsageError('--optuna is empty: give a journal file or sqlite:///path.db');
  const url = /^([a-z][a-z0-9+.-]*):\/\/(.*)$/i.exec(t);
  if (url) {
    const scheme = url[1].toLowerCase();
    if (scheme !== 'sqlite' && !scheme.startsWith('sqlite+')) {
      throw new UsageError(
        `--optuna ${quoteForMessage(t.replace(/\/\/[^@/]*@/, '//***@'))}: only SQLite storages (sqlite:///path.db) and journal files can be read; export the study to SQLite (optuna.copy_study) or a journal`,
      );
    }
    const rest = url[2].replace(/\?.*$/, '');
    if (!rest.startsWith('/') || rest === '/') {
      throw new UsageError(
        `--optuna ${quoteForMessage(t)}: an in-memory or host-qualified SQLite URL has no file; give sqlite:///relative.db or sqlite:////absolute/path.db`,
      );
    }
    const path = rest.slice(1); // sqlite:///x → x (relative); sqlite:////x → /x
    return { kind: 'sqlite', path: isAbsolute(path) ? path : resolve(path) };
  }
  return { kind: (await isSqliteFile(t)) ? 'sqlite' : 'journal', path: t };
}

export async function loadStudy(o: OptunaOptions): Promise<LoadedSource> {
  const progress = o.onProgress ?? (() => {});
  const storage = await parseStorage(o.storage);
  const wanted = wantedStates(o.states, TRIAL_STATES, 'Optuna trial');
  let studies: OptunaStudy[];
  let names: string[];
  let detail: Record<string, unknown>;
  if (storage.kind === 'sqlite') {
    const read = await readSqliteStorage(storage.path, o.study ?? null, o.sqliteEngine);
    studies = read.studies;
    names = read.names;
    detail = { storage: 'rdb', engine: read.engine, schema: read.schemaVersion };
  } else {
    const read = await readJournalFile(storage.path);
    if (read.lines === 0) {
      throw new InputError(
        `${storage.path} holds no complete journal line: not an Optuna journal (or an empty one)`,
      );
    }
    if (read.partialLastLine)
      progress(`${storage.path}: the last line has no newline yet (being written): not read`);
    names = read.studies.map((s) => s.name);
    studies = o.study === undefined ? read.studies : read.studies.filter((s) => s.name === o.study);
    detail = { storage: 'journal', lines: read.lines, partial_last_line: read.partialLastLine };
  }
  const where =
    storage.kind === 'sqlite' ? `Optuna storage ${storage.path}` : `Optuna journal ${storage.path}`;
  if (names.length === 0) throw new InputError(`${where} has no study`);
  if (o.study === undefined && studies.length > 1) {
    throw new UsageError(`${where} has ${names.length} studies: name one with --study (${listed(names)})`);
  }
  if (studies.length === 0) {
    throw new UsageError(
      `${where} has no study named ${quoteForMessage(o.study ?? '')}; its studies: ${listed(names)}`,
    );
  }
  const study = studies[0];
  progress(`read Optuna study ${study.name} (${study.trials.length} trials) from ${storage.path}`);

  // objectives: the study's metric names (Optuna ≥ 3.2 set_metric_names), else value, value_1, …
  const metricNames = study.systemAttrs.get('study:metric_names');
  const k = Math.max(1, study.directions.length);
  const objectiveNames = Array.from({ length: k }, (_, i) =>
    Array.isArray(metricNames) && metricNames.length === k && typeof metricNames[i] === 'string'
      ? (metricNames[i] as string)
      : i === 0
        ? 'value'
        : `value_${i}`,
  );
  const objectives: Objective[] = objectiveNames.map((name, i) => ({
    name,
    goal: study.directions[i] ?? 'minimize',
  }));

  const states: Record<string, number> = {};
  const space = new Map<string, SearchDimension>();
  const distributionJson = new Map<string, string>();
  const runs: AssembledRun[] = [];
  for (const trial of study.trials) {
    states[trial.state] = (states[trial.state] ?? 0) + 1;
    for (const [name, p] of trial.params) {
      if (!space.has(name)) space.set(name, p.distribution.dimension);
      distributionJson.set(name, p.distribution.json);
    }
    if (!(wanted ? wanted.has(trial.state) : trial.state === 'complete')) continue;
    const params: [string, Cell][] = [];
    for (const [name, p] of trial.params) params.push([name, p.distribution.external(p.internal)]);
    const metrics: [string, Cell][] = objectiveNames.map((name, i) => [name, trial.values?.[i] ?? null]);
    for (const [key, v] of trial.userAttrs) metrics.push([key, attrCell(v)]);
    // a trial is known by its number: "trial 12" names and identifies it (storage ids are internal)
    const label = `trial ${trial.number}`;
    const meta: RunMeta = { id: label, name: label, state: trial.state };
    runs.push({
      params,
      metrics,
      facts: [
        ['state', trial.state],
        ['number', trial.number],
      ],
      meta,
    });
  }
  const source = `Optuna study ${study.name}`;
  if (runs.length === 0) {
    const have = Object.entries(states)
      .map(([s, n]) => `${s} ${n}`)
      .join(', ');
    throw new UsageError(
      `${source} has no trial in the states ${wanted ? [...wanted].join(', ') : 'complete'} (it has ${have || 'no trials'}); widen them with --states, e.g. --states complete,pruned`,
    );
  }
  const table = assembleTable(runs, {
    source,
    format: 'optuna',
    textual: false,
    paramOrder: [...space.keys()],
  });
  const parameters = [...space.keys()];
  const config = {
    method: null,
    metric: objectives.length === 1 ? { name: objectives[0].name, goal: objectives[0].goal } : undefined,
    parameters: Object.fromEntries(parameters.map((p) => [p, specOf(space.get(p)!)])),
  };
  const meta: SourceMeta = {
    kind: 'optuna',
    what: 'Optuna study',
    label: study.name,
    name: study.name,
    url: null,
    state: null,
    method: null,
    objective: objectives.length === 1 ? objectives[0] : null,
    targetReading: null,
    objectives,
    parameters,
    space: Object.fromEntries(space),
    config,
    states,
    key: `optuna=${study.name}@${storage.path.replace(/\\/g, '/').split('/').pop()}`,
    details: {
      ...detail,
      study: study.name,
      directions: study.directions,
      distributions: Object.fromEntries(distributionJson),
    },
  };
  return { table, meta };
}

/** A user attribute as a cell: scalars as they are, anything else as its JSON text. */
function attrCell(v: unknown): Cell {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return v;
  return JSON.stringify(v) ?? null;
}

/** The dimension as a W&B `parameters` entry, for the advice's searched ranges. */
export function specOf(d: SearchDimension): Record<string, unknown> {
  if (d.kind === 'categorical') return { values: [...d.choices] };
  if (d.kind === 'int') {
    return d.log
      ? { distribution: 'q_log_uniform_values', min: d.low, max: d.high, q: d.step ?? 1 }
      : { distribution: 'int_uniform', min: d.low, max: d.high };
  }
  if (d.log) return { distribution: 'log_uniform_values', min: d.low, max: d.high };
  if (d.step !== null) return { distribution: 'q_uniform', min: d.low, max: d.high, q: d.step };
  return { distribution: 'uniform', min: d.low, max: d.high };
}

function listed(names: string[], max = 20): string {
  const shown = names.slice(0, max).map((n) => quoteForMessage(n));
  return names.length > max ? `${shown.join(', ')}, … (${names.length - max} more)` : shown.join(', ');
}
