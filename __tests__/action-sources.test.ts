/**
 * The action's source inputs (action.yml → src/action/inputs.ts → the registry): mlflow-experiment with
 * mlflow-tracking-uri and metric-agg, optuna-storage with optuna-study; exactly one source; an input of
 * another source refused; MLflow's credentials from the environment masked. And the whole analysis on
 * an Optuna SQLite file read through the inputs.
 */
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { readInputs, readRunnerContext } from '../src/action/inputs.js';
import { runAnalysis } from '../src/analysis/run-analysis.js';
import { commentKeyOf } from '../src/sources/registry.js';
import { UsageError } from '../src/errors.js';

const reader = (inputs: Record<string, string>) => (name: string) => (inputs[name] ?? '').trim();
const ctx = readRunnerContext({ GITHUB_EVENT_NAME: 'push', GITHUB_REPOSITORY: 'octo-org/models' });
// what the runner passes for inputs left out: action.yml's defaults
const DEFAULTS = { 'metric-agg': 'last', wait: 'false', 'wait-timeout': '60', comment: 'update' };

describe('source inputs', () => {
  test('mlflow-experiment, mlflow-tracking-uri, metric-agg; credentials from the environment are masked', () => {
    const env = { MLFLOW_TRACKING_TOKEN: 'tok-123456789', MLFLOW_TRACKING_PASSWORD: 'pw-987654321' };
    const r = readInputs(
      reader({
        ...DEFAULTS,
        'mlflow-experiment': 'lr-sweep',
        'mlflow-tracking-uri': 'https://mlflow.example.com',
        'metric-agg': 'max',
        target: 'val_acc',
      }),
      ctx,
      env,
    );
    expect(r.analysis.source).toEqual({
      kind: 'mlflow',
      options: {
        mlflow: 'lr-sweep',
        'mlflow-tracking-uri': 'https://mlflow.example.com',
        'metric-agg': 'max',
      },
    });
    expect(r.analysis.runsFile).toBeUndefined();
    expect(r.analysis.sweep).toBeUndefined();
    expect(r.analysis.env).toBe(env);
    expect(r.secrets).toEqual(expect.arrayContaining(['tok-123456789', 'pw-987654321']));
  });

  test('optuna-storage and optuna-study; states for trials', () => {
    const r = readInputs(
      reader({
        ...DEFAULTS,
        'optuna-storage': 'sqlite:///study.db',
        'optuna-study': 'mnist-tpe',
        states: 'complete,pruned',
      }),
      ctx,
      {},
    );
    expect(r.analysis.source).toEqual({
      kind: 'optuna',
      options: { optuna: 'sqlite:///study.db', study: 'mnist-tpe' },
    });
    expect(r.analysis.states).toEqual(['complete', 'pruned']);
  });

  test('exactly one source; an input of another source is refused', () => {
    const cases: [Record<string, string>, RegExp][] = [
      [{}, /^give one source: the input `sweep`.*`mlflow-experiment` or `optuna-storage`$/],
      [
        { 'runs-file': 'a.csv', 'optuna-storage': 'b.journal' },
        /give one source, not both: .*\(got `runs-file` and `optuna-storage`\)/,
      ],
      [
        { 'runs-file': 'a.csv', 'optuna-study': 's' },
        /input `optuna-study` belongs to `optuna-storage`, not to `runs-file`/,
      ],
      [
        { 'optuna-storage': 'b.journal', 'metric-agg': 'min' },
        /input `metric-agg` belongs to `mlflow-experiment`/,
      ],
    ];
    for (const [inputs, message] of cases) {
      expect(() => readInputs(reader({ ...DEFAULTS, ...inputs }), ctx, {})).toThrow(UsageError);
      expect(() => readInputs(reader({ ...DEFAULTS, ...inputs }), ctx, {})).toThrow(message);
    }
    // metric-agg at its default is no input of its own
    expect(() => readInputs(reader({ ...DEFAULTS, 'runs-file': 'a.csv' }), ctx, {})).not.toThrow();
  });

  test('an Optuna SQLite study through the inputs: analysed, and its own comment key', async () => {
    const db = join(__dirname, 'fixtures', 'optuna', 'study.db');
    const r = readInputs(
      reader({
        ...DEFAULTS,
        'optuna-storage': db,
        'optuna-study': 'two-objectives',
        target: 'latency_ms',
        trees: '20',
      }),
      ctx,
      {},
    );
    const a = await runAnalysis({ ...r.analysis, insights: false, threads: 1 });
    expect(a.request.goal).toBe('minimize');
    expect(a.meta.kind).toBe('optuna');
    expect(commentKeyOf(a.meta, a.request.target)).toBe('optuna=two-objectives@study.db target=latency_ms');
  });
});
