/**
 * The action's run() in process (src/action/main.ts; dist/ is rebuilt separately) on an Optuna SQLite
 * study and on an MLflow experiment behind the stand-in: the runner's files (GITHUB_OUTPUT, the job
 * summary), the next sweep in Optuna's terms at next-sweep-path, the report naming the source, and
 * MLflow's token masked, never written.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../src/action/main.js';
import { startMlflowServer, type MlflowServer } from './helpers/mlflow-server.js';

const DB = join(__dirname, 'fixtures', 'optuna', 'study.db');
const TOKEN = 'mlflow-' + 'ActionTokenNeverShown'.repeat(2);
const saved = { ...process.env };
let server: MlflowServer;

beforeAll(async () => {
  server = await startMlflowServer({
    token: TOKEN,
    experiments: [
      {
        experiment_id: '5',
        name: 'bs-sweep',
        runs: Array.from({ length: 30 }, (_, i) => ({
          run_id: `r${i}`,
          params: { lr: String(10 ** (-1 - (i % 4))), batch: String(16 * (1 + (i % 3))) },
          metrics: { val_loss: 0.5 - 0.05 * (i % 4) + 0.01 * (i % 3) },
          history: { val_loss: [1, 0.3 - 0.05 * (i % 4), 0.5 - 0.05 * (i % 4) + 0.01 * (i % 3)] },
        })),
      },
    ],
  });
});
afterAll(async () => server.close());
afterEach(() => {
  for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
  Object.assign(process.env, saved);
});

function runner(
  inputs: Record<string, string>,
  env: Record<string, string> = {},
): { out: string; summary: string; temp: string } {
  const temp = mkdtempSync(join(tmpdir(), 'action-run-'));
  const out = join(temp, 'output.txt');
  const summary = join(temp, 'summary.md');
  writeFileSync(out, '');
  writeFileSync(summary, '');
  Object.assign(process.env, {
    GITHUB_OUTPUT: out,
    GITHUB_STEP_SUMMARY: summary,
    GITHUB_EVENT_NAME: 'push',
    GITHUB_REPOSITORY: 'octo-org/models',
    RUNNER_TEMP: temp,
    INPUT_COMMENT: 'off',
    'INPUT_METRIC-AGG': 'last',
    INPUT_TREES: '30',
    ...env,
  });
  for (const [k, v] of Object.entries(inputs)) process.env[`INPUT_${k.toUpperCase()}`] = v;
  return { out, summary, temp };
}

/** GITHUB_OUTPUT's `name<<delimiter` blocks. */
function outputs(file: string): Record<string, string> {
  const text = readFileSync(file, 'utf8');
  const found: Record<string, string> = {};
  for (const m of text.matchAll(/^([\w-]+)<<(\S+)\n([\s\S]*?)\n\2$/gm)) found[m[1]] = m[3];
  return found;
}

describe('the action on the new sources', () => {
  it('an Optuna SQLite study: outputs, the next sweep as Optuna distributions, the report names the study', async () => {
    const files = runner({ 'optuna-storage': `sqlite:///${DB}`, 'optuna-study': 'mnist-tpe' });
    const code = await run();
    expect(code).toBe(0);
    const o = outputs(files.out);
    expect(o['next-sweep-path']).toMatch(/next-study\.json$/);
    const next = JSON.parse(readFileSync(o['next-sweep-path'], 'utf8'));
    expect(next.lr.name).toBe('FloatDistribution');
    const results = JSON.parse(readFileSync(o['results-path'], 'utf8'));
    expect(results.target).toBe('value');
    expect(results.next_study).toEqual(next);
    expect(results.source_meta.kind).toBe('optuna');
    const summary = readFileSync(files.summary, 'utf8');
    expect(summary).toContain('Runs: Optuna study mnist-tpe');
    // the report shows the same next step, in Optuna's terms
    expect(summary).toContain('### Next study (Optuna distributions)');
    expect(summary).toContain('"FloatDistribution"');
    expect(summary).not.toContain('Next sweep (W&B config)');
  });

  it('an MLflow experiment with metric-agg min, the token from the environment masked and never written', async () => {
    const stdout: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string | Uint8Array) => {
      stdout.push(String(chunk));
      return true;
    }) as typeof process.stdout.write;
    let code;
    let files;
    try {
      files = runner(
        {
          'mlflow-experiment': 'bs-sweep',
          'mlflow-tracking-uri': server.url,
          'metric-agg': 'min',
          target: 'val_loss',
        },
        { MLFLOW_TRACKING_TOKEN: TOKEN },
      );
      code = await run();
    } finally {
      process.stdout.write = write;
    }
    expect(code).toBe(0);
    const log = stdout.join('');
    expect(log).toContain(`::add-mask::${TOKEN}`);
    expect(log.replace(`::add-mask::${TOKEN}`, '')).not.toContain(TOKEN);
    const o = outputs(files.out);
    const results = readFileSync(o['results-path'], 'utf8');
    expect(results).not.toContain(TOKEN);
    expect(JSON.parse(results).runs.used).toBe(30);
    const meta = JSON.parse(results).source_meta;
    expect(meta.kind).toBe('mlflow');
    expect(meta.target_reading).toMatch(/^each run's lowest value/);
    expect(meta.details.metric_agg).toBe('min');
    expect(o['next-sweep-path']).toMatch(/next-sweep\.yaml$/);
    // the report (what the job summary shows; @actions/core keeps the first run's summary file)
    const report = readFileSync(o['report-path'], 'utf8');
    expect(report).toContain('Runs: MLflow experiment');
    // the report says the target is each run's best, not its last value
    expect(report).toContain("Target: each run's lowest value over its logged history (--metric-agg min).");
    expect(server.requests.filter((r) => r.endpoint === 'metrics/get-history')).toHaveLength(30);
  });
});
