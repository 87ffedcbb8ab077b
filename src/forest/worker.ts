/**
 * Worker thread entry (bundled as dist/forest-worker.js). It reads the features and targets from
 * the SharedArrayBuffers it is given (not copied), then, task after task, grows the trees whose seeds
 * it is sent and posts back what each contributes (transferred, not copied): its importances, its
 * predictions for the forest's test rows, and the tree itself when the forest keeps it. It posts
 * `idle` when ready for the next task; `null` ends it. A tree depends only on its seed and its
 * forest's rows, so which thread grows it does not change it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { JobGrower, type GrowJob } from './builder.js';

export interface WorkerInput {
  data: Float32Array;
  y: Float64Array;
  n: number;
  k: number;
  /** The forests of this fit (fitForestsAsync's requests). */
  jobs: GrowJob[];
}

/** Grow trees first, first + 1, … of forest `job` from these seeds. */
export interface WorkerTask {
  job: number;
  first: number;
  seeds: Int32Array;
}

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
}

export type WorkerMessage = WorkerOutcome | { kind: 'idle' };

if (parentPort) {
  const port = parentPort;
  const input = workerData as WorkerInput;
  let grower: JobGrower | null = null;
  let growerJob = -1;
  port.on('message', (task: WorkerTask | null) => {
    if (task === null) {
      port.close();
      return;
    }
    if (growerJob !== task.job) {
      grower = null; // the previous forest's rows and scratch can go before the next are selected
      grower = new JobGrower(input.data, input.y, input.n, input.k, input.jobs[task.job]);
      growerJob = task.job;
    }
    for (let t = 0; t < task.seeds.length; t++) {
      const o = grower!.grow(task.first + t, task.seeds[t]);
      const transfer: ArrayBuffer[] = [];
      if (o.importances) transfer.push(o.importances.buffer as ArrayBuffer);
      if (o.predictions) transfer.push(o.predictions.buffer as ArrayBuffer);
      let tree: WorkerTree | null = null;
      if (o.tree) {
        const { nodeCount, feature, threshold, left, right, value, impurity, nNodeSamples } = o.tree;
        tree = { nodeCount, feature, threshold, left, right, value, impurity, nNodeSamples };
        for (const a of [feature, threshold, left, right, value, impurity, nNodeSamples])
          transfer.push(a.buffer as ArrayBuffer);
      }
      const msg: WorkerOutcome = {
        kind: 'tree',
        job: task.job,
        index: o.index,
        nodeCount: o.nodeCount,
        importances: o.importances,
        predictions: o.predictions,
        tree,
      };
      port.postMessage(msg, transfer);
    }
    port.postMessage({ kind: 'idle' } satisfies WorkerMessage);
  });
  port.postMessage({ kind: 'idle' } satisfies WorkerMessage);
}
