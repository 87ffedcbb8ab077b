import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { fitExtraTrees, toFeatureMatrix } from '../src/forest/forest.js';
import { bestCountFor, bestRuns } from '../src/insights/advice.js';
import { computeInsights } from '../src/insights/compute-insights.js';
import { crossValidatedR2, cvFromFolds, fitFolds, r2Score } from '../src/insights/cv-r2.js';
import { isLogScaled } from '../src/insights/log-scale.js';
import { FoldPermuter, tInterval } from '../src/insights/permutation.js';
import { assessQuality } from '../src/insights/quality.js';
import { findSpec, specRange } from '../src/insights/sweep-spec.js';
import { extendList } from '../src/insights/next-sweep.js';
import { designFromColumns, type Value } from './fixtures/insights/design.js';
import { sweepConfigErrors } from './fixtures/insights/schema.js';

/** A deterministic pseudo-random stream for the hand-made designs (Park–Miller). */
function stream(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 16807) % 2147483647;
    return s / 2147483647;
  };
}

describe('tInterval', () => {
  it('is mean ± t(0.975, m−1)·sd/√m', () => {
    const v = Float64Array.from({ length: 25 }, (_, i) => (i % 5) - 1);
    const { mean, sd, low, high } = tInterval(v);
    expect(mean).toBeCloseTo(1, 14);
    const sdRef = Math.sqrt(v.reduce((s, x) => s + (x - 1) ** 2, 0) / 24);
    expect(sd).toBeCloseTo(sdRef, 14);
    // scipy.stats.t.ppf(0.975, 24) = 2.0638985616280205
    expect(high - mean).toBeCloseTo((2.0638985616280205 * sdRef) / 5, 12);
    expect(mean - low).toBeCloseTo(high - mean, 14);
  });
});

describe('quality', () => {
  it('reads the verdict from the outlier-free R² when there is one', () => {
    const q = assessQuality({ cvR2: -3, cvR2WithoutOutliers: 0.76, threshold: 0.05, constantTarget: false });
    expect(q.effectiveR2).toBe(0.76);
    expect(q.explainsNothing).toBe(false);
    expect(
      assessQuality({ cvR2: 0.05, cvR2WithoutOutliers: null, threshold: 0.05, constantTarget: false })
        .explainsNothing,
    ).toBe(true);
    expect(
      assessQuality({ cvR2: 1, cvR2WithoutOutliers: null, threshold: 0.05, constantTarget: true })
        .explainsNothing,
    ).toBe(true);
    expect(
      assessQuality({ cvR2: null, cvR2WithoutOutliers: null, threshold: 0.05, constantTarget: false })
        .explainsNothing,
    ).toBe(false);
  });
});

describe('fold forests', () => {
  const rnd = stream(7);
  const n = 60;
  const x0 = Array.from({ length: n }, () => rnd());
  const x1 = Array.from({ length: n }, () => rnd());
  const y = x0.map((v, i) => 3 * v + 0.1 * x1[i] + 0.05 * rnd());
  const design = designFromColumns('y', y, { a: x0, b: x1 });
  const X = toFeatureMatrix(design.X, design.n, design.k);
  const opts = { trees: 20, seed: 3 };

  it('hold out every run once, each forest fitted on the other folds and scored on its own', () => {
    const rows = Int32Array.from({ length: 40 }, (_, i) => i + 10);
    for (const subset of [undefined, rows]) {
      const all = subset ? [...subset] : Array.from({ length: n }, (_, i) => i);
      const folds = fitFolds(X, design.y, opts, subset)!;
      expect(folds).toHaveLength(5);
      expect(folds.flatMap((f) => [...f.test]).sort((a, b) => a - b)).toEqual(all);
      for (const f of folds) {
        expect([...f.train, ...f.test].sort((a, b) => a - b)).toEqual(all);
        expect(f.forest.featureImportances()).toEqual(
          fitExtraTrees(X, design.y, opts, f.train).featureImportances(),
        );
        const truth = Float64Array.from(f.test, (i) => design.y[i]);
        expect(f.r2).toBe(r2Score(truth, f.forest.predict(X, f.test)));
      }
      const cv = cvFromFolds(folds);
      expect(cv.folds).toEqual(folds.map((f) => f.r2));
      expect(cv.mean).toBeCloseTo(cv.folds.reduce((a, b) => a + b, 0) / 5, 12);
      expect(crossValidatedR2(X, design.y, opts, subset)).toEqual(cv);
    }
    expect(fitFolds(X, design.y, opts, Int32Array.from([1, 2, 3]))).toBeNull();
  });

  it('permute: the driving column drops R², and the same seed gives the same values', () => {
    const folds = fitFolds(X, design.y, opts)!;
    const p = new FoldPermuter(X, design.y, folds, { repeats: 5, trees: 10, seed: 0 });
    expect(p.samples).toBe(25);
    const a = p.permute([0]);
    const b = p.permute([1]);
    expect(tInterval(a.drops).low).toBeGreaterThan(0.5);
    expect(tInterval(b.drops).mean).toBeLessThan(0.1);
    // every run is held out once: a per-run effect everywhere
    expect(a.perRun.every((v) => v >= 0)).toBe(true);
    const again = new FoldPermuter(X, design.y, folds, { repeats: 5, trees: 10, seed: 0 }).permute([0]);
    expect(Array.from(again.drops)).toEqual(Array.from(a.drops));
    // nothing permuted: nothing changes
    const none = p.permute([]);
    expect(Array.from(none.drops).every((v) => v === 0)).toBe(true);
  });
});

describe('best runs', () => {
  it('are the top 10% by the goal, at least 5', () => {
    expect(bestCountFor(3)).toBe(3);
    expect(bestCountFor(20)).toBe(5);
    expect(bestCountFor(2383)).toBe(239);
    const y = Float64Array.from([0.5, 0.9, 0.1, 0.9, 0.3]);
    expect(Array.from(bestRuns(y, 'maximize', 3))).toEqual([1, 3, 0]);
    expect(Array.from(bestRuns(y, 'minimize', 2))).toEqual([2, 4]);
  });
});

describe('isLogScaled', () => {
  it('applies recipe §8 on the present values', () => {
    const lr = Float64Array.from([1e-5, 3e-5, 1e-4, 3e-4, 1e-3, 3e-3, 1e-2, Number.NaN]);
    expect(isLogScaled(lr)).toBe(true);
    expect(isLogScaled(Float64Array.from([0.1, 0.2, 0.3, 0.4]))).toBe(false);
    expect(isLogScaled(Float64Array.from([0, 1, 10, 100]))).toBe(false);
  });
});

describe('sweep specs', () => {
  const config = {
    method: 'random',
    parameters: {
      lr: { distribution: 'log_uniform', min: Math.log(1e-4), max: Math.log(1e-1) },
      optimizer: { parameters: { momentum: { min: 0.1, max: 0.9 } } },
      'a.b': { values: [1, 2] },
    },
  };
  it('finds flat, nested and dotted names; log_uniform bounds are natural logs', () => {
    expect(findSpec(config, 'lr')?.path).toEqual(['lr']);
    expect(findSpec(config, 'optimizer.momentum')?.path).toEqual(['optimizer', 'momentum']);
    expect(findSpec(config, 'a.b')?.path).toEqual(['a.b']);
    expect(findSpec(config, 'nope')).toBeNull();
    const r = specRange(findSpec(config, 'lr')!.spec)!;
    expect(r.min).toBeCloseTo(1e-4, 15);
    expect(r.max).toBeCloseTo(1e-1, 12);
    expect(r.log).toBe(true);
  });
});

/** A design where `lr` (log-scaled, best at the top of its range) and `opt` drive the target. */
function drivenDesign(): { design: ReturnType<typeof designFromColumns>; cols: Record<string, Value[]> } {
  const rnd = stream(11);
  const n = 300;
  const cols: Record<string, Value[]> = { lr: [], width: [], noise: [], opt: [], flag: [], 'bad:name': [] };
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const lr = 10 ** (-5 + 3 * rnd());
    const width = 8 + Math.floor(rnd() * 57);
    const opt = ['adam', 'sgd', 'rmsprop'][Math.floor(rnd() * 3)];
    cols.lr.push(lr);
    cols.width.push(width);
    cols.noise.push(rnd());
    cols.opt.push(opt);
    cols.flag.push(rnd() < 0.5);
    cols['bad:name'].push(rnd());
    y.push(Math.log10(lr) + (opt === 'sgd' ? -2 : 0) + 0.1 * rnd());
  }
  return { design: designFromColumns('acc', y, cols), cols };
}

describe('computeInsights on a driven design', () => {
  const { design } = drivenDesign();
  const ins = computeInsights(design, { goal: 'maximize', trees: 50, seed: 0 });
  const byName = new Map(ins.advice.map((a) => [a.parameter, a]));

  it('finds what drives the target and says where to go', () => {
    expect(ins.quality.explainsNothing).toBe(false);
    const matters = ins.permutation.filter((p) => p.matters).map((p) => p.parameter);
    expect(matters).toContain('lr');
    expect(matters).toContain('opt');
    const lr = byName.get('lr')!;
    expect(lr.logScale).toBe(true);
    expect(lr.edge).toBe('high');
    expect(lr.advice.join(' ')).toMatch(/extend above 0\.00[0-9]+/);
    expect(lr.suggested!.max).toBeGreaterThan(lr.searched!.max);
    expect(byName.get('opt')!.advice.join(' ')).toMatch(/never among the best: sgd/);
    expect(byName.get('opt')!.dropLevels).toEqual(['sgd']);
  });

  it('writes a valid W&B config for a runs file: bayes, the target, ints as int_uniform, log as log_uniform_values', () => {
    const next = ins.nextSweep!;
    expect(sweepConfigErrors(next.config)).toBe('');
    expect(parseYaml(next.yaml)).toEqual(next.config);
    const c = next.config as {
      method: string;
      metric: unknown;
      parameters: Record<string, Record<string, unknown>>;
    };
    expect(c.method).toBe('bayes');
    expect(c.metric).toEqual({ name: 'acc', goal: 'maximize' });
    expect(c.parameters.lr.distribution).toBe('log_uniform_values');
    expect(c.parameters.lr.max).toBe(byName.get('lr')!.suggested!.max);
    expect(c.parameters.width.distribution).toBe('int_uniform');
    expect(Number.isInteger(c.parameters.width.min)).toBe(true);
    expect(c.parameters.opt.values).toEqual(['adam', 'rmsprop']);
    expect(c.parameters.flag.values).toEqual([false, true]);
    // a name W&B refuses is left out, and said so
    expect(c.parameters['bad:name']).toBeUndefined();
    expect(next.yaml).toMatch(/# Left out \(not valid W&B parameter names\): bad:name/);
  });

  it('keeps the original sweep config: method, metric, distributions, natural-log bounds', () => {
    const sweepConfig = {
      program: 'train.py',
      method: 'random',
      metric: { name: 'acc', goal: 'maximize' },
      parameters: {
        lr: { distribution: 'log_uniform', min: Math.log(1e-5), max: Math.log(1e-2) },
        width: { distribution: 'int_uniform', min: 8, max: 64 },
        noise: { distribution: 'uniform', min: 0, max: 1 },
        opt: { values: ['adam', 'sgd', 'rmsprop'] },
        flag: { values: [true, false] },
        epochs: { value: 10 },
      },
    };
    const withConfig = computeInsights(design, { goal: 'maximize', trees: 50, seed: 0, sweepConfig });
    const c = withConfig.nextSweep!.config as {
      parameters: Record<string, Record<string, unknown>>;
    } & Record<string, unknown>;
    expect(sweepConfigErrors(c)).toBe('');
    expect(c.method).toBe('random');
    expect(c.program).toBe('train.py');
    // log_uniform takes ln bounds: the suggestion is written with raw values instead
    expect(c.parameters.lr.distribution).toBe('log_uniform_values');
    expect(c.parameters.lr.min as number).toBeGreaterThan(1e-5);
    expect(c.parameters.lr.max as number).toBeGreaterThan(1e-2);
    expect(c.parameters.lr.max as number).toBeLessThan(0.1);
    expect(c.parameters.opt.values).toEqual(['adam', 'rmsprop']);
    // outside the analysis: carried over
    expect(c.parameters.epochs).toEqual({ value: 10 });
    // not mattering: exactly as the original sweep searched it
    expect(c.parameters.noise).toEqual({ distribution: 'uniform', min: 0, max: 1 });
  });

  it('writes value lists for a grid sweep', () => {
    const grid = computeInsights(design, {
      goal: 'maximize',
      trees: 50,
      seed: 0,
      sweepConfig: { method: 'grid', parameters: { lr: { values: [1e-5, 1e-4, 1e-3, 1e-2] } } },
    });
    const c = grid.nextSweep!.config as { parameters: Record<string, Record<string, unknown>> };
    expect(sweepConfigErrors(c)).toBe('');
    for (const spec of Object.values(c.parameters))
      expect(Array.isArray(spec.values) || 'value' in spec).toBe(true);
  });
});

describe('nested sweep parameters', () => {
  it('are written back nested, as the original config holds them', () => {
    const rnd = stream(5);
    const m: Value[] = Array.from({ length: 40 }, () => rnd());
    const design = designFromColumns(
      'loss',
      m.map((v) => Number(v) + 0.01 * rnd()),
      { 'optimizer.momentum': m },
    );
    const sweepConfig = {
      method: 'bayes',
      metric: { name: 'loss', goal: 'minimize' },
      parameters: { optimizer: { parameters: { momentum: { min: 0, max: 1 } } }, seed: { value: 1 } },
    };
    const ins = computeInsights(design, { goal: 'minimize', trees: 20, seed: 0, sweepConfig });
    const c = ins.nextSweep!.config as {
      parameters: Record<string, { parameters?: Record<string, Record<string, unknown>> }>;
    };
    expect(sweepConfigErrors(c)).toBe('');
    const spec = c.parameters.optimizer.parameters!.momentum;
    expect(spec.min as number).toBeGreaterThanOrEqual(0);
    expect(spec.max as number).toBeLessThan(1);
    expect(c.parameters.seed).toEqual({ value: 1 });
  });
});

describe('extendList', () => {
  it('adds the next value of a progression past the crowded edge', () => {
    expect(extendList([16, 32, 64], 'high')).toEqual([16, 32, 64, 128]);
    expect(extendList([16, 32, 64], 'low')).toEqual([8, 16, 32, 64]);
    expect(extendList([1, 2, 3], 'high')).toEqual([1, 2, 3, 4]);
    expect(extendList([0.1, 0.2, 0.3], 'high')).toEqual([0.1, 0.2, 0.3, 0.4]);
    expect(extendList([1, 2, 3], 'low')).toEqual([1, 2, 3]); // would reach 0: left as is
    expect(extendList([1, 3, 4], 'high')).toEqual([1, 3, 4]);
    expect(extendList([16, 32, 64], null)).toEqual([16, 32, 64]);
    expect(extendList(['a', 'b', 'c'], 'high')).toEqual(['a', 'b', 'c']);
  });
});

describe('computeInsights on few runs', () => {
  it('has no cross-validation under 10 runs, and says so in the advice', () => {
    const design = designFromColumns('y', [1, 2, 3, 4, 5, 6], {
      a: [1, 2, 3, 4, 5, 6],
      b: ['x', 'y', 'x', 'y', 'x', 'y'],
    });
    const ins = computeInsights(design, { goal: 'maximize', trees: 10, seed: 0 });
    expect(ins.quality.cvR2).toBeNull();
    expect(ins.permutation).toEqual([]);
    expect(ins.interactions).toEqual([]);
    expect(ins.bestCount).toBe(5);
    expect(ins.advice[0].advice[0]).toMatch(/too few runs/);
    expect(sweepConfigErrors(ins.nextSweep!.config)).toBe('');
  });
});
