import { describe, expect, it } from 'vitest';
import { MT19937 } from '../src/forest/random.js';
import { partition, partitionSmall } from '../src/forest/splitter.js';

// The branch-free partition must leave the samples in exactly the order of sklearn's loop
// (partitionSmall is that loop as written in _splitter.pyx), whatever the labels.
describe('partition', () => {
  it('gives sklearn’s final order on random nodes, thresholds and offsets', () => {
    const rng = new MT19937(7);
    const n = 300;
    for (let trial = 0; trial < 2000; trial++) {
      const start = rng.randint(0, 50);
      const end = start + 1 + rng.randint(0, n - 60);
      const levels = 1 + rng.randint(0, 6); // few distinct values: ties and long runs
      const xf = new Float64Array(n);
      for (let p = start; p < end; p++) xf[p] = rng.randint(0, levels) / levels;
      const thr = rng.randint(0, levels + 1) / levels - 0.5 / levels;
      const samples = Int32Array.from({ length: n }, (_, i) => (i * 7919) % n);
      const a = samples.slice();
      const b = samples.slice();
      const posA = partition(xf.slice(), a, start, end, thr, new Int32Array(n));
      const posB = partitionSmall(xf.slice(), b, start, end, thr);
      expect(posA).toBe(posB);
      expect(Array.from(a)).toEqual(Array.from(b));
    }
  });
});
