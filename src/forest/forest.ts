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
import { JobGrower, type GrowJob, type TreeOutcome } from './builder.js';
import { rowMajor } from './splitter.js';
import { treeSeeds } from './random.js';
import { leafValue, rowBlock, Tree, type PackedTree } from './tree.js';
import type { WorkerInput, WorkerMessage, WorkerOutcome, WorkerRequest } from './worker.js';

export { Tree } from './tree.js';

export interface ForestOptions {
  trees: number;
  seed: number;
  /** Worker threads for the async fits (default, 0 or less: one per core). Same result for any value. */
  threads?: number;
  /**
   * Trees kept whole in the fitted forest: the first ones (default all). The others still count in
   * `featureImportances()` (and in a fit's held-out predictions); a large forest's trees are most of
   * its memory.
   */
  keepTrees?: number;
}

/** Features as scikit-learn's trees see them: float32, column-major (data[j * n + i]). */
export interface FeatureMatrix {
  readonly n: number;
  readonly k: number;
  readonly data: Float32Array;
}

/** The float32 matrix of each design matrix converted (the base forest and the insights share it). */
const featureMatrices = new WeakMap<Float64Array, FeatureMatrix>();

/**
 * Float64 column-major design → float32 (the `check_array(X, dtype=np.float32)` of the forest's fit),
 * in a SharedArrayBuffer: worker threads read it where it is, without a copy each. Made once per X
 * (read-only, as every caller treats it): the analysis and the insights of a design read the same
 * one, and its row-major copy (100,000 × 80: 64 MB for both, not twice that).
 */
export function toFeatureMatrix(X: Float64Array, n: number, k: number): FeatureMatrix {
  if (X.length !== n * k) throw new RangeError(`toFeatureMatrix: ${X.length} values for ${n} × ${k}`);
  const known = featureMatrices.get(X);
  if (known && known.n === n && known.k === k) return known;
  const data = new Float32Array(new SharedArrayBuffer(X.length * 4));
  data.set(X);
  for (let p = 0; p < data.length; p++) {
    if (!Number.isFinite(data[p])) {
      // scikit-learn refuses these too ("Input contains NaN, infinity or a value too large for float32").
      throw new InputError(
        `design column ${Math.floor(p / n) + 1}, run ${(p % n) + 1}: ${X[p]} is not a finite float32 ` +
          'value, which the extra trees need; rescale the hyperparameter (e.g. log10) or drop that run',
      );
    }
  }
  const matrix = { n, k, data };
  featureMatrices.set(X, matrix);
  return matrix;
}

export class ExtraTreesForest {
  /** The trees kept whole: the first `keepTrees` of the fit (all by default). */
  readonly trees: Tree[];
  readonly k: number;
  /** Trees grown. */
  readonly size: number;
  /** Per tree grown: its normalised MDI, null for a single-leaf tree. */
  private readonly treeImportances: readonly (Float64Array | null)[];
  /** The first trees packed for prediction, when they were kept that way instead of whole. */
  private readonly packedTrees: readonly PackedTree[];

  /**
   * A forest of `trees`; or of `treeImportances.length` trees of which `trees` (or `packed`, kept
   * for prediction only) are the first.
   */
  constructor(
    trees: Tree[],
    k: number,
    treeImportances?: readonly (Float64Array | null)[],
    packed: readonly PackedTree[] = [],
  ) {
    this.trees = trees;
    this.k = k;
    this.treeImportances =
      treeImportances ?? trees.map((t) => (t.nodeCount > 1 ? t.featureImportances(k) : null));
    this.size = this.treeImportances.length;
    this.packedTrees = packed;
  }

  /** The first `count` trees packed for prediction (fewer when fewer were kept). */
  predictors(count: number): PackedTree[] {
    if (this.trees.length > 0) return this.trees.slice(0, count).map((t) => t.packed());
    return this.packedTrees.slice(0, count);
  }

  /**
   * sklearn's `feature_importances_`: each tree's normalised MDI, averaged over the trees with more
   * than one node, normalised again; all zeros when every tree is a single leaf.
   */
  featureImportances(): Float64Array {
    const k = this.k;
    const mean = new Float64Array(k);
    let used = 0;
    for (const imp of this.treeImportances) {
      if (imp === null) continue;
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
   * the trees' outputs are summed in tree order and divided by the number of trees. Needs every tree.
   */
  predict(X: FeatureMatrix, rows?: Int32Array): Float64Array {
    if (X.k !== this.k) throw new RangeError(`predict: ${X.k} features, the forest was fitted on ${this.k}`);
    const trees = this.predictors(this.size);
    if (trees.length !== this.size)
      throw new RangeError(`predict: ${trees.length} of the ${this.size} trees were kept`);
    const m = rows ? rows.length : X.n;
    if (rows) {
      for (let r = 0; r < m; r++) {
        if (!(rows[r] >= 0 && rows[r] < X.n))
          throw new RangeError(`predict: row ${rows[r]} outside [0, ${X.n})`);
      }
    }
    const block = rowBlock(X.data, X.n, X.k, rows ?? null);
    const out = new Float64Array(m);
    for (const tree of trees) predictInto(tree, block, X.k, out);
    const t = trees.length;
    for (let i = 0; i < m; i++) out[i] /= t;
    return out;
  }
}

/** Adds one tree's predictions for the rows of a row-major block (k values per row) to `out`. */
function predictInto(packed: PackedTree, block: Float32Array, k: number, out: Float64Array): void {
  const noMask = new Uint8Array(k);
  for (let r = 0; r < out.length; r++) out[r] += leafValue(packed, block, r * k, r * k, noMask);
}

/** One tree's predictions for `rows` of X (all by default). */
export function predictTree(tree: Tree, X: FeatureMatrix, rows?: Int32Array): Float64Array {
  const out = new Float64Array(rows ? rows.length : X.n);
  predictInto(tree.packed(), rowBlock(X.data, X.n, X.k, rows ?? null), X.k, out);
  return out;
}

/** One forest of a fit: its trees, seed and rows, and the held-out rows it predicts. */
export interface FitRequest {
  readonly trees: number;
  readonly seed: number;
  /** Rows of X, y it is fitted on, in that order (all by default). */
  readonly rows?: Int32Array;
  /** Rows of X it predicts once fitted (sklearn's `forest.predict(X[test])`). */
  readonly test?: Int32Array;
  /** Trees kept (default all); see ForestOptions.keepTrees. */
  readonly keepTrees?: number;
  /** Keep them packed for prediction only (`predictors`), not whole (`trees` stays empty). */
  readonly packedOnly?: boolean;
}

export interface FitResult {
  readonly forest: ExtraTreesForest;
  /** The forest's predictions for the request's test rows (null without). */
  readonly predictions: Float64Array | null;
}

function checkRequest(req: FitRequest, X: FeatureMatrix): void {
  if (!Number.isInteger(req.trees) || req.trees < 1)
    throw new RangeError(`trees must be ≥ 1, got ${req.trees}`);
  if (!Number.isInteger(req.seed) || req.seed < 0 || req.seed > 0xffffffff) {
    throw new RangeError(`seed must be an integer in [0, 2^32), got ${req.seed}`);
  }
  for (const rows of [req.rows, req.test]) {
    if (!rows) continue;
    for (let r = 0; r < rows.length; r++) {
      const i = rows[r];
      if (!(i >= 0 && i < X.n)) throw new RangeError(`fit: row ${i} outside [0, ${X.n})`);
    }
  }
  if ((req.rows ? req.rows.length : X.n) < 1) throw new RangeError('fit: no rows');
}

function jobOf(req: FitRequest): GrowJob {
  return {
    rows: req.rows ?? null,
    test: req.test ?? null,
    keep: Math.max(0, Math.min(req.keepTrees ?? req.trees, req.trees)),
    packedOnly: req.packedOnly ?? false,
  };
}

/** Collects one request's tree outcomes, arriving in any order, into its forest and predictions. */
class Assembly {
  private readonly kept: Tree[] = [];
  private readonly keptPacked: PackedTree[] = [];
  private readonly importances: (Float64Array | null)[];
  private readonly sum: Float64Array | null;
  private readonly waiting = new Map<number, Float64Array>();
  private nextPrediction = 0;
  received = 0;

  constructor(
    readonly req: FitRequest,
    readonly seeds: Int32Array,
    readonly job: GrowJob,
  ) {
    this.importances = new Array<Float64Array | null>(req.trees).fill(null);
    this.sum = req.test ? new Float64Array(req.test.length) : null;
  }

  add(o: TreeOutcome): void {
    this.importances[o.index] = o.importances;
    if (o.tree) this.kept[o.index] = o.tree;
    if (o.packed) this.keptPacked[o.index] = o.packed;
    if (this.sum && o.predictions) {
      // sklearn sums the trees' predictions in tree order: the same bits whatever order they arrive in
      this.waiting.set(o.index, o.predictions);
      let p: Float64Array | undefined;
      while ((p = this.waiting.get(this.nextPrediction)) !== undefined) {
        const sum = this.sum;
        for (let r = 0; r < sum.length; r++) sum[r] += p[r];
        this.waiting.delete(this.nextPrediction++);
      }
    }
    this.received++;
  }

  result(k: number): FitResult {
    const sum = this.sum;
    if (sum) for (let r = 0; r < sum.length; r++) sum[r] /= this.req.trees;
    return {
      forest: new ExtraTreesForest(this.kept, k, this.importances, this.keptPacked),
      predictions: sum,
    };
  }
}

/** Row-major copies of feature matrices (shared), made once per matrix: every fit on it reads the same. */
const rowMajorCopies = new WeakMap<Float32Array, Float32Array>();

function rowsOf(X: FeatureMatrix): Float32Array {
  let rows = rowMajorCopies.get(X.data);
  if (!rows) {
    rows = rowMajor(X.data, X.n, X.k, true);
    rowMajorCopies.set(X.data, rows);
  }
  return rows;
}

/**
 * Fits the requested forests on the calling thread, one after the other; `onStart(i)` as request i
 * starts. Each tree depends only on its seed and its forest's rows.
 */
export function fitForests(
  X: FeatureMatrix,
  y: Float64Array,
  requests: readonly FitRequest[],
  onStart?: (request: number) => void,
): FitResult[] {
  if (y.length !== X.n) throw new RangeError(`fit: ${y.length} targets for ${X.n} rows`);
  for (const req of requests) checkRequest(req, X);
  return requests.map((req, i) => {
    onStart?.(i);
    const a = new Assembly(req, treeSeeds(req.seed, req.trees), jobOf(req));
    const grower = new JobGrower({ data: X.data, rows: rowsOf(X), y, n: X.n, k: X.k }, a.job);
    for (let t = 0; t < req.trees; t++) a.add(grower.grow(t, a.seeds[t]));
    return a.result(X.k);
  });
}

/** Fits the forest on `rows` of X, y (in that order; all rows by default) on the calling thread. */
export function fitExtraTrees(
  X: FeatureMatrix,
  y: Float64Array,
  opts: ForestOptions,
  rows?: Int32Array,
): ExtraTreesForest {
  return fitForests(X, y, [{ trees: opts.trees, seed: opts.seed, rows, keepTrees: opts.keepTrees }])[0]
    .forest;
}

/**
 * The worker script: dist/forest-worker.js next to the bundle, or worker.js next to this module when
 * compiled by tsc (the benchmark). null under the TypeScript sources (tests): then one thread.
 */
export function forestWorkerFile(): URL | null {
  for (const name of ['./forest-worker.js', './worker.js']) {
    const url = new URL(name, import.meta.url);
    if (url.protocol === 'file:' && existsSync(fileURLToPath(url))) return url;
  }
  return null;
}

/** Worker threads to use: opts.threads (unset, 0 or less: one per core), at most one per tree. */
export function threadCount(opts: Pick<ForestOptions, 'trees' | 'threads'> & Partial<ForestOptions>): number {
  const asked = opts.threads ?? 0;
  const t = asked <= 0 ? availableParallelism() : Math.floor(asked);
  return Math.max(1, Math.min(t, opts.trees));
}

/**
 * As fitForests, the trees of all the requests spread over `threads` worker threads (default: one
 * per core; one is a worker too) when the worker script is available, else grown on the calling
 * thread. The workers read the features from their SharedArrayBuffer (toFeatureMatrix's), take the
 * next few trees whenever they are done, and send back what each tree contributes; every tree depends only on its seed and
 * its forest's rows, so the result is identical bit for bit for any number of threads.
 */
export async function fitForestsAsync(
  X: FeatureMatrix,
  y: Float64Array,
  requests: readonly FitRequest[],
  threads?: number,
  onStart?: (request: number) => void,
): Promise<FitResult[]> {
  const total = requests.reduce((s, r) => s + r.trees, 0);
  const count = threadCount({ trees: total, threads });
  // Even one thread grows in a worker: the calling thread may have detached an ArrayBuffer (any
  // transfer, by this code or a library), which slows its typed-array code for good (see worker.ts).
  const file = forestWorkerFile();
  if (!file) return fitForests(X, y, requests, onStart);
  if (y.length !== X.n) throw new RangeError(`fit: ${y.length} targets for ${X.n} rows`);
  for (const req of requests) checkRequest(req, X);
  const assemblies = requests.map((req) => new Assembly(req, treeSeeds(req.seed, req.trees), jobOf(req)));
  // The tasks: a few trees of one request each, request by request (a worker seldom changes forest).
  const tasks: { job: number; first: number; count: number }[] = [];
  const chunk = Math.max(1, Math.min(8, Math.floor(total / (count * 8))));
  assemblies.forEach((a, job) => {
    for (let t = 0; t < a.req.trees; t += chunk)
      tasks.push({ job, first: t, count: Math.min(chunk, a.req.trees - t) });
  });
  const shared = <T extends Float32Array | Float64Array>(a: T, make: (b: SharedArrayBuffer) => T): T => {
    if (a.buffer instanceof SharedArrayBuffer) return a;
    const b = make(new SharedArrayBuffer(a.byteLength));
    b.set(a);
    return b;
  };
  const session: WorkerInput = {
    kind: 'grow',
    data: shared(X.data, (b) => new Float32Array(b)),
    rows: rowsOf(X),
    y: shared(y, (b) => new Float64Array(b)),
    n: X.n,
    k: X.k,
    jobs: assemblies.map((a) => a.job),
  };
  let next = 0;
  const started = new Set<number>();
  await withWorkers(file, count, (worker, done) => {
    const dispatch = (): void => {
      if (next >= tasks.length) {
        worker.postMessage({ kind: 'end' } satisfies WorkerRequest);
        done();
        return;
      }
      const task = tasks[next++];
      if (!started.has(task.job)) {
        started.add(task.job);
        onStart?.(task.job);
      }
      const seeds = assemblies[task.job].seeds.slice(task.first, task.first + task.count);
      worker.postMessage({ kind: 'task', job: task.job, first: task.first, seeds } satisfies WorkerRequest);
    };
    worker.postMessage(session satisfies WorkerRequest);
    dispatch();
    return (msg: WorkerMessage) => {
      if (msg.kind === 'idle') dispatch();
      else if (msg.kind === 'tree') assemblies[msg.job].add(outcomeOf(msg));
    };
  });
  for (const a of assemblies) {
    if (a.received !== a.req.trees)
      throw new Error(`forest workers returned ${a.received} of ${a.req.trees} trees`);
  }
  return assemblies.map((a) => a.result(X.k));
}

/**
 * The worker threads, kept for the life of the process once started (with their JIT-compiled tree
 * builder): between fits they hold no data and do not keep the process alive (unref).
 */
let pool: Worker[] = [];
/** Sessions run on the pool one at a time. */
let poolQueue: Promise<void> = Promise.resolve();

/**
 * Runs one session on `count` pooled workers of the worker script: `start(worker, done)` posts the
 * worker its first requests and returns the handler of its messages, which calls `done` when that
 * worker has finished. Resolves when all have; rejects if one fails (the pool is then discarded).
 */
export function withWorkers(
  file: URL,
  count: number,
  start: (worker: Worker, done: () => void) => (msg: WorkerMessage) => void,
): Promise<void> {
  const run = async (): Promise<void> => {
    while (pool.length < count) pool.push(new Worker(file));
    const workers = pool.slice(0, count);
    const cleanups: (() => void)[] = [];
    try {
      await Promise.all(
        workers.map(
          (worker) =>
            new Promise<void>((resolve, reject) => {
              worker.ref();
              const onError = (err: Error): void => reject(err);
              const onExit = (code: number): void =>
                reject(new Error(`forest worker exited with code ${code}`));
              worker.on('error', onError);
              worker.on('exit', onExit);
              const onMessage = start(worker, resolve);
              worker.on('message', onMessage);
              cleanups.push(() => {
                worker.off('error', onError);
                worker.off('exit', onExit);
                worker.off('message', onMessage);
                worker.unref();
              });
            }),
        ),
      );
    } catch (err) {
      const old = pool;
      pool = [];
      await Promise.all(old.map((w) => w.terminate()));
      throw err;
    } finally {
      for (const c of cleanups) c();
    }
  };
  const session = poolQueue.then(run);
  poolQueue = session.catch(() => {});
  return session;
}

function outcomeOf(msg: WorkerOutcome): TreeOutcome {
  return {
    index: msg.index,
    nodeCount: msg.nodeCount,
    importances: msg.importances,
    predictions: msg.predictions,
    tree: msg.tree ? Tree.fromArrays(msg.tree) : null,
    packed: msg.packed,
  };
}

/**
 * As fitExtraTrees; with more than one thread (opts.threads, default one per core) the trees are
 * grown on worker threads (see fitForestsAsync). The same forest, bit for bit.
 */
export async function fitExtraTreesAsync(
  X: FeatureMatrix,
  y: Float64Array,
  opts: ForestOptions,
  rows?: Int32Array,
): Promise<ExtraTreesForest> {
  const req: FitRequest = { trees: opts.trees, seed: opts.seed, rows, keepTrees: opts.keepTrees };
  return (await fitForestsAsync(X, y, [req], opts.threads))[0].forest;
}
