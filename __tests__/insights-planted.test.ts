import { describe, expect, it } from 'vitest';
import { computeInsights } from '../src/insights/compute-insights.js';
import { plantedDesign } from './fixtures/insights/planted.js';
import { sweepConfigErrors } from './fixtures/insights/schema.js';

// Issue 5: x1..x4 in [0, 1], c1 and c2 over {a, b, c}, 200 runs,
// target = 2·x1 + 1.5·x2·[c1 = b] + N(0, 0.3²); data seed 1, forest seed 0.
describe('planted effects', () => {
  const design = plantedDesign(1);
  const ins = computeInsights(design, { goal: 'maximize', trees: 250, seed: 0 });

  it('the model predicts the target', () => {
    expect(design.n).toBe(200);
    expect(ins.quality.cvR2!).toBeGreaterThan(0.6);
    expect(ins.quality.explainsNothing).toBe(false);
  });

  it('finds exactly x1, x2 and c1 as mattering', () => {
    const matters = ins.permutation.filter((p) => p.matters).map((p) => p.parameter);
    expect(matters.sort()).toEqual(['c1', 'x1', 'x2']);
    for (const p of ins.permutation) {
      if (!['x1', 'x2', 'c1'].includes(p.parameter)) expect(p.low).toBeLessThanOrEqual(0);
    }
    const byName = new Map(ins.permutation.map((p) => [p.parameter, p.mean]));
    expect(byName.get('x1')!).toBeGreaterThan(byName.get('c1')!);
    expect(byName.get('c1')!).toBeGreaterThan(byName.get('x2')!);
  });

  it('finds the x2 × c1 interaction, and only it', () => {
    expect(ins.interactions).toHaveLength(1);
    const [i] = ins.interactions;
    expect([i.a, i.b].sort()).toEqual(['c1', 'x2']);
    expect(i.strength).toBeGreaterThan(0.1);
    expect(i.sentence).toBe('x2 matters mostly when c1 = b');
  });

  it('advises on what matters and leaves the rest alone', () => {
    const advice = new Map(ins.advice.map((a) => [a.parameter, a]));
    expect(advice.get('x1')!.edge).toBe('high');
    // x1 is searched in [0, 1] and its best runs crowd 1: no extension past 1, a narrower range
    expect(advice.get('x1')!.advice[1]).toMatch(
      /^the best runs sit at the upper edge \(0\.99\d\), which is as far as it can go: narrow to 0\.\d+–0\.99\d$/,
    );
    expect(advice.get('c1')!.dropLevels).toEqual(['c']);
    expect(advice.get('c1')!.levels!.find((l) => l.level === 'b')!.shareBest).toBeGreaterThan(1 / 3);
    expect(advice.get('x3')!.advice[0]).toMatch(/looks irrelevant/);
    const c = ins.nextSweep!.config as { parameters: Record<string, Record<string, unknown>> };
    expect(sweepConfigErrors(c)).toBe('');
    // x3 is searched as before (the data's range, rounded outward)
    const x3 = design.parameters.find((p) => p.name === 'x3')!.raw!;
    expect(c.parameters.x3.min as number).toBeLessThanOrEqual(Math.min(...x3));
    expect(c.parameters.x3.max as number).toBeGreaterThanOrEqual(Math.max(...x3));
  });
});
