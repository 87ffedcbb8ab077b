/**
 * scikit-learn's `DepthFirstTreeBuilder.build` (`sklearn/tree/_tree.pyx`; algorithms.md §1.5) with
 * the ExtraTreeRegressor defaults: no depth limit, min_samples_split = 2, min_samples_leaf = 1,
 * no impurity-decrease threshold. Nodes come off a LIFO stack (right child pushed first), so node
 * ids are in pre-order with the left subtree first, like sklearn's.
 */
import { RandomSplitter, type GrowData } from './splitter.js';
import { splitterState } from './random.js';
import { leafValue, packTree, rowBlock, Tree, TREE_UNDEFINED, type PackedTree } from './tree.js';

/** np.finfo(np.float64).eps: a node is a leaf when its impurity is ≤ this (absolute). */
const EPSILON = 2.220446049250313e-16;
const MIN_SAMPLES_SPLIT = 2;

/** Grows trees on one data set, reusing its buffers from tree to tree (one builder per thread). */
export class DepthFirstBuilder {
  /** Samples a tree is fitted on. */
  private readonly n: number;
  private readonly scratch: Tree;
  private readonly splitter: RandomSplitter;
  // The stack of pending nodes, as parallel arrays. Each pop pushes at most two, so the stack never
  // holds more than depth + 2 ≤ n + 1 entries.
  private readonly sStart: Int32Array;
  private readonly sEnd: Int32Array;
  private readonly sParent: Int32Array;
  private readonly sIsLeft: Uint8Array;
  private readonly sImpurity: Float64Array;
  private readonly sNConst: Int32Array;
  private readonly sSum: Float64Array;
  private readonly sSqSum: Float64Array;

  /** Trees on `set`, fitted on its rows `fitRows` (all by default). */
  constructor(set: GrowData, fitRows: Int32Array | null = null) {
    this.n = fitRows ? fitRows.length : set.n;
    this.scratch = new Tree(2 * this.n - 1);
    this.splitter = new RandomSplitter(set, fitRows);
    const cap = this.n + 2;
    this.sStart = new Int32Array(cap);
    this.sEnd = new Int32Array(cap);
    this.sParent = new Int32Array(cap);
    this.sIsLeft = new Uint8Array(cap);
    this.sImpurity = new Float64Array(cap);
    this.sNConst = new Int32Array(cap);
    this.sSum = new Float64Array(cap);
    this.sSqSum = new Float64Array(cap);
  }

  /**
   * The tree of `ExtraTreeRegressor(random_state=treeSeed)`, as a forest seeds its trees: grown in the
   * builder's scratch tree, valid until the next build (`copy()` it to keep it).
   */
  build(treeSeed: number): Tree {
    const { n, splitter, sStart, sEnd, sParent, sIsLeft, sImpurity, sNConst, sSum, sSqSum } = this;
    splitter.reset(splitterState(treeSeed));
    const criterion = splitter.criterion;
    // A binary tree on n samples has at most 2n − 1 nodes: room for all of them up front (growing by
    // doubling copied every node several times), allocated once for all the trees.
    const tree = this.scratch;
    tree.clear();

    // The stack is written inline (no push closure): a closure over `top` would keep it in a
    // heap-allocated context instead of a register.
    let top = 0;

    sStart[top] = 0;
    sEnd[top] = n;
    sParent[top] = -1;
    sIsLeft[top] = 0;
    sImpurity[top] = Infinity;
    sNConst[top] = 0;
    sSum[top] = 0;
    sSqSum[top] = 0;
    top++;
    let first = true;
    while (top > 0) {
      top--;
      const start = sStart[top];
      const end = sEnd[top];
      const parent = sParent[top];
      const isLeft = sIsLeft[top];
      let impurity = sImpurity[top];
      const nConst = sNConst[top];
      const nNode = end - start;

      // Only the root sums its targets; a child's sums come from its parent's split.
      if (first) criterion.init(start, end);
      else criterion.initWithSums(start, end, sSum[top], sSqSum[top]);
      let isLeaf = nNode < MIN_SAMPLES_SPLIT;
      if (first) {
        // Only the root computes its own impurity; children inherit the split's imp_L / imp_R.
        impurity = criterion.nodeImpurity();
        first = false;
      }
      isLeaf = isLeaf || impurity <= EPSILON;

      if (!isLeaf) {
        splitter.nodeSplit(start, end, impurity, nConst);
        isLeaf = splitter.bestPos >= end || splitter.bestImprovement + EPSILON < 0;
      }

      const id = isLeaf
        ? tree.addNode(TREE_UNDEFINED, TREE_UNDEFINED, impurity, nNode, criterion.nodeValue())
        : tree.addNode(splitter.bestFeature, splitter.bestThreshold, impurity, nNode, criterion.nodeValue());
      if (parent >= 0) {
        if (isLeft) tree.left[parent] = id;
        else tree.right[parent] = id;
      }
      if (!isLeaf) {
        const pos = splitter.bestPos;
        const nc = splitter.nConstantOut;
        sStart[top] = pos;
        sEnd[top] = end;
        sParent[top] = id;
        sIsLeft[top] = 0;
        sImpurity[top] = splitter.bestImpurityRight;
        sNConst[top] = nc;
        sSum[top] = splitter.sumRightChild;
        sSqSum[top] = splitter.sqSumRightChild;
        top++;
        sStart[top] = start;
        sEnd[top] = pos;
        sParent[top] = id;
        sIsLeft[top] = 1;
        sImpurity[top] = splitter.bestImpurityLeft;
        sNConst[top] = nc;
        sSum[top] = splitter.sumLeftChild;
        sSqSum[top] = splitter.sqSumLeftChild;
        top++;
      }
    }
    return tree;
  }
}

/** One forest to grow: on `rows` of X, y (all by default), predicting `test` rows, keeping `keep` trees. */
export interface GrowJob {
  readonly rows: Int32Array | null;
  readonly test: Int32Array | null;
  /** Trees 0 … keep − 1 are kept; of the others only importances and predictions. */
  readonly keep: number;
  /** Keep them packed for prediction only (PackedTree: a third of a Tree's memory), not whole. */
  readonly packedOnly: boolean;
}

/** What one grown tree contributes to its forest. */
export interface TreeOutcome {
  readonly index: number;
  readonly nodeCount: number;
  /** The tree's normalised MDI; null for a single-leaf tree (sklearn leaves those out of the mean). */
  readonly importances: Float64Array | null;
  /** The tree's predictions for the job's test rows; null without test rows. */
  readonly predictions: Float64Array | null;
  /** The tree itself when index < keep (and not packedOnly). */
  readonly tree: Tree | null;
  /** The tree packed when index < keep and packedOnly. */
  readonly packed: PackedTree | null;
}

/**
 * Grows the trees of one job on one thread, on the shared features (`data`, column-major, and `rows`,
 * its row-major copy) and targets: no copy of the job's rows; its test block selected once.
 */
export class JobGrower {
  private readonly builder: DepthFirstBuilder;
  private readonly k: number;
  private readonly keep: number;
  private readonly packedOnly: boolean;
  private readonly block: Float32Array | null;
  private readonly m: number;
  private readonly noMask: Uint8Array;
  private readonly shared: boolean;

  /** `shared`: the trees it keeps are in SharedArrayBuffers (a worker thread's, posted without a copy). */
  constructor(set: GrowData, job: GrowJob, shared = false) {
    this.builder = new DepthFirstBuilder(set, job.rows);
    this.shared = shared;
    this.k = set.k;
    this.keep = job.keep;
    this.packedOnly = job.packedOnly;
    this.block = job.test ? rowBlock(set.data, set.n, set.k, job.test) : null;
    this.m = job.test ? job.test.length : 0;
    this.noMask = new Uint8Array(set.k);
  }

  grow(index: number, seed: number): TreeOutcome {
    const tree = this.builder.build(seed);
    const { k, block, m } = this;
    let predictions: Float64Array | null = null;
    if (block) {
      const packed = packTree(tree);
      predictions = new Float64Array(m);
      for (let r = 0; r < m; r++) predictions[r] = leafValue(packed, block, r * k, r * k, this.noMask);
    }
    return {
      index,
      nodeCount: tree.nodeCount,
      importances: tree.nodeCount > 1 ? tree.featureImportances(k) : null,
      predictions,
      tree: index < this.keep && !this.packedOnly ? tree.copy(this.shared) : null,
      // shared: the permutations' worker threads read these trees without a copy each
      packed: index < this.keep && this.packedOnly ? packTree(tree, true) : null,
    };
  }
}
