/**
 * Out-of-fold permutation importance: on each fold's forest, the held-out runs are predicted with a
 * hyperparameter's columns permuted together (a categorical's dummies move as one, so every permuted
 * run still has exactly one level), and the importance is the drop in held-out R². Seeded repeats
 * per fold give folds × repeats values; their t interval says whether the drop is above 0.
 *
 * Cost: predictions only, on the first `trees` (25) trees of each fold forest (a forest of its own:
 * the first t trees of a seeded forest are the seeded forest of t trees) and on at most 250 held-out
 * runs per fold. On the examples the mean drops of 25, 50 and 250 trees agree within the intervals
 * (random-control: −0.116 with 50 and with 250 trees in scikit-learn), at a tenth of the cost, which
 * keeps the insights within about 5× one forest fit.
 */
import type { FeatureMatrix } from '../forest/forest.js';
import { leafValue, rowBlock, type PackedTree } from '../forest/tree.js';
import { MT19937 } from '../forest/random.js';
import { tPpf } from '../stats/distributions.js';
import { r2Score } from './cv-r2.js';
import type { FoldFit } from './cv-r2.js';
import type { PermutationImportance } from './types.js';

export const PERMUTATION_REPEATS = 5;
export const PERMUTATION_TREES = 25;
/** Held-out runs per fold that are permuted: a seeded subset of larger folds (the interval says how sure). */
export const PERMUTATION_ROWS = 250;

export interface PermutationOptions {
  readonly repeats: number;
  /** Trees of each fold forest used for the permuted predictions (the first ones). */
  readonly trees: number;
  readonly seed: number;
  /** At most this many held-out runs per fold (default PERMUTATION_ROWS). */
  readonly rows?: number;
}

/** What permuting one group of columns did, per fold × repeat (fold-major) and per run. */
export interface GroupSample {
  /** Drop in held-out R² (baseline − permuted). */
  readonly drops: Float64Array;
  /** Mean squared change of the held-out predictions, Σ(f(x) − f(x_perm))² / m: the model's reliance. */
  readonly change: Float64Array;
  /** Per design run: mean over repeats of its squared prediction change; NaN for a run in no test fold. */
  readonly perRun: Float64Array;
}

interface FoldData {
  readonly test: Int32Array;
  readonly m: number;
  /** Held-out features, row-major (m × k): a run's values share a cache line. */
  readonly rowsData: Float32Array;
  readonly yTest: Float64Array;
  readonly trees: PackedTree[];
  readonly baseline: Float64Array;
  readonly baseR2: number;
  readonly perms: Int32Array[];
}

export class FoldPermuter {
  readonly n: number;
  readonly k: number;
  readonly repeats: number;
  private readonly folds: FoldData[];
  private readonly out: Float64Array;
  private readonly mask: Uint8Array;
  private readonly walk: Uint8Array;

  constructor(X: FeatureMatrix, y: Float64Array, fits: readonly FoldFit[], opts: PermutationOptions) {
    this.n = X.n;
    this.k = X.k;
    this.repeats = opts.repeats;
    this.mask = new Uint8Array(X.k);
    const rng = new MT19937(opts.seed);
    let maxM = 0;
    const cap = opts.rows ?? PERMUTATION_ROWS;
    this.folds = fits.map((fit) => {
      let test = fit.test;
      if (test.length > cap) {
        const order = Int32Array.from(test);
        rng.shuffle(order);
        test = order.subarray(0, cap).sort();
      }
      const m = test.length;
      maxM = Math.max(maxM, m);
      const k = X.k;
      const rowsData = rowBlock(X.data, X.n, k, test);
      const trees = fit.forest.trees
        .slice(0, Math.max(1, Math.min(opts.trees, fit.forest.trees.length)))
        .map((t) => t.packed());
      const yTest = Float64Array.from(test, (i) => y[i]);
      const baseline = new Float64Array(m);
      predictRows(trees, rowsData, k, m, null, this.mask, [], null, baseline, new Uint8Array(m));
      const perms: Int32Array[] = [];
      for (let r = 0; r < opts.repeats; r++) {
        const p = Int32Array.from({ length: m }, (_, i) => i);
        rng.shuffle(p);
        perms.push(p);
      }
      return { test, m, rowsData, yTest, trees, baseline, baseR2: r2Score(yTest, baseline), perms };
    });
    this.out = new Float64Array(maxM);
    this.walk = new Uint8Array(maxM);
  }

  /** Values per group: folds × repeats. */
  get samples(): number {
    return this.folds.length * this.repeats;
  }

  /** Permutes the given design columns together and measures what the predictions lose. */
  permute(columns: readonly number[]): GroupSample {
    const S = this.samples;
    const drops = new Float64Array(S);
    const change = new Float64Array(S);
    const perRun = new Float64Array(this.n).fill(Number.NaN);
    this.mask.fill(0);
    for (const c of columns) this.mask[c] = 1;
    let s = 0;
    for (const fold of this.folds) {
      const { m, test, baseline } = fold;
      const out = this.out.subarray(0, m);
      for (let i = 0; i < m; i++) perRun[test[i]] = 0;
      for (const perm of fold.perms) {
        predictRows(fold.trees, fold.rowsData, this.k, m, perm, this.mask, columns, baseline, out, this.walk);
        drops[s] = fold.baseR2 - r2Score(fold.yTest, out);
        let sq = 0;
        for (let i = 0; i < m; i++) {
          const d = baseline[i] - out[i];
          sq += d * d;
          perRun[test[i]] += (d * d) / this.repeats;
        }
        change[s] = sq / m;
        s++;
      }
    }
    this.mask.fill(0);
    return { drops, change, perRun };
  }
}

/**
 * Mean prediction of the trees for the m rows of a row-major block. With `perm`, the columns flagged
 * in `mask` are read from row perm[r]; a row whose source has the same values in those columns
 * predicts as it did, so it is copied from `baseline` instead of walked again.
 */
function predictRows(
  trees: readonly PackedTree[],
  data: Float32Array,
  k: number,
  m: number,
  perm: Int32Array | null,
  mask: Uint8Array,
  columns: readonly number[],
  baseline: Float64Array | null,
  out: Float64Array,
  walk: Uint8Array,
): void {
  out.fill(0);
  let walking = 0;
  for (let r = 0; r < m; r++) {
    let differs = perm === null;
    if (perm) {
      const own = r * k;
      const other = perm[r] * k;
      for (const c of columns) {
        if (data[own + c] !== data[other + c]) {
          differs = true;
          break;
        }
      }
    }
    walk[r] = differs ? 1 : 0;
    if (differs) walking++;
  }
  if (walking > 0) {
    for (const tree of trees) {
      for (let r = 0; r < m; r++) {
        if (walk[r] === 0) continue;
        const own = r * k;
        out[r] += leafValue(tree, data, own, perm ? perm[r] * k : own, mask);
      }
    }
  }
  const count = trees.length;
  for (let r = 0; r < m; r++) out[r] = walk[r] === 1 ? out[r] / count : baseline![r];
}

/** Mean, sample sd and the 95% t interval mean ± t(0.975, m−1)·sd/√m of m values. */
export function tInterval(values: Float64Array): { mean: number; sd: number; low: number; high: number } {
  const m = values.length;
  let sum = 0;
  for (const v of values) sum += v;
  const mean = sum / m;
  let ss = 0;
  for (const v of values) ss += (v - mean) * (v - mean);
  const sd = m > 1 ? Math.sqrt(ss / (m - 1)) : Number.NaN;
  const half = m > 1 ? (tPpf(0.975, m - 1) * sd) / Math.sqrt(m) : Number.NaN;
  return { mean, sd, low: mean - half, high: mean + half };
}

/** The 95% interval of the drops; `matters` when it lies above 0 on a model that predicts something. */
export function summarizePermutation(
  parameter: string,
  drops: Float64Array,
  reliable = true,
): PermutationImportance {
  const { mean, sd, low, high } = tInterval(drops);
  return { parameter, mean, sd, low, high, matters: reliable && low > 0 };
}
