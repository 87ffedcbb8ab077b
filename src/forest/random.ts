/**
 * The random number generators scikit-learn's extra trees use, bit for bit (algorithms.md §1.3):
 * numpy's legacy `RandomState` (MT19937 seeded with `init_genrand`, masked-rejection `randint`,
 * Fisher–Yates `shuffle`) for the per-tree seeds and the K-fold permutation, and the 32-bit xorshift
 * `our_rand_r` that the tree splitter draws from.
 */

const N = 624;
const M = 397;

/** Mersenne Twister MT19937 as numpy's legacy `RandomState(seed)` for an integer seed. */
export class MT19937 {
  private readonly mt = new Uint32Array(N);
  private index = N;

  constructor(seed: number) {
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

  private twist(): void {
    const mt = this.mt;
    for (let k = 0; k < N; k++) {
      const y = (mt[k] & 0x80000000) | (mt[(k + 1) % N] & 0x7fffffff);
      mt[k] = mt[(k + M) % N] ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
    }
    this.index = 0;
  }

  /** The next tempered 32-bit output, as an unsigned number. */
  nextUint32(): number {
    if (this.index >= N) this.twist();
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
  interval(max: number): number {
    if (max === 0) return 0;
    const mask = smearMask(max);
    let v: number;
    do {
      v = (this.nextUint32() & mask) >>> 0;
    } while (v > max);
    return v;
  }

  /** Legacy `RandomState.randint(low, high)` for high − low ≤ 2^32: masked rejection sampling. */
  randint(low: number, high: number): number {
    const range = high - 1 - low;
    if (range < 0) throw new RangeError(`randint: empty range [${low}, ${high})`);
    if (range === 0) return low;
    if (range === 0xffffffff) return low + this.nextUint32();
    return low + this.interval(range);
  }

  /** Legacy `RandomState.shuffle` of a 1-d array: for i from n−1 down to 1, swap x[i] and x[interval(i)]. */
  shuffle(x: Int32Array): void {
    for (let i = x.length - 1; i > 0; i--) {
      const j = this.interval(i);
      const t = x[i];
      x[i] = x[j];
      x[j] = t;
    }
  }
}

/** Smallest 2^b − 1 ≥ max (max < 2^32). */
function smearMask(max: number): number {
  let mask = max >>> 0;
  mask |= mask >>> 1;
  mask |= mask >>> 2;
  mask |= mask >>> 4;
  mask |= mask >>> 8;
  mask |= mask >>> 16;
  return mask >>> 0;
}

/** sklearn's `RAND_R_MAX` (sklearn/tree/_utils.pxd). */
export const RAND_R_MAX = 0x7fffffff;

/**
 * One step of sklearn's `our_rand_r` on a uint32 state: returns the new state; the draw is
 * `randROutput(newState)`. The splitter inlines the same shifts on its own state field.
 */
export function xorshiftStep(state: number): number {
  let s = state >>> 0;
  if (s === 0) s = 1;
  s ^= s << 13;
  s ^= s >>> 17;
  s ^= s << 5;
  return s >>> 0;
}

/** Output of `our_rand_r` for a state already advanced by `xorshiftStep`. */
export function randROutput(state: number): number {
  return (state >>> 0) % (RAND_R_MAX + 1);
}

/** `RandomState(seed).randint(2**31 - 1, size=count)`: the per-tree seeds of a forest. */
export function treeSeeds(seed: number, count: number): Int32Array {
  const mt = new MT19937(seed);
  const seeds = new Int32Array(count);
  for (let t = 0; t < count; t++) seeds[t] = mt.randint(0, RAND_R_MAX);
  return seeds;
}

/** The splitter's initial xorshift state: `RandomState(treeSeed).randint(0, RAND_R_MAX)`. */
export function splitterState(treeSeed: number): number {
  return new MT19937(treeSeed).randint(0, RAND_R_MAX);
}
