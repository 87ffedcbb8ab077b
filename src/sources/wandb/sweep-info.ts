/** What the W&B source knows of a sweep (load-sweep.ts), for the report's and the results JSON's `sweep`. */
import type { Goal } from '../types.js';

/** What we know of a W&B sweep, when the runs came from one. */
export interface SweepInfo {
  readonly entity: string;
  readonly project: string;
  readonly id: string;
  readonly name: string | null;
  readonly state: string | null;
  readonly url: string;
  readonly method: string | null;
  readonly metric: { readonly name: string; readonly goal: Goal } | null;
  /** The sweep config (parsed YAML). */
  readonly config: Record<string, unknown> | null;
  /** Hyperparameters from the config's `parameters` block (flattened with dots). */
  readonly parameters: string[];
  /** Runs per state, over all fetched runs. */
  readonly states: Record<string, number>;
}
