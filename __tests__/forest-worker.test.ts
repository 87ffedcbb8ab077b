import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import * as source from '../src/forest/forest.js';

// Worker threads need compiled JavaScript: compile src/forest with tsc into a temporary folder
// (worker.js next to forest.js, as the benchmark does) and compare with the single-thread fit.
const root = fileURLToPath(new URL('..', import.meta.url));
const out = mkdtempSync(join(tmpdir(), 'forest-worker-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

function compile(): void {
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  execFileSync(process.execPath, [
    tsc,
    join(root, 'src/forest/forest.ts'),
    join(root, 'src/forest/worker.ts'),
    ...['--outDir', out, '--rootDir', root, '--module', 'nodenext', '--moduleResolution', 'nodenext'],
    ...['--target', 'es2022', '--skipLibCheck', '--types', 'node', '--strict'],
  ]);
}

describe('worker threads', () => {
  it('grow the same forest as one thread, bit for bit', async () => {
    compile();
    const compiled = (await import(pathToFileURL(join(out, 'src/forest/forest.js')).href)) as typeof source;
    const n = 400;
    const k = 6;
    const X = new Float64Array(n * k);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < k; j++)
        X[j * n + i] = Math.sin(i * (j + 1) * 0.37) + (j === 3 ? Math.floor(i / 50) : 0);
      y[i] = X[i] * 2 + X[n + i] ** 2 + 0.1 * Math.cos(i);
    }
    const rows = Int32Array.from({ length: 300 }, (_, i) => (i * 13) % n);
    const one = source.fitExtraTrees(source.toFeatureMatrix(X, n, k), y, { trees: 9, seed: 5 }, rows);
    const many = await compiled.fitExtraTreesAsync(
      compiled.toFeatureMatrix(X, n, k),
      y,
      { trees: 9, seed: 5, threads: 3 },
      rows,
    );
    expect(many.trees.length).toBe(9);
    for (let t = 0; t < 9; t++) {
      const a = one.trees[t];
      const b = many.trees[t];
      expect(b.nodeCount).toBe(a.nodeCount);
      for (const key of [
        'feature',
        'threshold',
        'left',
        'right',
        'value',
        'impurity',
        'nNodeSamples',
      ] as const) {
        expect(Array.from(b[key].subarray(0, b.nodeCount))).toEqual(
          Array.from(a[key].subarray(0, a.nodeCount)),
        );
      }
    }
    expect(Array.from(many.featureImportances())).toEqual(Array.from(one.featureImportances()));
    // Posted in SharedArrayBuffers, never transferred: a detached buffer slows the worker's
    // typed-array code for good (worker.ts).
    expect(many.trees[0].feature.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(many.trees[0].threshold.buffer).toBeInstanceOf(SharedArrayBuffer);

    // One thread grows on a worker too (its trees come back shared), with the same trees.
    const single = await compiled.fitExtraTreesAsync(
      compiled.toFeatureMatrix(X, n, k),
      y,
      { trees: 9, seed: 5, threads: 1 },
      rows,
    );
    expect(single.trees[8].value.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(Array.from(single.featureImportances())).toEqual(Array.from(one.featureImportances()));
  });

  it('falls back to the calling thread under the TypeScript sources', async () => {
    const n = 30;
    const X = source.toFeatureMatrix(
      Float64Array.from({ length: n * 2 }, (_, i) => (i * 7) % 11),
      n,
      2,
    );
    const y = Float64Array.from({ length: n }, (_, i) => i % 5);
    const a = await source.fitExtraTreesAsync(X, y, { trees: 4, seed: 1, threads: 4 });
    const b = source.fitExtraTrees(X, y, { trees: 4, seed: 1 });
    expect(Array.from(a.featureImportances())).toEqual(Array.from(b.featureImportances()));
    expect(source.threadCount({ trees: 3, seed: 0, threads: 8 })).toBe(3);
    // one float32 matrix per design matrix: the analysis and the insights share it (and its row-major copy)
    const X64 = Float64Array.from({ length: n * 2 }, (_, i) => i);
    const m1 = source.toFeatureMatrix(X64, n, 2);
    expect(source.toFeatureMatrix(X64, n, 2)).toBe(m1);
    expect(source.toFeatureMatrix(X64.slice(), n, 2)).not.toBe(m1);
    expect(source.threadCount({ trees: 300, seed: 0, threads: 0 })).toBeGreaterThanOrEqual(1);
  });
});
