/**
 * Optuna's JournalStorage file (JournalFileStorage): JSON Lines, one operation a line, replayed as
 * optuna/storages/_journal/storage.py replays them (JournalStorageReplayResult):
 *
 *   0 CREATE_STUDY  1 DELETE_STUDY  2 SET_STUDY_USER_ATTR  3 SET_STUDY_SYSTEM_ATTR  4 CREATE_TRIAL
 *   5 SET_TRIAL_PARAM  6 SET_TRIAL_STATE_VALUES  7 SET_TRIAL_INTERMEDIATE_VALUE
 *   8 SET_TRIAL_USER_ATTR  9 SET_TRIAL_SYSTEM_ATTR
 *
 * Study ids count CREATE_STUDY operations that made a study (a duplicate name makes none); trial ids
 * count every trial ever created; an operation on a study or trial that does not exist, or an update
 * to a finished trial, is ignored (Optuna ignores another worker's). The last line without a newline
 * is being written: it is not read. A line in the middle that is not JSON, or an unknown op code,
 * is refused (exit 2) with its line number.
 */
import { promises as fsp } from 'node:fs';
import { InputError, quoteForMessage } from '../../errors.js';
import { parseJsonLenientAt } from '../lenient-json.js';
import { fileError } from '../text-file.js';
import { goalOfDirection, parseDistribution, stateOf, type OptunaStudy, type OptunaTrial } from './study.js';

const MAX_JOURNAL_BYTES = 1024 * 1024 * 1024;

export interface JournalRead {
  readonly studies: OptunaStudy[];
  /** Lines replayed. */
  readonly lines: number;
  /** A last line without a newline (being written) was left unread. */
  readonly partialLastLine: boolean;
}

export async function readJournalFile(path: string): Promise<JournalRead> {
  let buf: Buffer;
  try {
    const st = await fsp.stat(path);
    if (st.isDirectory()) throw new InputError(`${path} is a directory, not an Optuna journal file`);
    if (st.size > MAX_JOURNAL_BYTES) {
      throw new InputError(
        `${path}: an Optuna journal of more than ${MAX_JOURNAL_BYTES / 1024 / 1024} MiB is more than this tool reads`,
      );
    }
    buf = await fsp.readFile(path);
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw fileError(err, path);
  }
  let text: string;
  try {
    text = buf.toString('utf8');
  } catch {
    // past V8's longest string (about 512 Mi characters): refused like an oversized file
    throw new InputError(`${path}: this Optuna journal is too large to read as text (${buf.length} bytes)`);
  }
  return replayJournal(text, path);
}

interface Live {
  readonly study: OptunaStudy;
  deleted: boolean;
}

export function replayJournal(text: string, where: string): JournalRead {
  const studies: Live[] = [];
  const byId = new Map<number, Live>();
  const trials: { trial: OptunaTrial; study: Live }[] = [];
  let nextStudyId = 0;

  const end = text.lastIndexOf('\n');
  const partialLastLine = text.slice(end + 1).trim() !== '';
  const body = end < 0 ? '' : text.slice(0, end);
  let lineNo = 0;
  let start = 0;
  let replayed = 0;
  while (start <= body.length && body.length > 0) {
    let nl = body.indexOf('\n', start);
    if (nl < 0) nl = body.length;
    const line = body.slice(start, nl);
    start = nl + 1;
    lineNo++;
    if (line.trim() === '') continue;
    const at = `${where}: line ${lineNo}`;
    let op: unknown;
    try {
      op = parseJsonLenientAt(line, where, lineNo);
    } catch {
      throw new InputError(
        `${at} is not JSON (${quoteForMessage(line, 60)}): not an Optuna journal, or a damaged one (only the last line may be cut short)`,
      );
    }
    if (typeof op !== 'object' || op === null || Array.isArray(op)) {
      throw new InputError(
        `${at} is not a journal operation (an object with op_code): not an Optuna journal?`,
      );
    }
    const log = op as Record<string, unknown>;
    const code = log.op_code;
    replayed++;
    const studyOf = (): Live | null => {
      const s = byId.get(log.study_id as number);
      return s && !s.deleted ? s : null;
    };
    const trialOf = (): OptunaTrial | null => {
      const id = log.trial_id;
      if (typeof id !== 'number' || !Number.isInteger(id) || id < 0 || id >= trials.length) return null;
      const t = trials[id];
      // updates to a finished trial are ignored, as Optuna does for other workers' logs
      if (t.trial.state !== 'running' && t.trial.state !== 'waiting') return null;
      return t.trial;
    };
    switch (code) {
      case 0: {
        const name = log.study_name;
        if (typeof name !== 'string') throw new InputError(`${at}: CREATE_STUDY without a study_name`);
        if (studies.some((s) => !s.deleted && s.study.name === name)) break;
        const dirs = Array.isArray(log.directions)
          ? log.directions.map(goalOfDirection)
          : ['minimize' as const];
        const live: Live = {
          study: { name, directions: dirs, userAttrs: new Map(), systemAttrs: new Map(), trials: [] },
          deleted: false,
        };
        studies.push(live);
        byId.set(nextStudyId++, live);
        break;
      }
      case 1: {
        const s = studyOf();
        if (s) s.deleted = true;
        break;
      }
      case 2:
      case 3: {
        const s = studyOf();
        const attr = code === 2 ? log.user_attr : log.system_attr;
        if (s && typeof attr === 'object' && attr !== null) {
          const target = code === 2 ? s.study.userAttrs : s.study.systemAttrs;
          for (const [k, v] of Object.entries(attr)) target.set(k, v);
        }
        break;
      }
      case 4: {
        const s = studyOf();
        if (!s) break;
        const trial: OptunaTrial = {
          number: s.study.trials.length,
          state: log.state === undefined ? 'running' : stateOf(log.state, at),
          values: valuesOf(log),
          params: new Map(),
          userAttrs: new Map(),
        };
        const dists = (log.distributions ?? {}) as Record<string, unknown>;
        const params = (log.params ?? {}) as Record<string, unknown>;
        for (const [name, internal] of Object.entries(params)) {
          const dj = dists[name];
          if (typeof dj !== 'string' || typeof internal !== 'number') {
            throw new InputError(
              `${at}: CREATE_TRIAL with parameter ${quoteForMessage(name)} but no distribution for it`,
            );
          }
          const distribution = parseDistribution(dj, at);
          distribution.external(internal); // a categorical index must be in range
          trial.params.set(name, { internal, distribution });
        }
        for (const [k, v] of Object.entries((log.user_attrs ?? {}) as Record<string, unknown>))
          trial.userAttrs.set(k, v);
        trials.push({ trial, study: s });
        s.study.trials.push(trial);
        break;
      }
      case 5: {
        const t = trialOf();
        if (!t) break;
        const name = log.param_name;
        const internal = log.param_value_internal;
        if (
          typeof name !== 'string' ||
          typeof internal !== 'number' ||
          typeof log.distribution !== 'string'
        ) {
          throw new InputError(
            `${at}: SET_TRIAL_PARAM without param_name, param_value_internal or distribution`,
          );
        }
        const distribution = parseDistribution(log.distribution, at);
        distribution.external(internal);
        t.params.set(name, { internal, distribution });
        break;
      }
      case 6: {
        const t = trialOf();
        if (!t) break;
        const state = stateOf(log.state, at);
        if (state === 'running' && t.state === 'running') break;
        t.state = state;
        if (log.values !== null && log.values !== undefined) t.values = valuesOf(log);
        break;
      }
      case 7:
      case 9:
        trialOf(); // intermediate values and system attributes are not analysed
        break;
      case 8: {
        const t = trialOf();
        const attr = log.user_attr;
        if (t && typeof attr === 'object' && attr !== null) {
          for (const [k, v] of Object.entries(attr)) t.userAttrs.set(k, v);
        }
        break;
      }
      default:
        throw new InputError(
          `${at}: unknown op_code ${quoteForMessage(JSON.stringify(code) ?? String(code))} (Optuna's journal has 0 CREATE_STUDY … 9 SET_TRIAL_SYSTEM_ATTR): not an Optuna journal, or one from a newer Optuna`,
        );
    }
  }
  return { studies: studies.filter((s) => !s.deleted).map((s) => s.study), lines: replayed, partialLastLine };
}

function valuesOf(log: Record<string, unknown>): (number | null)[] | null {
  const values = log.values;
  if (Array.isArray(values)) return values.map((v) => (typeof v === 'number' ? v : null));
  if (typeof log.value === 'number') return [log.value];
  return null;
}
