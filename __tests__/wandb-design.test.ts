/**
 * The nine example datasets served as W&B sweeps by the stand-in server and read back with
 * loadSweep give the same design, bit for bit, as their CSV files: the W&B shape (wrapped JSON
 * config, summary with NaN tokens and internals) loses and adds nothing on the way to the analysis.
 */
import { describe, expect, it } from 'vitest';
import { buildDesign } from '../src/design/build-design.js';
import { readRunsFile } from '../src/sources/read-runs.js';
import { loadSweep } from '../src/sources/wandb/load-sweep.js';
import { datasetInfo, datasetSweep, startWandbServer } from './helpers/wandb-server.js';

const DATASETS = [
  'autosklearn-wide',
  'cave-sklearn-mlp',
  'digits-sklearn',
  'eeg-tcn-bohb',
  'hiplot-ml1',
  'hpbandster-mnist-cnn',
  'mnist-pytorch',
  'optuna-fashionmnist',
  'random-control',
];
const KEY = 'local-' + '5'.repeat(40);
const bytes = (a: Float64Array): Buffer => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
const REF = { entity: 'team', project: 'examples', id: 'ex000001' };

describe('a dataset read as a W&B sweep gives the design of its CSV', () => {
  for (const dataset of DATASETS) {
    it(dataset, async () => {
      const info = datasetInfo(dataset);
      const server = await startWandbServer({ apiKey: KEY, sweeps: [datasetSweep(dataset, REF)] });
      try {
        const loaded = await loadSweep(REF, { apiKey: KEY, baseUrl: server.url });
        expect(loaded.sweep.parameters).toEqual(info.params);
        expect(loaded.sweep.metric).toEqual({ name: info.target, goal: info.goal });
        const csv = await readRunsFile(`examples/${dataset}/runs.csv`);
        const fromCsv = buildDesign(csv, { target: info.target, params: info.params });
        // A parameter that no run set never reaches a W&B config (CSV: an empty column, dropped anyway).
        const present = info.params.filter((p) => loaded.table.cells.has(p));
        expect(present).toEqual(info.params.filter((p) => !fromCsv.dropped.includes(p)));
        const fromSweep = buildDesign(loaded.table, { target: info.target, params: present });
        expect(fromSweep.features).toEqual(fromCsv.features);
        expect(fromSweep.n).toBe(fromCsv.n);
        expect(bytes(fromSweep.X).equals(bytes(fromCsv.X))).toBe(true);
        expect(bytes(fromSweep.y).equals(bytes(fromCsv.y))).toBe(true);
      } finally {
        await server.close();
      }
    });
  }
});
