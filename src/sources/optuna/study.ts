/**
 * An Optuna study as both storages hold it, read into one neutral shape: the study's directions and
 * attributes, and each trial's state, values, parameters (internal floats with their distributions)
 * and user attributes. The journal (journal.ts) and the RDB (rdb.ts) readers both produce this.
 */
import { InputError, quoteForMessage } from '../../errors.js';
import type { Goal, SearchDimension } from '../types.js';

/** optuna.trial.TrialState, by value (journal) and name (RDB). */
export const TRIAL_STATES = ['running', 'complete', 'pruned', 'fail', 'waiting'] as const;
export type TrialStateName = (typeof TRIAL_STATES)[number];

export interface OptunaTrial {
  /** Number within the study, from 0. */
  readonly number: number;
  state: TrialStateName;
  /** One value per objective, or null (not finished, or failed). */
  values: (number | null)[] | null;
  /** Parameter → [internal float, distribution]. */
  readonly params: Map<string, { internal: number; distribution: Distribution }>;
  readonly userAttrs: Map<string, unknown>;
}

export interface OptunaStudy {
  readonly name: string;
  readonly directions: Goal[];
  readonly userAttrs: Map<string, unknown>;
  readonly systemAttrs: Map<string, unknown>;
  readonly trials: OptunaTrial[];
}

export interface Distribution {
  readonly dimension: SearchDimension;
  /** The distribution's JSON as Optuna writes it (`distribution_to_json`). */
  readonly json: string;
  /** Optuna's `to_external_repr`. */
  external(internal: number): string | number | boolean | null;
}

/** Directions: StudyDirection values 1 MINIMIZE, 2 MAXIMIZE (0 NOT_SET is read as minimize, Optuna's default). */
export function goalOfDirection(d: unknown): Goal {
  if (d === 2 || d === 'MAXIMIZE' || d === 'maximize') return 'maximize';
  return 'minimize';
}

export function stateOf(value: unknown, where: string): TrialStateName {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value < TRIAL_STATES.length) {
    return TRIAL_STATES[value];
  }
  if (typeof value === 'string') {
    const lower = value.toLowerCase() as TrialStateName;
    if ((TRIAL_STATES as readonly string[]).includes(lower)) return lower;
  }
  throw new InputError(`${where}: unknown trial state ${quoteForMessage(String(value))}`);
}

const cache = new Map<string, Distribution>();

/**
 * A distribution from its JSON (`{"name": "FloatDistribution", "attributes": {...}}`), the current
 * classes and the deprecated ones Optuna still reads (Uniform, LogUniform, DiscreteUniform,
 * IntUniform, IntLogUniform).
 */
export function parseDistribution(json: string, where: string): Distribution {
  const hit = cache.get(json);
  if (hit) return hit;
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw new InputError(`${where}: a distribution that is not JSON: ${quoteForMessage(json)}`);
  }
  const bad = (): InputError =>
    new InputError(`${where}: not an Optuna distribution: ${quoteForMessage(json)}`);
  if (typeof parsed !== 'object' || parsed === null) throw bad();
  const { name, attributes } = parsed as { name?: unknown; attributes?: unknown };
  if (typeof name !== 'string' || typeof attributes !== 'object' || attributes === null) throw bad();
  const a = attributes as Record<string, unknown>;
  const num = (k: string): number => {
    const v = a[k];
    if (typeof v !== 'number' || !Number.isFinite(v)) throw bad();
    return v;
  };
  const optNum = (k: string): number | null => (a[k] === null || a[k] === undefined ? null : num(k));
  let d: Distribution;
  const float = (low: number, high: number, log: boolean, step: number | null): Distribution => ({
    dimension: { kind: 'float', low, high, log, step },
    json,
    external: (x) => x,
  });
  const int = (low: number, high: number, log: boolean, step: number): Distribution => ({
    dimension: { kind: 'int', low, high, log, step },
    json,
    external: (x) => Math.trunc(x),
  });
  switch (name) {
    case 'FloatDistribution':
      d = float(num('low'), num('high'), a.log === true, optNum('step'));
      break;
    case 'UniformDistribution':
      d = float(num('low'), num('high'), false, null);
      break;
    case 'LogUniformDistribution':
      d = float(num('low'), num('high'), true, null);
      break;
    case 'DiscreteUniformDistribution':
      d = float(num('low'), num('high'), false, num('q'));
      break;
    case 'IntDistribution':
      d = int(num('low'), num('high'), a.log === true, optNum('step') ?? 1);
      break;
    case 'IntUniformDistribution':
      d = int(num('low'), num('high'), false, optNum('step') ?? 1);
      break;
    case 'IntLogUniformDistribution':
      d = int(num('low'), num('high'), true, 1);
      break;
    case 'CategoricalDistribution': {
      const choices = a.choices;
      if (!Array.isArray(choices) || choices.length === 0) throw bad();
      const kept = choices.map((c) =>
        c === null || typeof c === 'string' || typeof c === 'number' || typeof c === 'boolean'
          ? c
          : JSON.stringify(c),
      );
      d = {
        dimension: { kind: 'categorical', choices: kept },
        json,
        external: (x) => {
          const i = Math.trunc(x);
          if (!(i >= 0 && i < kept.length)) {
            throw new InputError(
              `${where}: categorical index ${x} outside the ${kept.length} choices of ${quoteForMessage(json)}`,
            );
          }
          return kept[i];
        },
      };
      break;
    }
    default:
      throw new InputError(`${where}: unknown Optuna distribution ${quoteForMessage(name)}`);
  }
  if (cache.size > 10_000) cache.clear();
  cache.set(json, d);
  return d;
}
