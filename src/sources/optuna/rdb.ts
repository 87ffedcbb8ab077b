/**
 * Optuna's RDBStorage in a SQLite file (optuna/storages/_rdb/models.py): `studies`,
 * `study_directions` (direction MINIMIZE/MAXIMIZE per objective), `study_user_attributes` and
 * `study_system_attributes` (value_json), `trials` (number, state COMPLETE/PRUNED/…), `trial_params`
 * (param_value: the internal float; distribution_json), `trial_values` (objective, value,
 * value_type FINITE/INF_POS/INF_NEG), `trial_user_attributes`. Intermediate values and system
 * attributes are not analysed.
 */
import { InputError, quoteForMessage } from '../../errors.js';
import { openSqlite, type Row } from './sqlite.js';
import { goalOfDirection, parseDistribution, stateOf, type OptunaStudy, type OptunaTrial } from './study.js';

const REQUIRED = ['studies', 'study_directions', 'trials', 'trial_params', 'trial_values'];

export interface RdbRead {
  readonly studies: OptunaStudy[];
  /** Every study name in the file, for messages. */
  readonly names: string[];
  readonly engine: string;
  readonly schemaVersion: string | null;
}

/** Study names only (for messages), and the studies whose name is `only` (all when null). */
export async function readSqliteStorage(
  path: string,
  only: string | null,
  prefer?: 'node:sqlite' | 'sql.js',
): Promise<RdbRead> {
  const db = await openSqlite(path, prefer);
  try {
    let tables: Set<string>;
    try {
      tables = new Set(
        db.all("SELECT name FROM sqlite_master WHERE type = 'table'").map((r) => String(r.name)),
      );
    } catch (err) {
      throw new InputError(
        `${path} cannot be read as SQLite: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
    const missing = REQUIRED.filter((t) => !tables.has(t));
    if (missing.length > 0) {
      throw new InputError(
        `${path} is a SQLite file but not an Optuna storage (no table ${missing.join(', ')}): give the file Optuna's RDBStorage wrote (sqlite:///path.db)`,
      );
    }
    let schemaVersion: string | null = null;
    if (tables.has('version_info')) {
      const v = db.all('SELECT schema_version, library_version FROM version_info');
      if (v.length > 0) schemaVersion = `${v[0].schema_version} (Optuna ${v[0].library_version})`;
    }
    const sql = (s: string): Row[] => {
      try {
        return db.all(s);
      } catch (err) {
        throw new InputError(
          `${path}: an Optuna table is not as Optuna writes it (${err instanceof Error ? err.message : String(err)})`,
        );
      }
    };
    const studyRows = sql('SELECT study_id, study_name FROM studies ORDER BY study_id');
    const wanted = studyRows.filter((r) => only === null || r.study_name === only);
    const studies: OptunaStudy[] = [];
    for (const s of wanted) {
      const id = Number(s.study_id);
      const where = `${path}: study ${quoteForMessage(String(s.study_name))}`;
      const dirs = sql(
        `SELECT direction, objective FROM study_directions WHERE study_id = ${id} ORDER BY objective`,
      );
      const study: OptunaStudy = {
        name: String(s.study_name),
        directions: dirs.map((d) => goalOfDirection(d.direction)),
        userAttrs: attrs(sql, tables, 'study_user_attributes', `study_id = ${id}`),
        systemAttrs: attrs(sql, tables, 'study_system_attributes', `study_id = ${id}`),
        trials: [],
      };
      const trialRows = sql(
        `SELECT trial_id, number, state FROM trials WHERE study_id = ${id} ORDER BY number, trial_id`,
      );
      const byId = new Map<number, OptunaTrial>();
      for (const t of trialRows) {
        const trial: OptunaTrial = {
          number: Number(t.number),
          state: stateOf(t.state, where),
          values: null,
          params: new Map(),
          userAttrs: new Map(),
        };
        byId.set(Number(t.trial_id), trial);
        study.trials.push(trial);
      }
      const inStudy = `trial_id IN (SELECT trial_id FROM trials WHERE study_id = ${id})`;
      for (const p of sql(
        `SELECT trial_id, param_name, param_value, distribution_json FROM trial_params WHERE ${inStudy} ORDER BY param_id`,
      )) {
        const trial = byId.get(Number(p.trial_id));
        if (!trial) continue;
        const distribution = parseDistribution(String(p.distribution_json), where);
        const internal = Number(p.param_value);
        distribution.external(internal);
        trial.params.set(String(p.param_name), { internal, distribution });
      }
      for (const v of sql(
        `SELECT trial_id, objective, value, value_type FROM trial_values WHERE ${inStudy} ORDER BY objective`,
      )) {
        const trial = byId.get(Number(v.trial_id));
        if (!trial) continue;
        const k = Number(v.objective);
        if (!trial.values) trial.values = new Array(study.directions.length || 1).fill(null);
        trial.values[k] =
          v.value_type === 'INF_POS'
            ? Infinity
            : v.value_type === 'INF_NEG'
              ? -Infinity
              : v.value === null
                ? null
                : Number(v.value);
      }
      if (tables.has('trial_user_attributes')) {
        for (const a of sql(
          `SELECT trial_id, key, value_json FROM trial_user_attributes WHERE ${inStudy} ORDER BY trial_user_attribute_id`,
        )) {
          const trial = byId.get(Number(a.trial_id));
          if (trial) trial.userAttrs.set(String(a.key), jsonValue(a.value_json));
        }
      }
      studies.push(study);
    }
    return { studies, names: studyRows.map((r) => String(r.study_name)), engine: db.engine, schemaVersion };
  } finally {
    db.close();
  }
}

function attrs(
  sql: (s: string) => Row[],
  tables: Set<string>,
  table: string,
  where: string,
): Map<string, unknown> {
  const out = new Map<string, unknown>();
  if (!tables.has(table)) return out;
  for (const r of sql(`SELECT key, value_json FROM ${table} WHERE ${where}`))
    out.set(String(r.key), jsonValue(r.value_json));
  return out;
}

function jsonValue(text: unknown): unknown {
  if (typeof text !== 'string') return null;
  try {
    return JSON.parse(text);
  } catch {
    // Python's json.dumps writes NaN and Infinity bare
    if (/^-?Infinity$/.test(text)) return text.startsWith('-') ? -Infinity : Infinity;
    return text === 'NaN' ? NaN : text;
  }
}
