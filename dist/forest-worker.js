import { createRequire as __WEBPACK_EXTERNAL_createRequire } from "module";
var __webpack_exports__ = {};

;// CONCATENATED MODULE: external "node:worker_threads"
const external_node_worker_threads_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:worker_threads");
;// CONCATENATED MODULE: ./src/forest/criterion.ts
/**
 * The node part of scikit-learn's `MSE` criterion (`sklearn/tree/_criterion.pyx`) for unit sample
 * weights, single output: `init`, `node_impurity`, `node_value`. Its per-split methods (`reset`,
 * `update`, `proxy_impurity_improvement`, `children_impurity`, `impurity_improvement`) are inlined
 * in the splitter (splitter.ts), same operations in the same order. The formulas are kept in
 * sklearn's form on purpose — `S2/W − (S1/W)²` cancels badly for targets with a large mean, and the
 * forward/backward accumulation in `update` decides the last bits of `sum_left` — because the split
 * choices, and so the trees, depend on those bits.
 */
class MseCriterion {
    /** Target per sample id. */
    y;
    /** The splitter's sample ids; the node is samples[start:end). */
    samples;
    /** Samples in the whole tree (weighted_n_samples). */
    nTotal;
    /** W, S1, S2 of the node. */
    weightNode = 0;
    sumTotal = 0;
    sqSumTotal = 0;
    constructor(y, samples, nTotal) {
        this.y = y;
        this.samples = samples;
        this.nTotal = nTotal;
    }
    /** `init`: the node's sums over samples[start:end), in sample order. */
    init(start, end) {
        const { y, samples } = this;
        let s1 = 0;
        let s2 = 0;
        for (let p = start; p < end; p++) {
            const yi = y[samples[p]];
            s1 += yi;
            s2 += yi * yi;
        }
        this.sumTotal = s1;
        this.sqSumTotal = s2;
        this.weightNode = end - start;
    }
    /** `init` with the node's sums already known (summed in `init`'s order by the parent's split). */
    initWithSums(start, end, sumTotal, sqSumTotal) {
        this.sumTotal = sumTotal;
        this.sqSumTotal = sqSumTotal;
        this.weightNode = end - start;
    }
    /** `node_impurity`: S2/W − (S1/W)². */
    nodeImpurity() {
        const w = this.weightNode;
        const mean = this.sumTotal / w;
        return this.sqSumTotal / w - mean * mean;
    }
    /** `node_value`: S1/W. */
    nodeValue() {
        return this.sumTotal / this.weightNode;
    }
}

;// CONCATENATED MODULE: ./src/forest/random.ts
/**
 * The random number generators scikit-learn's extra trees use, bit for bit (algorithms.md §1.3):
 * numpy's legacy `RandomState` (MT19937 seeded with `init_genrand`, masked-rejection `randint`,
 * Fisher–Yates `shuffle`) for the per-tree seeds and the K-fold permutation, and the 32-bit xorshift
 * `our_rand_r` that the tree splitter draws from.
 */
const N = 624;
const M = 397;
/** Mersenne Twister MT19937 as numpy's legacy `RandomState(seed)` for an integer seed. */
class MT19937 {
    mt = new Uint32Array(N);
    index = N;
    constructor(seed) {
        if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
            throw new RangeError(`MT19937 seed must be an integer in [0, 2^32), got ${seed}`);
        }
        const mt = this.mt;
        mt[0] = seed >>> 0;
        for (let i = 1; i < N; i++) {
            const prev = mt[i - 1];
            mt[i] = (Math.imul(1812433253, prev ^ (prev >>> 30)) + i) >>> 0;
        }
    }
    twist() {
        const mt = this.mt;
        for (let k = 0; k < N; k++) {
            const y = (mt[k] & 0x80000000) | (mt[(k + 1) % N] & 0x7fffffff);
            mt[k] = mt[(k + M) % N] ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
        }
        this.index = 0;
    }
    /** The next tempered 32-bit output, as an unsigned number. */
    nextUint32() {
        if (this.index >= N)
            this.twist();
        let y = this.mt[this.index++];
        y ^= y >>> 11;
        y ^= (y << 7) & 0x9d2c5680;
        y ^= (y << 15) & 0xefc60000;
        y ^= y >>> 18;
        return y >>> 0;
    }
    /**
     * numpy's `random_interval(max)`: uniform in [0, max] by masked rejection on 32-bit draws
     * (max < 2^32). The legacy `shuffle` draws with it.
     */
    interval(max) {
        if (max === 0)
            return 0;
        const mask = smearMask(max);
        let v;
        do {
            v = (this.nextUint32() & mask) >>> 0;
        } while (v > max);
        return v;
    }
    /** Legacy `RandomState.randint(low, high)` for high − low ≤ 2^32: masked rejection sampling. */
    randint(low, high) {
        const range = high - 1 - low;
        if (range < 0)
            throw new RangeError(`randint: empty range [${low}, ${high})`);
        if (range === 0)
            return low;
        if (range === 0xffffffff)
            return low + this.nextUint32();
        return low + this.interval(range);
    }
    /** Legacy `RandomState.shuffle` of a 1-d array: for i from n−1 down to 1, swap x[i] and x[interval(i)]. */
    shuffle(x) {
        for (let i = x.length - 1; i > 0; i--) {
            const j = this.interval(i);
            const t = x[i];
            x[i] = x[j];
            x[j] = t;
        }
    }
}
/** Smallest 2^b − 1 ≥ max (max < 2^32). */
function smearMask(max) {
    let mask = max >>> 0;
    mask |= mask >>> 1;
    mask |= mask >>> 2;
    mask |= mask >>> 4;
    mask |= mask >>> 8;
    mask |= mask >>> 16;
    return mask >>> 0;
}
/** sklearn's `RAND_R_MAX` (sklearn/tree/_utils.pxd). */
const RAND_R_MAX = 0x7fffffff;
/**
 * One step of sklearn's `our_rand_r` on a uint32 state: returns the new state; the draw is
 * `randROutput(newState)`. The splitter inlines the same shifts on its own state field.
 */
function xorshiftStep(state) {
    let s = state >>> 0;
    if (s === 0)
        s = 1;
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return s >>> 0;
}
/** Output of `our_rand_r` for a state already advanced by `xorshiftStep`. */
function randROutput(state) {
    return (state >>> 0) % (RAND_R_MAX + 1);
}
/** `RandomState(seed).randint(2**31 - 1, size=count)`: the per-tree seeds of a forest. */
function treeSeeds(seed, count) {
    const mt = new MT19937(seed);
    const seeds = new Int32Array(count);
    for (let t = 0; t < count; t++)
        seeds[t] = mt.randint(0, RAND_R_MAX);
    return seeds;
}
/** The splitter's initial xorshift state: `RandomState(treeSeed).randint(0, RAND_R_MAX)`. */
function splitterState(treeSeed) {
    return new MT19937(treeSeed).randint(0, RAND_R_MAX);
}

;// CONCATENATED MODULE: ./src/forest/splitter.ts
/**
 * scikit-learn's `RandomSplitter.node_split` (1.2, `sklearn/tree/_splitter.pyx`; algorithms.md §1.6)
 * for dense float32 features, unit weights, min_samples_leaf = 1 and max_features = all features.
 *
 * The state that persists across the nodes of one tree — the sample order, the `features`
 * permutation, `constant_features` and the xorshift state — is what makes the trees equal to
 * sklearn's node for node, so it lives here and is never reset between nodes.
 */


/** sklearn's FEATURE_THRESHOLD, as the float32 it is in the Cython source. */
const FEATURE_THRESHOLD = Math.fround(1e-7);
/** Up to this many samples, sklearn's own partition loop is cheaper than the branch-free one. */
const SMALL_NODE = 12;
/** Up to this many samples, features are read from the row-major copy. */
const ROW_MAJOR_NODE = 64;
class RandomSplitter {
    /** Column-major float32 features: data[f * n + i]. */
    data;
    /** The same features row-major (rows[i * k + f]), for small nodes. */
    rows;
    /** Rows of `data` (the column stride). */
    n;
    k;
    fitRows;
    samples;
    criterion;
    features;
    constantFeatures;
    /** Scratch: the current feature's values at the node's positions. */
    xf;
    /** Scratch for the partition. */
    rights;
    /** xorshift state, kept as an int32 (the same 32 bits as the uint32 state) so it stays a small integer. */
    randState;
    // The best split of the last nodeSplit (sklearn's SplitRecord).
    bestPos = 0;
    bestFeature = 0;
    bestThreshold = 0;
    bestImprovement = 0;
    bestImpurityLeft = 0;
    bestImpurityRight = 0;
    /** Features known constant for the children (n_constant_features after the split). */
    nConstantOut = 0;
    /** After a split: the children's node sums (sum_total, sq_sum_total of their `init`). */
    sumLeftChild = 0;
    sqSumLeftChild = 0;
    sumRightChild = 0;
    sqSumRightChild = 0;
    /** gatherColumn's maximum. */
    minMax = new Float64Array(1);
    /**
     * Scratch for trees on the features and targets of `set`, fitted on the rows `fitRows` of them
     * (all by default; as sklearn fits X[fitRows], y[fitRows]: the sample ids only name the rows, the
     * trees are the same); reused tree after tree (`reset` before each), so growing a forest allocates
     * no per-tree buffers.
     */
    constructor({ data, rows, y, n, k }, fitRows) {
        this.data = data;
        this.rows = rows;
        this.n = n;
        this.k = k;
        this.fitRows = fitRows;
        const m = fitRows ? fitRows.length : n;
        this.samples = new Int32Array(m);
        this.features = new Int32Array(k);
        this.constantFeatures = new Int32Array(k);
        this.xf = new Float64Array(m);
        this.rights = new Int32Array(m);
        this.randState = 0;
        this.criterion = new MseCriterion(y, this.samples, m);
    }
    /**
     * The state of a new tree's splitter: samples (the fit's rows, in their order: sklearn's 0 … m − 1
     * of X[rows]) and features in order, the tree's xorshift state.
     */
    reset(randState) {
        if (this.fitRows)
            this.samples.set(this.fitRows);
        else
            for (let i = 0; i < this.n; i++)
                this.samples[i] = i;
        for (let f = 0; f < this.k; f++)
            this.features[f] = f;
        this.constantFeatures.fill(0);
        this.randState = randState | 0;
    }
    /**
     * Finds the split of samples[start:end) (criterion already initialised on it). Leaves the samples
     * partitioned by the best split and sets the best* fields; bestPos === end means no split.
     * One split step for every node size; only how a candidate's values are read (the row-major copy
     * up to ROW_MAJOR_NODE samples, the column above) and how the samples are partitioned (sklearn's
     * loop up to SMALL_NODE, branch-free above) depend on it. The small-node variants are written
     * inline and the criterion's reset/update/proxy for each candidate too (same operations, same
     * order): this loop runs k times per node, mostly on small nodes, where call overhead dominates.
     */
    nodeSplit(start, end, impurity, nConstant) {
        const { data, rows, n, k, samples, xf, features, constantFeatures, criterion, rights, minMax } = this;
        const y = criterion.y;
        const sumTotal = criterion.sumTotal;
        const weightNode = end - start;
        const maxFeatures = this.k;
        let rs = this.randState | 0;
        let bestPos = end;
        let bestFeature = 0;
        let bestThreshold = 0;
        let bestProxy = -Infinity;
        let fI = this.k;
        let nFound = 0;
        let nDrawn = 0;
        const nKnown = nConstant;
        let nTotal = nKnown;
        let nVisited = 0;
        let current = -1;
        while (fI > nTotal && (nVisited < maxFeatures || nVisited <= nFound + nDrawn)) {
            nVisited++;
            // f_j = rand_int(n_drawn, f_i − n_found), our_rand_r inlined
            if (rs === 0)
                rs = 1;
            rs ^= rs << 13;
            rs ^= rs >>> 17;
            rs ^= rs << 5;
            // (rs stays an int32: the xorshift steps are the same bits either way)
            let fJ = nDrawn + (((rs & RAND_R_MAX) >>> 0) % ((fI - nFound - nDrawn) >>> 0));
            if (fJ < nKnown) {
                const t = features[nDrawn];
                features[nDrawn] = features[fJ];
                features[fJ] = t;
                nDrawn++;
                continue;
            }
            fJ += nFound;
            current = features[fJ];
            let mn;
            let mx;
            if (weightNode <= ROW_MAJOR_NODE) {
                // Small node: its samples' rows are a few cache lines, shared by all k features.
                mn = rows[samples[start] * k + current];
                mx = mn;
                xf[start] = mn;
                for (let p = start + 1; p < end; p++) {
                    const v = rows[samples[p] * k + current];
                    xf[p] = v;
                    if (v < mn)
                        mn = v;
                    else if (v > mx)
                        mx = v;
                }
            }
            else {
                mn = gatherColumn(data, (current * n) | 0, samples, xf, start, end, minMax);
                mx = minMax[0];
            }
            if (mx <= Math.fround(mn + FEATURE_THRESHOLD)) {
                features[fJ] = features[nTotal];
                features[nTotal] = current;
                nFound++;
                nTotal++;
                continue;
            }
            fI--;
            const t = features[fI];
            features[fI] = features[fJ];
            features[fJ] = t;
            // rand_uniform(min, max), computed in double from the float32 endpoints; max maps to min.
            if (rs === 0)
                rs = 1;
            rs ^= rs << 13;
            rs ^= rs >>> 17;
            rs ^= rs << 5;
            let thr = ((mx - mn) * (rs & RAND_R_MAX)) / RAND_R_MAX + mn;
            if (thr === mx)
                thr = mn;
            // sklearn's partition, and sum_left after the criterion's `reset(); update(pos)`, bit for bit.
            let pos;
            let sumLeft;
            if (weightNode <= SMALL_NODE) {
                // sklearn's loop as written, summing the targets as they are placed: left samples are final
                // in increasing position order, right ones in decreasing order — the orders of the forward
                // and backward sums of `update`, so either sum comes out bit for bit.
                let p = start;
                let e = end;
                let sl = 0;
                let sr = sumTotal;
                while (p < e) {
                    if (xf[p] <= thr) {
                        sl += y[samples[p]];
                        p++;
                    }
                    else {
                        e--;
                        xf[p] = xf[e];
                        const t = samples[p];
                        samples[p] = samples[e];
                        samples[e] = t;
                        sr -= y[t];
                    }
                }
                pos = e;
                sumLeft = pos - start <= end - pos ? sl : sr;
            }
            else {
                pos = partition(xf, samples, start, end, thr, rights);
                sumLeft = sumLeftAt(y, samples, start, end, pos, sumTotal);
            }
            // min_samples_leaf = 1: both sides always hold the min and the max sample, so pos is valid.
            if (pos - start < 1 || end - pos < 1)
                continue;
            // proxy_impurity_improvement()
            const sumRight = sumTotal - sumLeft;
            const weightLeft = pos - start;
            const weightRight = weightNode - weightLeft;
            const proxy = (sumLeft * sumLeft) / weightLeft + (sumRight * sumRight) / weightRight;
            if (proxy > bestProxy) {
                bestProxy = proxy;
                bestPos = pos;
                bestFeature = current;
                bestThreshold = thr;
            }
        }
        this.randState = rs;
        this.bestPos = bestPos;
        this.bestFeature = bestFeature;
        this.bestThreshold = bestThreshold;
        this.nConstantOut = nTotal;
        let improvement = -Infinity;
        let impL = Infinity;
        let impR = Infinity;
        if (bestPos < end) {
            // sklearn re-partitions by the best feature's values (the same swaps as a candidate's).
            if (current !== bestFeature) {
                if (weightNode <= ROW_MAJOR_NODE) {
                    for (let p = start; p < end; p++)
                        xf[p] = rows[samples[p] * k + bestFeature];
                }
                else {
                    gatherColumn(data, (bestFeature * n) | 0, samples, xf, start, end, minMax);
                }
                if (weightNode <= SMALL_NODE)
                    partitionSmall(xf, samples, start, end, bestThreshold);
                else
                    partition(xf, samples, start, end, bestThreshold, rights);
            }
            // One pass for criterion.reset(); update(bestPos); children_impurity() and for the children's
            // `init` sums (each forward over its own range, which nothing reorders before the child is
            // grown): the same additions in the same order as those separate passes.
            let s1L = 0;
            let s2L = 0;
            for (let p = start; p < bestPos; p++) {
                const yi = y[samples[p]];
                s1L += yi;
                s2L += yi * yi;
            }
            let s1R = 0;
            let s2R = 0;
            for (let p = bestPos; p < end; p++) {
                const yi = y[samples[p]];
                s1R += yi;
                s2R += yi * yi;
            }
            let sumLeft = s1L;
            if (bestPos - start > end - bestPos) {
                sumLeft = sumTotal;
                for (let p = end - 1; p >= bestPos; p--)
                    sumLeft -= y[samples[p]];
            }
            const sumRight = sumTotal - sumLeft;
            const wl = bestPos - start;
            const wr = weightNode - wl;
            const sqRight = criterion.sqSumTotal - s2L;
            const ml = sumLeft / wl;
            const mr = sumRight / wr;
            impL = s2L / wl - ml * ml;
            impR = sqRight / wr - mr * mr;
            improvement =
                (weightNode / criterion.nTotal) * (impurity - (wr / weightNode) * impR - (wl / weightNode) * impL);
            this.sumLeftChild = s1L;
            this.sqSumLeftChild = s2L;
            this.sumRightChild = s1R;
            this.sqSumRightChild = s2R;
        }
        // Restore the invariant: known constants first, then the newly found ones.
        for (let i = 0; i < nKnown; i++)
            features[i] = constantFeatures[i];
        for (let i = nKnown; i < nTotal; i++)
            constantFeatures[i] = features[i];
        this.bestImprovement = improvement;
        this.bestImpurityLeft = impL;
        this.bestImpurityRight = impR;
    }
}
/**
 * The values of one column (data[col + i]) at the node's positions into xf (sklearn's `Xf`), in one
 * pass with their minimum (returned) and maximum (into minMax[0]), compared as sklearn does:
 * `if v < mn … elif v > mx`.
 */
function gatherColumn(data, col, samples, xf, start, end, minMax) {
    // Int32 offsets (`| 0`: no overflow checks in the gather); n·k < 2^31, the features are < 8 GiB.
    let mn = data[(col + samples[start]) | 0];
    let mx = mn;
    xf[start] = mn;
    let p = start + 1;
    for (; p + 3 < end; p += 4) {
        const v = data[(col + samples[p]) | 0];
        const w = data[(col + samples[p + 1]) | 0];
        const v2 = data[(col + samples[p + 2]) | 0];
        const w2 = data[(col + samples[p + 3]) | 0];
        xf[p] = v;
        xf[p + 1] = w;
        xf[p + 2] = v2;
        xf[p + 3] = w2;
        if (v < mn)
            mn = v;
        else if (v > mx)
            mx = v;
        if (w < mn)
            mn = w;
        else if (w > mx)
            mx = w;
        if (v2 < mn)
            mn = v2;
        else if (v2 > mx)
            mx = v2;
        if (w2 < mn)
            mn = w2;
        else if (w2 > mx)
            mx = w2;
    }
    for (; p < end; p++) {
        const v = data[(col + samples[p]) | 0];
        xf[p] = v;
        if (v < mn)
            mn = v;
        else if (v > mx)
            mx = v;
    }
    minMax[0] = mx;
    return mn;
}
/**
 * sklearn's in-place partition of samples[start:end) by xf ≤ thr, with the same final order but
 * without data-dependent branches (for a random threshold the outcome is close to a coin flip, and
 * sklearn's loop mispredicts about once per sample).
 *
 * sklearn scans forward; a sample going right is swapped with the last unfinished position, and the
 * sample brought from there is examined next. Worked through, with pos = start + (number going left):
 * the left-going samples of [start, pos) stay; the k-th right-going sample i_k of [start, pos) is
 * paired with the k-th left-going sample j_k of [pos, end) counted from the end; the sample at j_k
 * moves to i_k; in the right region the right-going samples move down by one position, and the
 * sample from i_k lands just below j_(k−1) (end for k = 1); the right region's lowest segment
 * [pos, j_s), when not empty, ends with its own first sample (rotated down by one).
 * So one ascending pass over [pos, end) writes position q − 1 at every q. `rights` is scratch of
 * length ≥ n. xf is not reordered: nothing reads it after the partition. Returns pos.
 */
function partition(xf, samples, start, end, thr, rights) {
    // Right-going positions, ascending (branch-free compaction: always store, advance on right).
    let nr = 0;
    let p = start;
    for (; p + 1 < end; p += 2) {
        rights[nr] = p;
        nr += +(xf[p] > thr);
        rights[nr] = p + 1;
        nr += +(xf[p + 1] > thr);
    }
    if (p < end) {
        rights[nr] = p;
        nr += +(xf[p] > thr);
    }
    const pos = end - nr;
    if (nr === 0)
        return pos;
    // s = how many of them lie in the left region [start, pos): the first index with rights[·] ≥ pos.
    let lo = 0;
    let hi = nr;
    while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (rights[mid] < pos)
            lo = mid + 1;
        else
            hi = mid;
    }
    let s = lo;
    // The sample waiting to be placed at the top of the current segment of the right region.
    let pending;
    const first = samples[pos];
    if (xf[pos] <= thr) {
        const i = rights[--s];
        pending = samples[i];
        samples[i] = first;
    }
    else {
        pending = first;
    }
    for (let q = pos + 1; q < end; q++) {
        const v = samples[q];
        const isLeft = +(xf[q] <= thr);
        // All ones when left-going: selects by bit masks, int32 operations with no overflow checks.
        const mask = (isLeft << 31) >> 31;
        // Left-going: the pending sample closes the segment below q, and v trades places with the
        // next right-going sample of the left region, which becomes pending. Right-going: v moves down.
        samples[q - 1] = v ^ ((pending ^ v) & mask);
        s -= isLeft;
        const i = rights[s];
        const atI = samples[i];
        samples[i] = atI ^ ((v ^ atI) & mask);
        pending ^= (atI ^ pending) & mask;
    }
    samples[end - 1] = pending;
    return pos;
}
/** sklearn's partition loop as written (same result as `partition`): cheaper for small nodes. */
function partitionSmall(xf, samples, start, end, thr) {
    let p = start;
    let e = end;
    while (p < e) {
        if (xf[p] <= thr) {
            p++;
        }
        else {
            e--;
            xf[p] = xf[e];
            const t = samples[p];
            samples[p] = samples[e];
            samples[e] = t;
        }
    }
    return e;
}
/**
 * sum_left after MSE `reset(); update(pos)`: summed forward from start when that is the shorter walk,
 * else the node total minus the samples from end − 1 down to pos — the same additions, in the same
 * order, as sklearn's `update`.
 */
function sumLeftAt(y, samples, start, end, pos, sumTotal) {
    let s;
    if (pos - start <= end - pos) {
        s = 0;
        for (let p = start; p < pos; p++)
            s += y[samples[p]];
    }
    else {
        s = sumTotal;
        for (let p = end - 1; p >= pos; p--)
            s -= y[samples[p]];
    }
    return s;
}
/**
 * Row-major copy (rows[i * k + f]) of column-major features: small nodes read a few rows for all k.
 * `shared`: in a SharedArrayBuffer (worker threads read it where it is).
 */
function rowMajor(data, n, k, shared = false) {
    const rows = shared ? new Float32Array(new SharedArrayBuffer(n * k * 4)) : new Float32Array(n * k);
    for (let f = 0; f < k; f++) {
        const col = f * n;
        for (let i = 0; i < n; i++)
            rows[i * k + f] = data[col + i];
    }
    return rows;
}

;// CONCATENATED MODULE: ./src/forest/tree.ts
/**
 * A fitted regression tree as scikit-learn stores it (`sklearn/tree/_tree.pyx::Tree`): parallel node
 * arrays, node ids in pre-order (left child first). Leaves have `left = right = TREE_LEAF`,
 * `feature = TREE_UNDEFINED`, `threshold = TREE_UNDEFINED`. A sample goes left when its float32
 * feature value is ≤ the float64 threshold.
 */
/** sklearn's `_TREE_LEAF`: the children of a leaf. */
const TREE_LEAF = -1;
/** sklearn's `_TREE_UNDEFINED`: a leaf's feature and threshold. */
const TREE_UNDEFINED = -2;
/**
 * Packs a tree grown by the builder (see PackedTree); `shared`: in SharedArrayBuffers, so that
 * worker threads read it where it is.
 */
function packTree(tree, shared = false) {
    const c = tree.nodeCount;
    const nodes = shared ? new Int32Array(new SharedArrayBuffer(8 * c)) : new Int32Array(2 * c);
    const payload = shared ? new Float64Array(new SharedArrayBuffer(8 * c)) : new Float64Array(c);
    const { feature, left, right, threshold, value } = tree;
    for (let i = 0; i < c; i++) {
        if (left[i] === TREE_LEAF) {
            nodes[2 * i] = TREE_UNDEFINED;
            nodes[2 * i + 1] = TREE_LEAF;
            payload[i] = value[i];
        }
        else {
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
function leafValue(tree, data, own, other, mask) {
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
function predictRows(trees, data, k, m, perm, mask, columns, baseline, out, walk) {
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
        if (differs)
            walking++;
    }
    if (walking > 0) {
        for (const tree of trees) {
            for (let r = 0; r < m; r++) {
                if (walk[r] === 0)
                    continue;
                const own = r * k;
                out[r] += leafValue(tree, data, own, perm ? perm[r] * k : own, mask);
            }
        }
    }
    const count = trees.length;
    for (let r = 0; r < m; r++)
        out[r] = walk[r] === 1 ? out[r] / count : baseline[r];
}
/**
 * Each fold's mean predictions (predictRows) with `columns` permuted together by each of its
 * permutations, one after the other (fold-major, m values each) in one array.
 */
function permutedPredictions(folds, k, columns) {
    let total = 0;
    let maxM = 0;
    for (const f of folds) {
        total += f.m * f.perms.length;
        maxM = Math.max(maxM, f.m);
    }
    const all = new Float64Array(total);
    const mask = new Uint8Array(k);
    for (const c of columns)
        mask[c] = 1;
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
function rowBlock(data, n, k, rows) {
    const m = rows ? rows.length : n;
    const block = new Float32Array(m * k);
    for (let j = 0; j < k; j++) {
        const col = j * n;
        if (rows)
            for (let r = 0; r < m; r++)
                block[r * k + j] = data[col + rows[r]];
        else
            for (let r = 0; r < m; r++)
                block[r * k + j] = data[col + r];
    }
    return block;
}
class Tree {
    nodeCount = 0;
    feature;
    threshold;
    left;
    right;
    /** Mean target of the node's samples. */
    value;
    /** Node impurity as sklearn computes it (S2/W − (S1/W)², children: from the parent's split). */
    impurity;
    /** Samples in the node (= weighted_n_node_samples: every sample has weight 1). */
    nNodeSamples;
    pack = null;
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
    static fromArrays(a) {
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
    addNode(feature, threshold, impurity, nSamples, value) {
        const id = this.nodeCount;
        if (id === this.feature.length)
            this.resize(Math.max(16, id * 2));
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
    clear() {
        this.nodeCount = 0;
        this.pack = null;
    }
    /**
     * A copy with arrays of exactly nodeCount entries; `shared`: in SharedArrayBuffers, so that a worker
     * thread posts it without a copy (and without transferring, see worker.ts).
     */
    copy(shared = false) {
        const c = this.nodeCount;
        const ints = (a) => {
            const b = shared ? new Int32Array(new SharedArrayBuffer(4 * c)) : new Int32Array(c);
            b.set(a.subarray(0, c));
            return b;
        };
        const floats = (a) => {
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
    resize(capacity) {
        const grow = (a, make) => {
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
    packed() {
        if (this.pack === null || this.pack.payload.length !== this.nodeCount)
            this.pack = packTree(this);
        return this.pack;
    }
    /**
     * MDI of this tree, `compute_feature_importances(normalize=True)`: Σ over internal nodes of
     * W·i − W_L·i_L − W_R·i_R per feature, divided by the root's W, then by the sum if positive.
     */
    featureImportances(k) {
        const imp = new Float64Array(k);
        const { left, right, feature, impurity, nNodeSamples: w } = this;
        for (let node = 0; node < this.nodeCount; node++) {
            const l = left[node];
            if (l === TREE_LEAF)
                continue;
            const r = right[node];
            imp[feature[node]] += w[node] * impurity[node] - w[l] * impurity[l] - w[r] * impurity[r];
        }
        if (this.nodeCount > 0) {
            const root = w[0];
            for (let f = 0; f < k; f++)
                imp[f] /= root;
        }
        let s = 0;
        for (let f = 0; f < k; f++)
            s += imp[f];
        if (s > 0)
            for (let f = 0; f < k; f++)
                imp[f] /= s;
        return imp;
    }
}

;// CONCATENATED MODULE: ./src/forest/builder.ts
/**
 * scikit-learn's `DepthFirstTreeBuilder.build` (`sklearn/tree/_tree.pyx`; algorithms.md §1.5) with
 * the ExtraTreeRegressor defaults: no depth limit, min_samples_split = 2, min_samples_leaf = 1,
 * no impurity-decrease threshold. Nodes come off a LIFO stack (right child pushed first), so node
 * ids are in pre-order with the left subtree first, like sklearn's.
 */



/** np.finfo(np.float64).eps: a node is a leaf when its impurity is ≤ this (absolute). */
const EPSILON = 2.220446049250313e-16;
const MIN_SAMPLES_SPLIT = 2;
/** Grows trees on one data set, reusing its buffers from tree to tree (one builder per thread). */
class DepthFirstBuilder {
    /** Samples a tree is fitted on. */
    n;
    scratch;
    splitter;
    // The stack of pending nodes, as parallel arrays. Each pop pushes at most two, so the stack never
    // holds more than depth + 2 ≤ n + 1 entries.
    sStart;
    sEnd;
    sParent;
    sIsLeft;
    sImpurity;
    sNConst;
    sSum;
    sSqSum;
    /** Trees on `set`, fitted on its rows `fitRows` (all by default). */
    constructor(set, fitRows = null) {
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
    build(treeSeed) {
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
            if (first)
                criterion.init(start, end);
            else
                criterion.initWithSums(start, end, sSum[top], sSqSum[top]);
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
                if (isLeft)
                    tree.left[parent] = id;
                else
                    tree.right[parent] = id;
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
/**
 * Grows the trees of one job on one thread, on the shared features (`data`, column-major, and `rows`,
 * its row-major copy) and targets: no copy of the job's rows; its test block selected once.
 */
class JobGrower {
    builder;
    k;
    keep;
    packedOnly;
    block;
    m;
    noMask;
    shared;
    /** `shared`: the trees it keeps are in SharedArrayBuffers (a worker thread's, posted without a copy). */
    constructor(set, job, shared = false) {
        this.builder = new DepthFirstBuilder(set, job.rows);
        this.shared = shared;
        this.k = set.k;
        this.keep = job.keep;
        this.packedOnly = job.packedOnly;
        this.block = job.test ? rowBlock(set.data, set.n, set.k, job.test) : null;
        this.m = job.test ? job.test.length : 0;
        this.noMask = new Uint8Array(set.k);
    }
    grow(index, seed) {
        const tree = this.builder.build(seed);
        const { k, block, m } = this;
        let predictions = null;
        if (block) {
            const packed = packTree(tree);
            predictions = new Float64Array(m);
            for (let r = 0; r < m; r++)
                predictions[r] = leafValue(packed, block, r * k, r * k, this.noMask);
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

;// CONCATENATED MODULE: ./src/forest/worker.ts
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



if (external_node_worker_threads_namespaceObject.parentPort) {
    const port = external_node_worker_threads_namespaceObject.parentPort;
    let input = null;
    let grower = null;
    let growerJob = -1;
    port.on('message', (req) => {
        if (req.kind === 'grow' || req.kind === 'end') {
            input = req.kind === 'grow' ? req : null;
            grower = null;
            growerJob = -1;
            return;
        }
        if (req.kind === 'task') {
            if (growerJob !== req.job) {
                grower = null; // the previous forest's rows and scratch can go before the next are selected
                grower = new JobGrower(input, input.jobs[req.job], true);
                growerJob = req.job;
            }
            for (let t = 0; t < req.seeds.length; t++)
                port.postMessage(outcome(grower, req, t));
        }
        else {
            req.groups.forEach((columns, i) => {
                const predictions = permutedPredictions(req.folds, req.k, columns);
                const msg = { kind: 'permuted', index: req.indices[i], predictions };
                port.postMessage(msg);
            });
        }
        port.postMessage({ kind: 'idle' });
    });
}
/** Grows tree task.first + t: its message. */
function outcome(grower, task, t) {
    const o = grower.grow(task.first + t, task.seeds[t]);
    let tree = null;
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

