/**
 * A fitted regression tree as scikit-learn stores it (`sklearn/tree/_tree.pyx::Tree`): parallel node
 * arrays, node ids in pre-order (left child first). Leaves have `left = right = TREE_LEAF`,
 * `feature = TREE_UNDEFINED`, `threshold = TREE_UNDEFINED`. A sample goes left when its float32
 * feature value is ≤ the float64 threshold.
 */
/** sklearn's `_TREE_LEAF`: the children of a leaf. */
export const TREE_LEAF = -1;
/** sklearn's `_TREE_UNDEFINED`: a leaf's feature and threshold. */
export const TREE_UNDEFINED = -2;

/**
 * A tree packed for prediction, 16 bytes a node: nodes[2i] = the feature (TREE_UNDEFINED for a
 * leaf), nodes[2i + 1] = the right child; the left child is always i + 1 (node ids are in pre-order,
 * left subtree first); payload[i] = the threshold of a split, the value of a leaf.
 */
export interface PackedTree {
  readonly nodes: Int32Array;
  readonly payload: Float64Array;
}

/**
 * Packs a tree grown by the builder (see PackedTree); `shared`: in SharedArrayBuffers, so that
 * worker threads read it where it is.
 */
export function packTree(tree: Tree, shared = false): PackedTree {
  const c = tree.nodeCount;
  const nodes = shared ? new Int32Array(new SharedArrayBuffer(8 * c)) : new Int32Array(2 * c);
  const payload = shared ? new Float64Array(new SharedArrayBuffer(8 * c)) : new Float64Array(c);
  const { feature, left, right, threshold, value } = tree;
  for (let i = 0; i < c; i++) {
    if (left[i] === TREE_LEAF) {
      nodes[2 * i] = TREE_UNDEFINED;
      nodes[2 * i + 1] = TREE_LEAF;
      payload[i] = value[i];
    } else {
      if (left[i] !== i + 1)
        throw new RangeError(`packTree: node ${i}'s left child is ${left[i]}, not ${i + 1}`);
      nodes[2 * i] = feature[i];
      nodes[2 * i + 1] = right[i];
      payload[i] = threshold[i];
    }
  }
  return { nodes, payload };
}

/**
 * The tree walker: the value of the leaf that a row of a row-major block (k values per row) reaches.
 * The row's features are read at data[own + f], except those flagged in `mask`, read at
 * data[other + f] (another row's: a permutation). Plain prediction: other = own.
 */
export function leafValue(
  tree: PackedTree,
  data: Float32Array,
  own: number,
  other: number,
  mask: Uint8Array,
): number {
  const { nodes, payload } = tree;
  let node = 0;
  let f = nodes[0];
  while (f >= 0) {
    const v = data[(mask[f] === 1 ? other : own) + f];
    node = v <= payload[node] ? node + 1 : nodes[2 * node + 1];
    f = nodes[2 * node];
  }
  return payload[node];
}

/**
 * Mean prediction of the trees for the m rows of a row-major block. With `perm`, the columns flagged
 * in `mask` are read from row perm[r]; a row whose source has the same values in those columns
 * predicts as it did, so it is copied from `baseline` instead of walked again.
 */
export function predictRows(
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

/** One fold of a permutation importance: its held-out rows (row-major), trees, baseline and permutations. */
export interface PermutedFold {
  readonly m: number;
  readonly rowsData: Float32Array;
  readonly trees: readonly PackedTree[];
  readonly baseline: Float64Array;
  readonly perms: readonly Int32Array[];
}

/**
 * Each fold's mean predictions (predictRows) with `columns` permuted together by each of its
 * permutations, one after the other (fold-major, m values each) in one array.
 */
export function permutedPredictions(
  folds: readonly PermutedFold[],
  k: number,
  columns: readonly number[],
): Float64Array {
  let total = 0;
  let maxM = 0;
  for (const f of folds) {
    total += f.m * f.perms.length;
    maxM = Math.max(maxM, f.m);
  }
  const all = new Float64Array(total);
  const mask = new Uint8Array(k);
  for (const c of columns) mask[c] = 1;
  const walk = new Uint8Array(maxM);
  let at = 0;
  for (const f of folds) {
    for (const perm of f.perms) {
      const out = all.subarray(at, at + f.m);
      predictRows(f.trees, f.rowsData, k, f.m, perm, mask, columns, f.baseline, out, walk);
      at += f.m;
    }
  }
  return all;
}

/** Rows of a column-major float32 matrix (n rows, k columns) as a row-major block. */
export function rowBlock(data: Float32Array, n: number, k: number, rows: Int32Array | null): Float32Array {
  const m = rows ? rows.length : n;
  const block = new Float32Array(m * k);
  for (let j = 0; j < k; j++) {
    const col = j * n;
    if (rows) for (let r = 0; r < m; r++) block[r * k + j] = data[col + rows[r]];
    else for (let r = 0; r < m; r++) block[r * k + j] = data[col + r];
  }
  return block;
}

export class Tree {
  nodeCount = 0;
  feature: Int32Array;
  threshold: Float64Array;
  left: Int32Array;
  right: Int32Array;
  /** Mean target of the node's samples. */
  value: Float64Array;
  /** Node impurity as sklearn computes it (S2/W − (S1/W)², children: from the parent's split). */
  impurity: Float64Array;
  /** Samples in the node (= weighted_n_node_samples: every sample has weight 1). */
  nNodeSamples: Int32Array;
  private pack: PackedTree | null = null;

  constructor(capacity = 64) {
    this.feature = new Int32Array(capacity);
    this.threshold = new Float64Array(capacity);
    this.left = new Int32Array(capacity);
    this.right = new Int32Array(capacity);
    this.value = new Float64Array(capacity);
    this.impurity = new Float64Array(capacity);
    this.nNodeSamples = new Int32Array(capacity);
  }

  /** A tree from node arrays of length nodeCount (e.g. grown on a worker thread). */
  static fromArrays(a: {
    nodeCount: number;
    feature: Int32Array;
    threshold: Float64Array;
    left: Int32Array;
    right: Int32Array;
    value: Float64Array;
    impurity: Float64Array;
    nNodeSamples: Int32Array;
  }): Tree {
    const t = new Tree(0);
    t.nodeCount = a.nodeCount;
    t.feature = a.feature;
    t.threshold = a.threshold;
    t.left = a.left;
    t.right = a.right;
    t.value = a.value;
    t.impurity = a.impurity;
    t.nNodeSamples = a.nNodeSamples;
    return t;
  }

  /** Appends a node (children unset) and returns its id; the arrays double when full. */
  addNode(feature: number, threshold: number, impurity: number, nSamples: number, value: number): number {
    const id = this.nodeCount;
    if (id === this.feature.length) this.resize(Math.max(16, id * 2));
    this.feature[id] = feature;
    this.threshold[id] = threshold;
    this.left[id] = TREE_LEAF;
    this.right[id] = TREE_LEAF;
    this.impurity[id] = impurity;
    this.nNodeSamples[id] = nSamples;
    this.value[id] = value;
    this.nodeCount = id + 1;
    return id;
  }

  /** Empties the tree, keeping its arrays (a builder's scratch tree, reused tree after tree). */
  clear(): void {
    this.nodeCount = 0;
    this.pack = null;
  }

  /**
   * A copy with arrays of exactly nodeCount entries; `shared`: in SharedArrayBuffers, so that a worker
   * thread posts it without a copy (and without transferring, see worker.ts).
   */
  copy(shared = false): Tree {
    const c = this.nodeCount;
    const ints = (a: Int32Array): Int32Array => {
      const b = shared ? new Int32Array(new SharedArrayBuffer(4 * c)) : new Int32Array(c);
      b.set(a.subarray(0, c));
      return b;
    };
    const floats = (a: Float64Array): Float64Array => {
      const b = shared ? new Float64Array(new SharedArrayBuffer(8 * c)) : new Float64Array(c);
      b.set(a.subarray(0, c));
      return b;
    };
    return Tree.fromArrays({
      nodeCount: c,
      feature: ints(this.feature),
      threshold: floats(this.threshold),
      left: ints(this.left),
      right: ints(this.right),
      value: floats(this.value),
      impurity: floats(this.impurity),
      nNodeSamples: ints(this.nNodeSamples),
    });
  }

  private resize(capacity: number): void {
    const grow = <T extends Int32Array | Float64Array>(a: T, make: (c: number) => T): T => {
      const b = make(capacity);
      b.set(a.subarray(0, Math.min(a.length, capacity)));
      return b;
    };
    this.feature = grow(this.feature, (c) => new Int32Array(c));
    this.threshold = grow(this.threshold, (c) => new Float64Array(c));
    this.left = grow(this.left, (c) => new Int32Array(c));
    this.right = grow(this.right, (c) => new Int32Array(c));
    this.value = grow(this.value, (c) => new Float64Array(c));
    this.impurity = grow(this.impurity, (c) => new Float64Array(c));
    this.nNodeSamples = grow(this.nNodeSamples, (c) => new Int32Array(c));
  }

  /** The tree packed for `leafValue` (built once). */
  packed(): PackedTree {
    if (this.pack === null || this.pack.payload.length !== this.nodeCount) this.pack = packTree(this);
    return this.pack;
  }

  /**
   * MDI of this tree, `compute_feature_importances(normalize=True)`: Σ over internal nodes of
   * W·i − W_L·i_L − W_R·i_R per feature, divided by the root's W, then by the sum if positive.
   */
  featureImportances(k: number): Float64Array {
    const imp = new Float64Array(k);
    const { left, right, feature, impurity, nNodeSamples: w } = this;
    for (let node = 0; node < this.nodeCount; node++) {
      const l = left[node];
      if (l === TREE_LEAF) continue;
      const r = right[node];
      imp[feature[node]] += w[node] * impurity[node] - w[l] * impurity[l] - w[r] * impurity[r];
    }
    if (this.nodeCount > 0) {
      const root = w[0];
      for (let f = 0; f < k; f++) imp[f] /= root;
    }
    let s = 0;
    for (let f = 0; f < k; f++) s += imp[f];
    if (s > 0) for (let f = 0; f < k; f++) imp[f] /= s;
    return imp;
  }
}
