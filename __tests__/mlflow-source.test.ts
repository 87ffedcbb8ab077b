/**
 * The MLflow source against the local stand-in (__tests__/helpers/mlflow-server.ts, which validates
 * every request as service.proto has it): an experiment built from an example's runs reads to the
 * same recipe keys as the example's CSV, over three pages and through a 429 and a 500; 401 and a
 * missing experiment fail with one line (exit 3, exit 2) that never holds the credentials; auth as
 * MLflow's clients send it; --metric-agg from the history; nested runs; --states.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAnalysis, type AnalysisInput } from '../src/analysis/run-analysis.js';
import { resultsJson } from '../src/analysis/results-json.js';
import { NA_TOKENS } from '../src/table/typing.js';
import { loadExperiment } from '../src/sources/mlflow/load-experiment.js';
import { datasetInfo, parseCsv } from './helpers/wandb-server.js';
import { failureLine } from './helpers/failure.js';
import { compareToOracle, recipe } from './helpers/parity.js';
import { startMlflowServer, type FixtureExperiment, type MlflowServer } from './helpers/mlflow-server.js';

const EXAMPLES = join(__dirname, '..', 'examples');
const TOKEN = 'mlflow-token-' + 'NeverPrintMe'.repeat(3);
const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

/** An experiment logged from examples/<dataset>/runs.csv: its parameters as params (the CSV's text), the rest as metrics. */
function datasetExperiment(dataset: string, id: string): FixtureExperiment {
  const info = datasetInfo(dataset);
  const [header, ...rows] = parseCsv(readFileSync(join(EXAMPLES, dataset, 'runs.csv'), 'utf8'));
  return {
    experiment_id: id,
    name: dataset,
    runs: rows
      .filter((r) => r.length === header.length)
      .map((row, i) => {
        const params: Record<string, string> = {};
        const metrics: Record<string, number> = {};
        header.forEach((col, j) => {
          const text = row[j];
          if (NA_TOKENS.has(text)) return; // never logged
          if (info.params.includes(col)) params[col] = text;
          else if (NUMBER.test(text.trim())) metrics[col] = Number(text);
        });
        return { run_id: `run${String(i).padStart(5, '0')}`, run_name: `trial-${i}`, params, metrics };
      }),
  };
}

async function json(input: AnalysisInput): Promise<Record<string, unknown>> {
  return JSON.parse(resultsJson(await runAnalysis(input)));
}

const base: Pick<AnalysisInput, 'trees' | 'seed' | 'rules' | 'insights'> = {
  trees: 40,
  seed: 0,
  rules: [],
  insights: true,
};
let server: MlflowServer;

function mlflow(
  experiment: string,
  extra: Partial<AnalysisInput> = {},
  options: Record<string, string> = {},
): AnalysisInput {
  return {
    ...base,
    source: {
      kind: 'mlflow',
      options: { mlflow: experiment, 'mlflow-tracking-uri': server.url, ...options },
    },
    env: { MLFLOW_TRACKING_TOKEN: TOKEN },
    ...extra,
  };
}

const nested: FixtureExperiment = {
  experiment_id: '7',
  name: 'nested',
  runs: [
    { run_id: 'parent', run_name: 'hyperopt-parent', params: { algo: 'tpe' }, metrics: { best_loss: 0.1 } },
    ...Array.from({ length: 30 }, (_, i) => ({
      run_id: `child${i}`,
      run_name: `child-${i}`,
      status: (i % 10 === 9 ? 'FAILED' : 'FINISHED') as 'FAILED' | 'FINISHED',
      params: { lr: String(0.001 * (1 + (i % 7))), layers: String(1 + (i % 3)), opt: i % 2 ? 'adam' : 'sgd' },
      metrics: { loss: 1 / (1 + i) + (i % 3) * 0.01 },
      history: { loss: [2, 1 / (1 + i) - 0.05, 1 / (1 + i) + (i % 3) * 0.01] },
      tags: { 'mlflow.parentRunId': 'parent' },
    })),
  ],
};

beforeAll(async () => {
  server = await startMlflowServer({
    token: TOKEN,
    maxResultsCap: 100,
    experiments: [
      datasetExperiment('cave-sklearn-mlp', '1'),
      datasetExperiment('optuna-fashionmnist', '2'),
      nested,
    ],
  });
});
afterAll(async () => server.close());

describe('MLflow experiments read as their CSV export reads', () => {
  for (const [dataset, ref] of [
    ['cave-sklearn-mlp', 'cave-sklearn-mlp'],
    ['optuna-fashionmnist', '2'],
  ] as const) {
    it(`${dataset} (by ${ref === dataset ? 'name' : 'id'}): the same recipe keys as the CSV`, async () => {
      const info = datasetInfo(dataset);
      const before = server.requests.length;
      const doc = await json(mlflow(ref, { target: info.target, goal: info.goal }));
      const csv = await json({
        ...base,
        runsFile: join(EXAMPLES, dataset, 'runs.csv'),
        target: info.target,
        goal: info.goal,
        params: info.params,
      });
      expect(compareToOracle(recipe(doc), recipe(csv))).toEqual([]);
      expect(doc.source).toContain(`MLflow experiment ${dataset}`);
      const searches = server.requests.slice(before).filter((r) => r.endpoint === 'runs/search');
      expect(searches.every((r) => r.status === 200)).toBe(true);
      if (dataset === 'cave-sklearn-mlp') expect(searches.length).toBe(3); // 256 runs, 100 a page
    });
  }

  it('pages through a 429 (Retry-After) and a 500, and every search body is as service.proto has it', async () => {
    const info = datasetInfo('cave-sklearn-mlp');
    server.addFaults(
      {
        kind: 'status',
        status: 429,
        retryAfterSeconds: 0,
        on: 'runs/search',
        body: '{"error_code":"REQUEST_LIMIT_EXCEEDED","message":"slow down"}',
      },
      { kind: 'status', status: 500, on: 'runs/search' },
    );
    const before = server.requests.length;
    const notes: string[] = [];
    const a = await json(
      mlflow('cave-sklearn-mlp', { target: info.target, goal: info.goal, onProgress: (m) => notes.push(m) }),
    );
    const b = await json(mlflow('cave-sklearn-mlp', { target: info.target, goal: info.goal }));
    expect(compareToOracle(recipe(a), recipe(b))).toEqual([]);
    const mine = server.requests.slice(before);
    expect(mine.filter((r) => r.fault === 'status').map((r) => r.status)).toEqual([429, 500]);
    expect(notes.some((n) => /MLflow: HTTP 429; retrying/.test(n))).toBe(true);
    for (const r of mine.filter((x) => x.endpoint === 'runs/search' && x.fault === null)) {
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({
        experiment_ids: ['1'],
        filter: '',
        run_view_type: 'ACTIVE_ONLY',
        max_results: 1000,
      });
      expect(r.authorization).toBe(`Bearer ${TOKEN}`);
    }
    const tokens = mine.filter((r) => r.endpoint === 'runs/search').map((r) => r.body?.page_token);
    expect(tokens.filter((t) => t !== undefined).length).toBeGreaterThanOrEqual(2);
  });

  it('Basic auth from MLFLOW_TRACKING_USERNAME/PASSWORD (before the token), never printed', async () => {
    const basic = await startMlflowServer({
      username: 'ana',
      password: 'Sup3r-Secret-Pass',
      experiments: [nested],
    });
    try {
      const ok = await loadExperiment(
        { experiment: 'nested', trackingUri: basic.url },
        {
          MLFLOW_TRACKING_USERNAME: 'ana',
          MLFLOW_TRACKING_PASSWORD: 'Sup3r-Secret-Pass',
          MLFLOW_TRACKING_TOKEN: 'ignored-token',
        },
      );
      expect(ok.table.rowCount).toBe(30);
      expect(basic.requests[0].authorization).toBe(
        `Basic ${Buffer.from('ana:Sup3r-Secret-Pass').toString('base64')}`,
      );
      const bad = await failureLine(
        loadExperiment(
          { experiment: 'nested', trackingUri: basic.url },
          { MLFLOW_TRACKING_USERNAME: 'ana', MLFLOW_TRACKING_PASSWORD: 'wrong-password' },
        ),
      );
      expect(bad.code).toBe(3);
      expect(bad.line).toContain('MLFLOW_TRACKING_USERNAME/MLFLOW_TRACKING_PASSWORD');
      expect(bad.line).not.toContain('wrong-password');
    } finally {
      await basic.close();
    }
  });
});

describe('MLflow failures: one line, the right exit code, no secret', () => {
  it('401: exit 3 naming MLFLOW_TRACKING_TOKEN', async () => {
    const err = await failureLine(
      runAnalysis(mlflow('nested', { env: { MLFLOW_TRACKING_TOKEN: 'wrong-' + TOKEN } })),
    );
    expect(err.code).toBe(3);
    expect(err.line).toMatch(
      /^error: MLflow at 127\.0\.0\.1:\d+ refused the credentials \(HTTP 401: .*\): check MLFLOW_TRACKING_TOKEN$/,
    );
    expect(err.line).not.toContain(TOKEN);
    expect(err.line.split('\n')).toHaveLength(1);
  });

  it('a missing experiment: exit 2 naming it', async () => {
    for (const ref of ['no-such-experiment', '999']) {
      const err = await failureLine(runAnalysis(mlflow(ref)));
      expect(err.code).toBe(2);
      expect(err.line).toContain(
        ref === '999' ? 'no experiment with id or name 999' : 'no experiment named "no-such-experiment"',
      );
      expect(err.line.split('\n')).toHaveLength(1);
    }
  });

  it('5xx after the retries: exit 3; no tracking URI, or a file:// one: exit 2', async () => {
    server.addFaults(
      ...Array.from({ length: 3 }, () => ({
        kind: 'status' as const,
        status: 503,
        on: 'experiments/get-by-name',
      })),
    );
    const err = await failureLine(
      loadExperiment(
        {
          experiment: 'nested',
          trackingUri: server.url,
          retries: 2,
          retryBaseDelayMs: 1,
          retryMaxDelayMs: 2,
        },
        { MLFLOW_TRACKING_TOKEN: TOKEN },
      ),
    );
    expect(err.code).toBe(3);
    expect(err.line).toContain('HTTP 503');
    expect(err.line).toContain('gave up after 3 attempts');
    const none = await failureLine(
      runAnalysis({ ...base, source: { kind: 'mlflow', options: { mlflow: 'x' } }, env: {} }),
    );
    expect(none.code).toBe(2);
    expect(none.line).toContain('--mlflow-tracking-uri or MLFLOW_TRACKING_URI');
    const file = await failureLine(
      runAnalysis({
        ...base,
        source: { kind: 'mlflow', options: { mlflow: 'x' } },
        env: { MLFLOW_TRACKING_URI: 'file:///tmp/mlruns' },
      }),
    );
    expect(file.code).toBe(2);
    expect(file.line).toContain('must be an http:// or https:// server');
  });

  it('a server paging without end is stopped by the page cap', async () => {
    const err = await failureLine(
      loadExperiment(
        { experiment: 'cave-sklearn-mlp', trackingUri: server.url, maxPages: 2, pageSize: 100 },
        { MLFLOW_TRACKING_TOKEN: TOKEN },
      ),
    );
    expect(err.code).toBe(3);
    expect(err.line).toContain('after 2 pages');
  });
});

describe('MLflow runs: nested, states, --metric-agg', () => {
  it('a parent of nested runs is left out; params typed as a CSV types them', async () => {
    const notes: string[] = [];
    const { table, meta } = await loadExperiment(
      { experiment: 'nested', trackingUri: server.url, onProgress: (m) => notes.push(m) },
      { MLFLOW_TRACKING_TOKEN: TOKEN },
    );
    expect(table.rowCount).toBe(30);
    expect(table.configKeys).toEqual(['lr', 'layers', 'opt']);
    expect(table.metricKeys).toEqual(['loss']);
    expect(table.textual).toBe(true);
    expect(meta.states).toEqual({ finished: 27, failed: 3 });
    expect(meta.key).toMatch(/^mlflow=127\.0\.0\.1:\d+\/7$/);
    expect(meta.url).toBe(`${server.url}/#/experiments/7`);
    expect(table.runMeta![0]).toMatchObject({ id: 'child0', name: 'child-0', state: 'finished' });
    expect(notes.join('\n')).toContain('left out 1 parent run of nested runs');
    const doc = await json(mlflow('nested', { target: 'loss', insights: false }));
    expect(doc.parameters).toEqual({ lr: 'numeric', layers: 'numeric', opt: 'categorical' });
    expect((doc.goal as { direction: string }).direction).toBe('minimize');
  });

  it('--states keeps those states; an unknown state is refused with the list', async () => {
    const doc = await json(mlflow('nested', { target: 'loss', insights: false, states: ['failed'] }));
    expect((doc.runs as { total: number }).total).toBe(3);
    const err = await failureLine(runAnalysis(mlflow('nested', { target: 'loss', states: ['crashed'] })));
    expect(err.code).toBe(2);
    expect(err.line).toContain('running, scheduled, finished, failed, killed');
  });

  it('--metric-agg min|max reads the target history (paged, a few runs at a time); last is the latest', async () => {
    const small = await startMlflowServer({ token: TOKEN, experiments: [nested], historyPageCap: 2 });
    try {
      const read = async (agg: string) =>
        (
          await loadExperiment(
            {
              experiment: '7',
              trackingUri: small.url,
              metricAgg: agg as 'min',
              target: 'loss',
              concurrency: 4,
            },
            { MLFLOW_TRACKING_TOKEN: TOKEN },
          )
        ).table.cells.get('loss')!;
      const runs = nested.runs.slice(1);
      expect(await read('last')).toEqual(runs.map((r) => String(r.metrics.loss)));
      expect(await read('min')).toEqual(runs.map((r) => String(Math.min(...r.history!.loss))));
      expect(await read('max')).toEqual(runs.map(() => '2'));
      const histories = small.requests.filter((r) => r.endpoint === 'metrics/get-history');
      expect(histories.length).toBe(2 * 30 * 2); // min and max; 3 values at 2 a page
      expect(histories.every((r) => r.query.metric_key === 'loss')).toBe(true);
      const noTarget = await failureLine(runAnalysis(mlflow('nested', {}, { 'metric-agg': 'min' })));
      expect(noTarget.code).toBe(2);
      expect(noTarget.line).toContain('--metric-agg min reads one metric');
      const badAgg = await failureLine(
        runAnalysis(mlflow('nested', { target: 'loss' }, { 'metric-agg': 'mean' })),
      );
      expect(badAgg.line).toContain('--metric-agg must be one of last, min, max');
    } finally {
      await small.close();
    }
  });
});
