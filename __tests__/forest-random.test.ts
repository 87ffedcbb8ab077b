import { describe, expect, it } from 'vitest';
import { MT19937, randROutput, splitterState, treeSeeds, xorshiftStep } from '../src/forest/random.js';

// Expected values printed by numpy 1.24.2 (Debian) and scripts/oracle/ref_extratree.py.
describe('numpy legacy RandomState', () => {
  it('gives the forest tree seeds of RandomState(seed).randint(2**31-1, size=T)', () => {
    expect(Array.from(treeSeeds(0, 8))).toEqual([
      209652396, 398764591, 924231285, 1478610112, 441365315, 1537364731, 192771779, 1491434855,
    ]);
    expect(Array.from(treeSeeds(123456789, 3))).toEqual([141016760, 2107322012, 146615602]);
  });

  it("gives the splitter's single draw randint(0, 2**31-1)", () => {
    expect([209652396, 398764591, 0, 1].map(splitterState)).toEqual([
      2087557356, 132990059, 209652396, 1791095845,
    ]);
  });

  it('draws small ranges and the full 32-bit range like randint', () => {
    const r = new MT19937(42);
    const small = Array.from({ length: 10 }, () => r.randint(0, 7));
    expect(small).toEqual([6, 3, 4, 6, 2, 4, 4, 6, 1, 2]);
    const wide = Array.from({ length: 3 }, () => r.randint(5, 2 ** 32 + 5));
    expect(wide).toEqual([429389019, 249467215, 1972458959]);
  });

  it('shuffles like RandomState(0).shuffle(arange(n))', () => {
    const perm = (n: number): number[] => {
      const a = Int32Array.from({ length: n }, (_, i) => i);
      new MT19937(0).shuffle(a);
      return Array.from(a);
    };
    expect(perm(10)).toEqual([2, 8, 4, 9, 1, 6, 7, 3, 0, 5]);
    expect(perm(17)).toEqual([1, 6, 8, 9, 13, 4, 2, 14, 10, 7, 16, 11, 3, 0, 5, 15, 12]);
    const p100 = perm(100);
    expect(p100.slice(0, 10)).toEqual([26, 86, 2, 55, 75, 93, 16, 73, 54, 95]);
    expect(p100.slice(90)).toEqual([87, 36, 21, 83, 9, 96, 67, 64, 47, 44]);
  });

  it('refuses seeds outside [0, 2^32)', () => {
    expect(() => new MT19937(-1)).toThrow(RangeError);
    expect(() => new MT19937(2 ** 32)).toThrow(RangeError);
  });
});

describe('xorshift our_rand_r', () => {
  it('matches the reference sequence, including the zero state', () => {
    const run = (s: number, count: number): number[] => {
      const out: number[] = [];
      for (let i = 0; i < count; i++) {
        s = xorshiftStep(s);
        out.push(randROutput(s));
      }
      return out;
    };
    expect(run(209652396, 6)).toEqual([1215658777, 97729234, 866138454, 634814835, 1256434287, 1248633528]);
    expect(run(0, 3)).toEqual([270369, 67634689, 499951813]);
  });
});
