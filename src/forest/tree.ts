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
 * A tree packed for prediction: per node [feature, left, right] in one Int32Array, so a step reads
 * one cache line instead of three arrays.
 */
export interface PackedTree {
  readonly nodes: Int32Array;
  readonly threshold: Float64Array;
  readonly value: Float64Array;
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
  const { nodes, threshold } = tree;
  let node = 0;
  let left = nodes[1];
  while (left !== TREE_LEAF) {
    const f = nodes[3 * node];
    const v = data[(mask[f] === 1 ? other : own) + f];
    node = v <= threshold[node] ? left : nodes[3 * node + 2];
    left = nodes[3 * node + 1];
  }
  return tree.value[node];
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

  /** Shrinks the arrays to the node count once the tree is built. */
  trim(): void {
    if (this.feature.length !== this.nodeCount) this.resize(this.nodeCount);
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
    if (this.pack === null || this.pack.value.length !== this.nodeCount) {
      const c = this.nodeCount;
      const nodes = new Int32Array(3 * c);
      for (let i = 0; i < c; i++) {
        nodes[3 * i] = this.feature[i];
        nodes[3 * i + 1] = this.left[i];
        nodes[3 * i + 2] = this.right[i];
      }
      this.pack = { nodes, threshold: this.threshold.subarray(0, c), value: this.value.subarray(0, c) };
    }
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
