/**
 * The CLI's source flags, in process (src/cli/main.ts; dist/ is rebuilt separately): --mlflow against
 * the stand-in tracking server, --optuna on the committed studies, one source only, a source's flag
 * without its source refused, help from the registry, the comment key from the source's metadata.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commentKeyOf, selectSource, SOURCES } from '../src/sources/registry.js';
import { startMlflowServer, type MlflowServer } from './helpers/mlflow-server.js';
import { runCli } from './helpers/run-cli.js';

const OPTUNA = join(__dirname, 'fixtures', 'optuna');
const TOKEN = 'tok-' + 'DoNotPrintThisToken'.repeat(2);

let server: MlflowServer;
beforeAll(async () => {
  server = await startMlflowServer({
    token: TOKEN,
    experiments: [
      {
        experiment_id: '3',
        name: 'lr-sweep',
        runs: Array.from({ length: 24 }, (_, i) => ({
          run_id: `r${i}`,
          run_name: `run-${i}`,
          params: {
            lr: String(10 ** (-1 - (i % 4))),
            batch: String(16 * (1 + (i % 3))),
            opt: i % 2 ? 'adam' : 'sgd',
          },
          metrics: { val_acc: 0.8 + 0.04 * (i % 4) - 0.01 * (i % 3) + 0.001 * i },
        })),
      },
    ],
  });
});
afterAll(async () => server.close());

describe('analyze with the registry sources', () => {
  it('--help lists every source flag', async () => {
    const { code, stdout } = await runCli(['analyze', '--help']);
    expect(code).toBe(0);
    for (const flag of [
      '--runs',
      '--sweep',
      '--mlflow',
      '--mlflow-tracking-uri',
      '--metric-agg',
      '--optuna',
      '--study',
    ]) {
      expect(stdout).toContain(flag);
    }
  });

  it('--optuna STORAGE --study NAME: the JSON on stdout, target and goal from the study', async () => {
    for (const storage of [join(OPTUNA, 'study.journal'), `sqlite:///${join(OPTUNA, 'study.db')}`]) {
      const { code, stdout, stderr } = await runCli([
        'analyze',
        '--optuna',
        storage,
        '--study',
        'mnist-tpe',
        '--no-insights',
        '--trees',
        '20',
        '--json',
        '-',
      ]);
      expect(stderr).toBe('');
      expect(code).toBe(0);
      const doc = JSON.parse(stdout);
      expect(doc.target).toBe('value');
      expect(doc.goal.direction).toBe('maximize');
      expect(doc.source).toBe('Optuna study mnist-tpe');
    }
  });

  it('--mlflow with MLFLOW_TRACKING_URI and MLFLOW_TRACKING_TOKEN; a report naming the experiment', async () => {
    const env = { MLFLOW_TRACKING_URI: server.url, MLFLOW_TRACKING_TOKEN: TOKEN };
    const { code, stdout, stderr } = await runCli(
      ['analyze', '--mlflow', 'lr-sweep', '--target', 'val_acc', '--no-insights', '--trees', '20'],
      env,
    );
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain('MLflow experiment lr-sweep (id 3)');
    expect(stdout).not.toContain(TOKEN);
    const byFlag = await runCli(
      [
        'analyze',
        '--mlflow',
        '3',
        '--mlflow-tracking-uri',
        server.url,
        '--target',
        'val_acc',
        '--no-insights',
        '--json',
        '-',
      ],
      { MLFLOW_TRACKING_TOKEN: TOKEN },
    );
    expect(byFlag.code).toBe(0);
    expect(JSON.parse(byFlag.stdout).runs.used).toBe(24);
  });

  it('the report names the source: what it is, its label and link, its run states', async () => {
    const env = { MLFLOW_TRACKING_URI: server.url, MLFLOW_TRACKING_TOKEN: TOKEN };
    const dir = mkdtempSync(join(tmpdir(), 'cli-sources-'));
    const md = join(dir, 'report.md');
    const m = await runCli(
      [
        'analyze',
        '--mlflow',
        'lr-sweep',
        '--target',
        'val_acc',
        '--no-insights',
        '--markdown',
        md,
        '--quiet',
      ],
      env,
    );
    expect(m.code).toBe(0);
    const text = readFileSync(md, 'utf8');
    expect(text).toContain(`Runs: MLflow experiment [lr-sweep (id 3)](<${server.url}/#/experiments/3>)`);
    expect(text).toContain('Run states: finished 24.');
    const o = await runCli([
      'analyze',
      '--optuna',
      join(OPTUNA, 'study.journal'),
      '--study',
      'mnist-tpe',
      '--no-insights',
      '--full',
    ]);
    expect(o.code).toBe(0);
    const flat = o.stdout.replace(/\s+/g, ' ');
    expect(flat).toContain('Runs: Optuna study mnist-tpe');
    expect(flat).toContain('Trial states: complete 68, fail 5, pruned 7, running 1, waiting 1.');
    expect(flat).toContain('(trial 75)');
  });

  it('401 → exit 3, a missing experiment → exit 2: one line each, the token never shown', async () => {
    const bad = await runCli(['analyze', '--mlflow', 'lr-sweep', '--target', 'val_acc'], {
      MLFLOW_TRACKING_URI: server.url,
      MLFLOW_TRACKING_TOKEN: 'x' + TOKEN,
    });
    expect(bad.code).toBe(3);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toContain('check MLFLOW_TRACKING_TOKEN');
    expect(bad.stderr).not.toContain(TOKEN);
    const missing = await runCli(['analyze', '--mlflow', 'lr-sweeps', '--target', 'val_acc'], {
      MLFLOW_TRACKING_URI: server.url,
      MLFLOW_TRACKING_TOKEN: TOKEN,
    });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^error: MLflow at 127\.0\.0\.1:\d+ has no experiment named "lr-sweeps"/);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('one source only; a source flag without its source is refused; typos get a suggestion', async () => {
    const two = await runCli(['analyze', '--runs', 'x.csv', '--optuna', 'y.journal']);
    expect(two.code).toBe(2);
    expect(two.stderr).toContain(
      'give one source: --runs FILE, --sweep ENTITY/PROJECT/SWEEP_ID, --mlflow EXPERIMENT or --optuna STORAGE --study NAME (got --runs and --optuna)',
    );
    const none = await runCli(['analyze', '--target', 'x']);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('give one source');
    const stray = await runCli(['analyze', '--runs', 'x.csv', '--study', 'mnist']);
    expect(stray.code).toBe(2);
    expect(stray.stderr).toContain('--study belongs to --optuna STORAGE --study NAME, not to --runs FILE');
    const typo = await runCli(['analyze', '--mlfow', 'x']);
    expect(typo.stderr).toContain('did you mean --mlflow?');
    const demo = await runCli(['demo', '--optuna', 'x']);
    expect(demo.code).toBe(2);
  });
});

describe('the registry', () => {
  it('each source has a folder and one line; every flag names its action input', () => {
    expect(SOURCES.map((s) => s.kind)).toEqual(['file', 'wandb', 'mlflow', 'optuna']);
    for (const s of SOURCES) {
      expect(Object.keys(s.flags)[0]).toBe(s.selector);
      for (const spec of Object.values(s.flags)) expect(spec.input).toMatch(/^[a-z-]+$/);
    }
    expect(selectSource({ optuna: 'a.journal', study: 's' })).toEqual({
      kind: 'optuna',
      options: { optuna: 'a.journal', study: 's' },
    });
  });

  it('comment keys: the same as before for files and sweeps, one per experiment and study', () => {
    expect(commentKeyOf({ key: 'runs=results/runs.csv' }, 'acc')).toBe('runs=results/runs.csv target=acc');
    expect(commentKeyOf({ key: 'sweep=e/p/abc' }, 'loss')).toBe('sweep=e/p/abc target=loss');
    expect(commentKeyOf({ key: 'optuna=mnist-tpe@study.db' }, 'value')).toBe(
      'optuna=mnist-tpe@study.db target=value',
    );
    expect(commentKeyOf({ key: 'mlflow=h:5000/3' }, 'a--b<c>')).toBe('mlflow=h:5000/3 target=a-b_c_');
  });
});
