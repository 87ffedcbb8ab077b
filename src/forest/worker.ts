/**
 * Worker thread entry (bundled as dist/forest-worker.js): grows the trees whose seeds it is given on
 * the shared features and targets, and posts each tree's node arrays back (transferred, not copied).
 * A tree depends only on its seed, so which thread grows it does not change it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { DepthFirstBuilder } from './builder.js';

export interface WorkerInput {
  data: Float32Array;
  y: Float64Array;
  n: number;
  k: number;
  /** Positions of this worker's trees in the forest, and their seeds. */
  indices: Int32Array;
  seeds: Int32Array;
}

export interface WorkerTree {
  index: number;
  nodeCount: number;
  feature: Int32Array;
  threshold: Float64Array;
  left: Int32Array;
  right: Int32Array;
  value: Float64Array;
  impurity: Float64Array;
  nNodeSamples: Int32Array;
}

if (parentPort) {
  const port = parentPort;
  const input = workerData as WorkerInput;
  const builder = new DepthFirstBuilder(input.data, input.y, input.n, input.k);
  for (let t = 0; t < input.seeds.length; t++) {
    const tree = builder.build(input.seeds[t]);
    const msg: WorkerTree = {
      index: input.indices[t],
      nodeCount: tree.nodeCount,
      feature: tree.feature,
      threshold: tree.threshold,
      left: tree.left,
      right: tree.right,
      value: tree.value,
      impurity: tree.impurity,
      nNodeSamples: tree.nNodeSamples,
    };
    const buffers = [
      tree.feature.buffer,
      tree.threshold.buffer,
      tree.left.buffer,
      tree.right.buffer,
      tree.value.buffer,
      tree.impurity.buffer,
      tree.nNodeSamples.buffer,
    ] as ArrayBuffer[];
    port.postMessage(msg, buffers);
  }
}
