/**
 * The source interface: a reference (a runs file, a W&B sweep, an MLflow experiment, an Optuna
 * study) → the runs table plus neutral metadata. The analysis, the report and the comment key read
 * only this metadata, never a source's own types; a source lives in its own folder under
 * src/sources/ and is listed once in src/sources/registry.ts.
 */
import type { RunsTable } from '../table/runs-table.js';

/** The direction of an objective (the same union as design's Goal, declared here: sources sit below design). */
export type Goal = 'maximize' | 'minimize';

export interface Objective {
  readonly name: string;
  readonly goal: Goal;
}

/**
 * One searched dimension, as the source defined it: a float or int range (log scale, step) or a
 * categorical's choices. Optuna's distributions map onto it one to one; a W&B `parameters` entry
 * is kept in `SourceMeta.config` as written.
 */
export type SearchDimension =
  | {
      readonly kind: 'float' | 'int';
      readonly low: number;
      readonly high: number;
      readonly log: boolean;
      /** The grid step, or null for a continuous range (an int's step is 1 unless set). */
      readonly step: number | null;
    }
  | {
      readonly kind: 'categorical';
      readonly choices: readonly (string | number | boolean | null)[];
    };

export interface SourceMeta {
  /** The registry's name of the source: 'file', 'wandb', 'mlflow', 'optuna'. */
  readonly kind: string;
  /** What it is, for people: 'runs file', 'W&B sweep', 'MLflow experiment', 'Optuna study'. */
  readonly what: string;
  /** Which one: a path, `entity/project/id`, an experiment or study name (with where it lives). */
  readonly label: string;
  /** Its display name, when it has one beside the label. */
  readonly name: string | null;
  /** A page to open it, when there is one (http(s) only). */
  readonly url: string | null;
  /** Its state (W&B: RUNNING, FINISHED…), when it has one. */
  readonly state: string | null;
  /** How it searched (W&B: bayes, grid; Optuna: the sampler when recorded), when known. */
  readonly method: string | null;
  /** The objective the source declares (W&B sweep metric, Optuna direction), or null. */
  readonly objective: Objective | null;
  /** Every objective of a multi-objective study (Optuna), in order; [] when not applicable. */
  readonly objectives: readonly Objective[];
  /** The hyperparameters the source names (its searched space), in its order; [] when it names none. */
  readonly parameters: readonly string[];
  /** The searched space by dimension, when the source knows it (Optuna's distributions). */
  readonly space: Readonly<Record<string, SearchDimension>> | null;
  /** A W&B-style sweep config (`parameters`, `method`, `metric`, `early_terminate`), when there is one. */
  readonly config: Record<string, unknown> | null;
  /** Runs per state over every run read (before --states), lower-case states; {} when unknown. */
  readonly states: Readonly<Record<string, number>>;
  /**
   * How each run's target value was read when it is not the run's final value (MLflow's
   * `--metric-agg min|max`: its best over the logged history), for the report; null otherwise.
   */
  readonly targetReading: string | null;
  /** A stable key for the sticky comment (`sweep=e/p/id`, `runs=path`, `mlflow=…`, `optuna=…`). */
  readonly key: string;
  /** Source-specific facts for the results JSON (e.g. W&B's entity, project and id). */
  readonly details: Readonly<Record<string, unknown>>;
}

/** The search-space facts of a source that declares no search (a runs file, an MLflow experiment). */
export const NO_SEARCH: Pick<
  SourceMeta,
  'method' | 'objective' | 'objectives' | 'parameters' | 'space' | 'config' | 'targetReading'
> = {
  targetReading: null,
  method: null,
  objective: null,
  objectives: [],
  parameters: [],
  space: null,
  config: null,
};

export interface LoadedSource {
  readonly table: RunsTable;
  readonly meta: SourceMeta;
}

/** What every source is given besides its own options. */
export interface SourceContext {
  /** The environment (credentials, server URLs); process.env unless a test injects one. */
  readonly env: NodeJS.ProcessEnv;
  /** --states: run states to keep, as given; a source checks them against its own states. */
  readonly states?: readonly string[];
  /** --target when given: a source that aggregates one metric (MLflow's --metric-agg) reads it. */
  readonly target?: string;
  readonly onProgress: (message: string) => void;
}

/** A source's options, by its own flag names (without `--`): strings and booleans as given. */
export type SourceOptions = Readonly<Record<string, string | boolean | undefined>>;

/** One flag of a source: `--name VALUE` (string) or `--name` (boolean), and its action input. */
export interface SourceFlag {
  readonly type: 'string' | 'boolean';
  /** The action input that carries it, when the action takes it (action.yml). */
  readonly input?: string;
  /** The action input's default in action.yml, when it has one (an input at its default is "not given"). */
  readonly default?: string;
  /** One line of help: `VALUE  what it does`. */
  readonly help: string;
}

export interface SourceDefinition {
  /** The registry's name (`SourceMeta.kind`). */
  readonly kind: string;
  /** The flag whose value selects this source and names the reference (e.g. `mlflow`). */
  readonly selector: string;
  /** Every flag of the source, the selector first, with its help and action input. */
  readonly flags: Readonly<Record<string, SourceFlag>>;
  /** One line for usage messages: `--mlflow EXPERIMENT`. */
  readonly usage: string;
  load(options: SourceOptions, ctx: SourceContext): Promise<LoadedSource>;
}
