/**
 * Worker thread entry (bundled as dist/forest-worker.js), kept in a pool for the life of the process
 * (forest.ts withWorkers). A fit posts it a `grow` session — the features and targets in
 * SharedArrayBuffers (read where they are, not copied) and the forests to grow — then `task` after
 * `task`: it grows the trees whose seeds it is sent and posts back what each contributes: its
 * importances, its predictions for the forest's test rows, and the tree itself (or packed) when the
 * forest keeps it; then `idle`, ready for the next. `end` closes the session (the worker holds no
 * data between fits). A tree depends only on its seed and its forest's rows, so which thread grows it
 * does not change it.
 * Nothing is ever transferred: the first ArrayBuffer an isolate detaches switches off V8's fast path
 * for every typed-array access in it (the "array buffer detaching" protector), which made every tree
 * grown after it 1.25× slower (5,000 × 20, measured). Trees are kept in SharedArrayBuffers (shared by
 * posting them); the small arrays are copied.
 * A `permute` request: it predicts the held-out runs with each of the permutation importance's groups
 * it is given permuted, on the fold forests (whose packed trees it shares), posts each group's
 * predictions, then `idle`.
 */
import { parentPort } from 'node:worker_threads';
import { JobGrower, type GrowJob } from './builder.js';
import type { GrowData } from './splitter.js';
import { permutedPredictions, type PackedTree, type PermutedFold } from './tree.js';

/** The features and targets (in SharedArrayBuffers) and the forests of a fit. */
export interface WorkerInput extends GrowData {
  kind: 'grow';
  /** The forests of this fit (fitForestsAsync's requests). */
  jobs: GrowJob[];
}

/** Grow trees first, first + 1, … of forest `job` from these seeds. */
export interface WorkerTask {
  kind: 'task';
  job: number;
  first: number;
  seeds: Int32Array;
}

/** A permutation importance's groups of columns (indices into its list) to predict permuted. */
export interface PermuteInput {
  kind: 'permute';
  k: number;
  folds: PermutedFold[];
  groups: number[][];
  indices: number[];
}

/** What the pool posts a worker. */
export type WorkerRequest = WorkerInput | WorkerTask | PermuteInput | { kind: 'end' };

export interface WorkerTree {
  nodeCount: number;
  feature: Int32Array;
  threshold: Float64Array;
  left: Int32Array;
  right: Int32Array;
  value: Float64Array;
  impurity: Float64Array;
  nNodeSamples: Int32Array;
}

export interface WorkerOutcome {
  kind: 'tree';
  job: number;
  index: number;
  nodeCount: number;
  importances: Float64Array | null;
  predictions: Float64Array | null;
  tree: WorkerTree | null;
  packed: PackedTree | null;
}

export interface PermuteOutcome {
  kind: 'permuted';
  index: number;
  /** permutedPredictions of the group. */
  predictions: Float64Array;
}

/** What a worker posts back. */
export type WorkerMessage = WorkerOutcome | PermuteOutcome | { kind: 'idle' };

if (parentPort) {
  const port = parentPort;
  let input: WorkerInput | null = null;
  let grower: JobGrower | null = null;
  let growerJob = -1;
  port.on('message', (req: WorkerRequest) => {
    if (req.kind === 'grow' || req.kind === 'end') {
      input = req.kind === 'grow' ? req : null;
      grower = null;
      growerJob = -1;
      return;
    }
    if (req.kind === 'task') {
      if (growerJob !== req.job) {
        grower = null; // the previous forest's rows and scratch can go before the next are selected
        grower = new JobGrower(input!, input!.jobs[req.job], true);
        growerJob = req.job;
      }
      for (let t = 0; t < req.seeds.length; t++) port.postMessage(outcome(grower!, req, t));
    } else {
      req.groups.forEach((columns, i) => {
        const predictions = permutedPredictions(req.folds, req.k, columns);
        const msg: PermuteOutcome = { kind: 'permuted', index: req.indices[i], predictions };
        port.postMessage(msg);
      });
    }
    port.postMessage({ kind: 'idle' } satisfies WorkerMessage);
  });
}

/** Grows tree task.first + t: its message. */
function outcome(grower: JobGrower, task: WorkerTask, t: number): WorkerOutcome {
  const o = grower.grow(task.first + t, task.seeds[t]);
  let tree: WorkerTree | null = null;
  if (o.tree) {
    const { nodeCount, feature, threshold, left, right, value, impurity, nNodeSamples } = o.tree;
    tree = { nodeCount, feature, threshold, left, right, value, impurity, nNodeSamples };
  }
  return {
    kind: 'tree',
    job: task.job,
    index: o.index,
    nodeCount: o.nodeCount,
    importances: o.importances,
    predictions: o.predictions,
    tree,
    packed: o.packed,
  };
}
