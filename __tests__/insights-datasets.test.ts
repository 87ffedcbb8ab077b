import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { buildDesign } from '../src/design/build-design.js';
import type { Design, Goal } from '../src/design/types.js';
import { bestRuns } from '../src/insights/advice.js';
import { computeInsights, computeInsightsAsync } from '../src/insights/compute-insights.js';
import type { Insights } from '../src/insights/types.js';
import { readRunsFile } from '../src/sources/read-runs.js';
import { sweepConfigErrors } from './fixtures/insights/schema.js';

const examples = new URL('../examples/', import.meta.url);

async function example(
  name: string,
): Promise<{ design: Design; goal: Goal; oracle: { cv_r2: { folds: number[]; mean: number } } }> {
  const dir = new URL(`${name}/`, examples);
  const table = await readRunsFile(new URL('runs.csv', dir).pathname);
  const params = readFileSync(new URL('params.txt', dir), 'utf8').trim().split(',');
  const [target, goal] = readFileSync(new URL('target.txt', dir), 'utf8').trim().split(/\s+/);
  const oracle = JSON.parse(readFileSync(new URL(`./fixtures/oracle/${name}.json`, import.meta.url), 'utf8'));
  return { design: buildDesign(table, { target, params }), goal: goal as Goal, oracle };
}

/**
 * The next sweep's bounds against the data: a parameter that matters is searched where its best runs
 * are (every best run inside); any other keeps at least the range its runs covered.
 */
function checkBounds(design: Design, ins: Insights, goal: Goal): void {
  const params = (ins.nextSweep!.config as { parameters: Record<string, Record<string, unknown>> })
    .parameters;
  const best = bestRuns(design.y, goal, ins.bestCount);
  for (const a of ins.advice) {
    const p = design.parameters.find((q) => q.name === a.parameter)!;
    const spec = params[a.parameter];
    if (p.kind !== 'numeric' || typeof spec?.min !== 'number' || typeof spec.max !== 'number') continue;
    const present = Array.from(p.raw!).filter((v) => !Number.isNaN(v));
    if (a.matters && a.suggested) {
      for (const i of best) {
        const v = p.raw![i];
        if (Number.isNaN(v)) continue;
        expect(v, `${a.parameter}: best run ${i}`).toBeGreaterThanOrEqual(spec.min);
        expect(v, `${a.parameter}: best run ${i}`).toBeLessThanOrEqual(spec.max);
      }
    } else {
      expect(spec.min, a.parameter).toBeLessThanOrEqual(Math.min(...present));
      expect(spec.max, a.parameter).toBeGreaterThanOrEqual(Math.max(...present));
    }
  }
}

describe('random-control: the target is noise', async () => {
  const { design, goal, oracle } = await example('random-control');
  const ins = computeInsights(design, { goal, trees: 250, seed: 0 });

  it('says nothing reliably matters', () => {
    expect(ins.quality.cvR2!).toBeCloseTo(oracle.cv_r2.mean, 9);
    expect(ins.quality.explainsNothing).toBe(true);
    expect(ins.outliers).toEqual([]);
    // no interval lies above 0 (they lie below: permuting breaks the forest's memorised noise)
    for (const p of ins.permutation) {
      expect(p.matters, p.parameter).toBe(false);
      expect(p.low, p.parameter).toBeLessThanOrEqual(0);
    }
    expect(ins.advice.every((a) => !a.matters && /no reliable effect/.test(a.advice[0]))).toBe(true);
    expect(ins.interactions).toEqual([]);
  });

  it('narrows nothing in the next sweep', () => {
    expect(sweepConfigErrors(ins.nextSweep!.config)).toBe('');
    expect(ins.nextSweep!.yaml).toMatch(/No parameter reliably matters/);
    checkBounds(design, ins, goal);
  });
});

describe('mnist-pytorch', async () => {
  const { design, goal, oracle } = await example('mnist-pytorch');
  const ins = computeInsights(design, { goal, trees: 250, seed: 0 });

  it('cross-validates exactly as the recipe (oracle cv_r2), and predicts', () => {
    expect(ins.quality.cvR2Folds!.length).toBe(5);
    ins.quality.cvR2Folds!.forEach((f, i) => expect(f).toBeCloseTo(oracle.cv_r2.folds[i], 9));
    expect(ins.quality.cvR2!).toBeCloseTo(oracle.cv_r2.mean, 9);
    expect(ins.quality.effectiveR2!).toBeGreaterThan(0.3);
    // 59 crashed-looking runs (accuracy 0.50–0.68) are flagged; without them the quality holds
    expect(ins.outliers.length).toBe(59);
    expect(ins.outliers.every((o) => o.robustZ < -5)).toBe(true);
    expect(ins.quality.cvR2WithoutOutliers!).toBeGreaterThan(0.75);
  });

  it('lists the parameters whose interval lies above 0, learning_rate among them', () => {
    const lr = ins.permutation.find((p) => p.parameter === 'learning_rate')!;
    expect(lr.low).toBeGreaterThan(0);
    expect(lr.matters).toBe(true);
    expect(ins.permutation.filter((p) => p.matters).length).toBeGreaterThanOrEqual(3);
  });

  it('suggests a valid next sweep within the data', () => {
    expect(sweepConfigErrors(ins.nextSweep!.config)).toBe('');
    expect(parseYaml(ins.nextSweep!.yaml)).toEqual(ins.nextSweep!.config);
    const c = ins.nextSweep!.config as { parameters: Record<string, Record<string, unknown>> };
    expect(c.parameters.learning_rate.distribution).toBe('log_uniform_values');
    expect(c.parameters.model.values).toEqual(['cnn']);
    checkBounds(design, ins, goal);
    expect(ins.interactions.length).toBeGreaterThan(0);
    expect(ins.interactions.length).toBeLessThanOrEqual(3);
  });
});

describe('hpbandster-mnist-cnn', async () => {
  const { design, goal, oracle } = await example('hpbandster-mnist-cnn');
  const ins = computeInsights(design, { goal, trees: 250, seed: 0 });

  it('predicts, lists what matters, suggests a valid next sweep', async () => {
    expect(ins.quality.cvR2!).toBeCloseTo(oracle.cv_r2.mean, 9);
    expect(ins.quality.cvR2!).toBeGreaterThan(0.3);
    const matters = ins.permutation.filter((p) => p.matters).map((p) => p.parameter);
    expect(matters).toContain('lr');
    expect(matters).toContain('optimizer');
    expect(sweepConfigErrors(ins.nextSweep!.config)).toBe('');
    checkBounds(design, ins, goal);
    // the threaded variant gives the same insights
    expect(await computeInsightsAsync(design, { goal, trees: 250, seed: 0, threads: 2 })).toEqual(ins);
  });
});

describe('eeg-tcn-bohb: diverged runs', async () => {
  const { design, goal, oracle } = await example('eeg-tcn-bohb');
  const ins = computeInsights(design, { goal, trees: 250, seed: 0 });

  it('flags the diverged runs and measures the quality without them', () => {
    expect(ins.quality.cvR2!).toBeCloseTo(oracle.cv_r2.mean, 9);
    expect(ins.quality.cvR2!).toBeLessThan(-2.5);
    const values = ins.outliers.map((o) => o.value);
    expect(values.filter((v) => v > 8).length).toBe(3);
    expect(values.every((v) => v > 1)).toBe(true);
    expect(ins.quality.cvR2WithoutOutliers!).toBeGreaterThan(0.7);
    expect(ins.quality.explainsNothing).toBe(false);
    expect(sweepConfigErrors(ins.nextSweep!.config)).toBe('');
    checkBounds(design, ins, goal);
  });
}, 60_000);
