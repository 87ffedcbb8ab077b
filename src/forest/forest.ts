/**
 * `ExtraTreesRegressor(n_estimators=T, random_state=seed)` of scikit-learn 1.2 with its defaults,
 * reproduced tree for tree (algorithms.md §1): the same trees, so the same `feature_importances_`
 * and the same predictions.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { InputError } from '../errors.js';
import { DepthFirstBuilder } from './builder.js';
import { treeSeeds } from './random.js';
import { leafValue, rowBlock, Tree } from './tree.js';
import type { WorkerInput, WorkerTree } from './worker.js';

export { Tree } from './tree.js';

export interface ForestOptions {
  trees: number;
  seed: number;
  /** Worker threads for fitExtraTreesAsync (default 1: the calling thread). Same result for any value. */
  threads?: number;
}

/** Features as scikit-learn's trees see them: float32, column-major (data[j * n + i]). */
export interface FeatureMatrix {
  readonly n: number;
  readonly k: number;
  readonly data: Float32Array;
}

/** Float64 column-major design → float32 (the `check_array(X, dtype=np.float32)` of the forest's fit). */
export function toFeatureMatrix(X: Float64Array, n: number, k: number): FeatureMatrix {
  if (X.length !== n * k) throw new RangeError(`toFeatureMatrix: ${X.length} values for ${n} × ${k}`);
  const data = Float32Array.from(X);
  for (let p = 0; p < data.length; p++) {
    if (!Number.isFinite(data[p])) {
      // scikit-learn refuses these too ("Input contains NaN, infinity or a value too large for float32").
      throw new InputError(
        `design column ${Math.floor(p / n) + 1}, run ${(p % n) + 1}: ${X[p]} is not a finite float32 ` +
          'value, which the extra trees need; rescale the hyperparameter (e.g. log10) or drop that run',
      );
    }
  }
  return { n, k, data };
}

export class ExtraTreesForest {
  readonly trees: Tree[];
  readonly k: number;

  constructor(trees: Tree[], k: number) {
    this.trees = trees;
    this.k = k;
  }

  /**
   * sklearn's `feature_importances_`: each tree's normalised MDI, averaged over the trees with more
   * than one node, normalised again; all zeros when every tree is a single leaf.
   */
  featureImportances(): Float64Array {
    const k = this.k;
    const mean = new Float64Array(k);
    let used = 0;
    for (const tree of this.trees) {
      if (tree.nodeCount <= 1) continue;
      const imp = tree.featureImportances(k);
      for (let f = 0; f < k; f++) mean[f] += imp[f];
      used++;
    }
    if (used === 0) return mean;
    for (let f = 0; f < k; f++) mean[f] /= used;
    let s = 0;
    for (let f = 0; f < k; f++) s += mean[f];
    for (let f = 0; f < k; f++) mean[f] /= s;
    return mean;
  }

  /**
   * Mean of the trees' predictions for `rows` of X (all rows by default), in that order; as sklearn,
   * the trees' outputs are summed in tree order and divided by the number of trees.
   */
  predict(X: FeatureMatrix, rows?: Int32Array): Float64Array {
    if (X.k !== this.k) throw new RangeError(`predict: ${X.k} features, the forest was fitted on ${this.k}`);
    const m = rows ? rows.length : X.n;
    if (rows) {
      for (let r = 0; r < m; r++) {
        if (!(rows[r] >= 0 && rows[r] < X.n))
          throw new RangeError(`predict: row ${rows[r]} outside [0, ${X.n})`);
      }
    }
    const block = rowBlock(X.data, X.n, X.k, rows ?? null);
    const out = new Float64Array(m);
    for (const tree of this.trees) predictInto(tree, block, X.k, out);
    const t = this.trees.length;
    for (let i = 0; i < m; i++) out[i] /= t;
    return out;
  }
}

/** Adds one tree's predictions for the rows of a row-major block (k values per row) to `out`. */
function predictInto(tree: Tree, block: Float32Array, k: number, out: Float64Array): void {
  const packed = tree.packed();
  const noMask = new Uint8Array(k);
  for (let r = 0; r < out.length; r++) out[r] += leafValue(packed, block, r * k, r * k, noMask);
}

/** One tree's predictions for `rows` of X (all by default). */
export function predictTree(tree: Tree, X: FeatureMatrix, rows?: Int32Array): Float64Array {
  const out = new Float64Array(rows ? rows.length : X.n);
  predictInto(tree, rowBlock(X.data, X.n, X.k, rows ?? null), X.k, out);
  return out;
}

/** The rows of X and y that a fit sees, as their own compact arrays (X[rows], y[rows] in sklearn). */
export function selectRows(
  X: FeatureMatrix,
  y: Float64Array,
  rows?: Int32Array,
): { data: Float32Array; y: Float64Array; n: number } {
  if (y.length !== X.n) throw new RangeError(`fit: ${y.length} targets for ${X.n} rows`);
  if (!rows) return { data: X.data, y, n: X.n };
  const { n, k, data } = X;
  const m = rows.length;
  const sub = new Float32Array(m * k);
  const ys = new Float64Array(m);
  for (let r = 0; r < m; r++) {
    const i = rows[r];
    if (!(i >= 0 && i < n)) throw new RangeError(`fit: row ${i} outside [0, ${n})`);
    ys[r] = y[i];
  }
  for (let j = 0; j < k; j++) {
    const src = j * n;
    const dst = j * m;
    for (let r = 0; r < m; r++) sub[dst + r] = data[src + rows[r]];
  }
  return { data: sub, y: ys, n: m };
}

function checkOptions(opts: ForestOptions, n: number): void {
  if (!Number.isInteger(opts.trees) || opts.trees < 1)
    throw new RangeError(`trees must be ≥ 1, got ${opts.trees}`);
  if (!Number.isInteger(opts.seed) || opts.seed < 0 || opts.seed > 0xffffffff) {
    throw new RangeError(`seed must be an integer in [0, 2^32), got ${opts.seed}`);
  }
  if (n < 1) throw new RangeError('fit: no rows');
}

/** Fits the forest on `rows` of X, y (in that order; all rows by default) on the calling thread. */
export function fitExtraTrees(
  X: FeatureMatrix,
  y: Float64Array,
  opts: ForestOptions,
  rows?: Int32Array,
): ExtraTreesForest {
  const sel = selectRows(X, y, rows);
  checkOptions(opts, sel.n);
  const seeds = treeSeeds(opts.seed, opts.trees);
  const builder = new DepthFirstBuilder(sel.data, sel.y, sel.n, X.k);
  const trees: Tree[] = [];
  for (let t = 0; t < seeds.length; t++) trees.push(builder.build(seeds[t]));
  return new ExtraTreesForest(trees, X.k);
}

/**
 * The worker script: dist/forest-worker.js next to the bundle, or worker.js next to this module when
 * compiled by tsc (the benchmark). null under the TypeScript sources (tests): then one thread.
 */
function workerFile(): URL | null {
  for (const name of ['./forest-worker.js', './worker.js']) {
    const url = new URL(name, import.meta.url);
    if (url.protocol === 'file:' && existsSync(fileURLToPath(url))) return url;
  }
  return null;
}

/** Worker threads to use: opts.threads (0 or less: one per core), at most one per tree. */
export function threadCount(opts: ForestOptions): number {
  const asked = opts.threads ?? 1;
  const t = asked <= 0 ? availableParallelism() : Math.floor(asked);
  return Math.max(1, Math.min(t, opts.trees));
}

/**
 * As fitExtraTrees; with more than one thread (opts.threads) the trees are grown on worker threads
 * when the worker script is available, else on the calling thread. Every tree depends only on its
 * own seed, so the forest is identical bit for bit either way.
 */
export async function fitExtraTreesAsync(
  X: FeatureMatrix,
  y: Float64Array,
  opts: ForestOptions,
  rows?: Int32Array,
): Promise<ExtraTreesForest> {
  const threads = threadCount(opts);
  const file = threads > 1 ? workerFile() : null;
  if (!file) return fitExtraTrees(X, y, opts, rows);
  const sel = selectRows(X, y, rows);
  checkOptions(opts, sel.n);
  const seeds = treeSeeds(opts.seed, opts.trees);
  // Features and targets shared with the workers, not copied per worker.
  const data = new Float32Array(new SharedArrayBuffer(sel.data.byteLength));
  data.set(sel.data);
  const ys = new Float64Array(new SharedArrayBuffer(sel.y.byteLength));
  ys.set(sel.y);
  const trees: Tree[] = new Array<Tree>(seeds.length);
  const jobs: Promise<void>[] = [];
  const workers: Worker[] = [];
  for (let w = 0; w < threads; w++) {
    // Round-robin keeps the workers' loads even (trees of one forest cost about the same).
    const indices = Int32Array.from(
      { length: Math.ceil((seeds.length - w) / threads) },
      (_, i) => w + i * threads,
    );
    const input: WorkerInput = {
      data,
      y: ys,
      n: sel.n,
      k: X.k,
      indices,
      seeds: indices.map((i) => seeds[i]),
    };
    jobs.push(
      new Promise<void>((resolve, reject) => {
        const worker = new Worker(file, { workerData: input });
        workers.push(worker);
        let received = 0;
        worker.on('message', (msg: WorkerTree) => {
          trees[msg.index] = Tree.fromArrays(msg);
          received++;
        });
        worker.on('error', reject);
        worker.on('exit', (code) => {
          if (code === 0 && received === indices.length) resolve();
          else
            reject(
              new Error(
                `forest worker exited with code ${code} after ${received} of ${indices.length} trees`,
              ),
            );
        });
      }),
    );
  }
  try {
    await Promise.all(jobs);
  } catch (err) {
    await Promise.all(workers.map((w) => w.terminate()));
    throw err;
  }
  return new ExtraTreesForest(trees, X.k);
}
