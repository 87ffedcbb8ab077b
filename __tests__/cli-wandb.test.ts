/**
 * `analyze --sweep` end to end: the committed bundle (dist/cli.js) in a child process against the local
 * W&B stand-in (__tests__/helpers/wandb-server.ts, which validates every query against the schema).
 * A sweep gives the same JSON as its runs from a file, and so the oracle's numbers; the key never leaks.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { datasetInfo, datasetSweep, startWandbServer, type WandbServer } from './helpers/wandb-server.js';
import { compareToOracle, RECIPE_KEYS } from './helpers/parity.js';

const ROOT = join(__dirname, '..');
const CLI = join(ROOT, 'dist', 'cli.js');
const KEY = 'wandb_v1_' + 'K3yThatMustNeverBeSeen'.repeat(3);

function runCli(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

let server: WandbServer;
const DATASETS = ['mnist-pytorch', 'hpbandster-mnist-cnn', 'hiplot-ml1', 'optuna-fashionmnist'];

beforeAll(async () => {
  server = await startWandbServer({
    apiKey: KEY,
    sweeps: DATASETS.map((d, i) => datasetSweep(d, { entity: 'team', project: d, id: `swp0000${i}` })),
  });
});
afterAll(async () => server.close());

describe('analyze --sweep against the W&B stand-in', () => {
  it("mnist-pytorch (3,000 runs): the same JSON as the runs file, and the oracle's numbers", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'si-wandb-'));
    const info = datasetInfo('mnist-pytorch');
    const env = { WANDB_API_KEY: KEY, WANDB_BASE_URL: server.url };
    const fromSweep = await runCli(
      [
        'analyze',
        '--sweep',
        'team/mnist-pytorch/swp00000',
        '--no-insights',
        '--json',
        join(dir, 'sweep.json'),
        '--markdown',
        join(dir, 'sweep.md'),
      ],
      env,
    );
    expect(fromSweep.stderr).toBe('');
    expect(fromSweep.code).toBe(0);
    const fromFile = await runCli(
      [
        'analyze',
        '--runs',
        'examples/mnist-pytorch/runs.csv',
        '--target',
        info.target,
        '--params',
        info.params.join(','),
        '--no-insights',
        '--json',
        join(dir, 'file.json'),
      ],
      {},
    );
    expect(fromFile.code).toBe(0);
    const a = JSON.parse(readFileSync(join(dir, 'sweep.json'), 'utf8'));
    const b = JSON.parse(readFileSync(join(dir, 'file.json'), 'utf8'));
    for (const key of RECIPE_KEYS) expect([key, a[key]]).toEqual([key, b[key]]);
    const oracle = JSON.parse(
      readFileSync(join(ROOT, '__tests__/fixtures/oracle/mnist-pytorch.json'), 'utf8'),
    );
    delete oracle.cv_r2; // --no-insights: no cross-validation here (the next tests include it)
    expect(compareToOracle(a, oracle)).toEqual([]);
    // the report links the sweep and the best run
    const md = readFileSync(join(dir, 'sweep.md'), 'utf8');
    expect(md).toMatch(/\/team\/mnist-pytorch\/sweeps\/swp00000/);
    expect(md).toMatch(/\/team\/mnist-pytorch\/runs\//);
    expect(a.sweep.metric).toEqual({ name: 'accuracy', goal: 'maximize' });
    expect(a.goal).toMatchObject({ direction: 'maximize', assumed: false });
  });

  for (const [i, dataset] of DATASETS.entries()) {
    if (i === 0) continue;
    it(`${dataset}: every key of the oracle's result, target and goal from the sweep's metric`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'si-wandb-'));
      const r = await runCli(
        [
          'analyze',
          '--sweep',
          `https://wandb.ai/team/${dataset}/sweeps/swp0000${i}`,
          '--json',
          join(dir, 'r.json'),
        ],
        { WANDB_API_KEY: KEY, WANDB_BASE_URL: server.url },
      );
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const a = JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8'));
      const oracle = JSON.parse(
        readFileSync(join(ROOT, `__tests__/fixtures/oracle/${dataset}.json`), 'utf8'),
      );
      expect(compareToOracle(a, oracle)).toEqual([]);
    });
  }

  it('never shows the key: stdout, stderr and every file written', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'si-wandb-key-'));
    const env = { WANDB_API_KEY: KEY, WANDB_BASE_URL: server.url };
    const ok = await runCli(
      [
        'analyze',
        '--sweep',
        'team/hiplot-ml1/swp00002',
        '--json',
        join(dir, 'a.json'),
        '--markdown',
        join(dir, 'a.md'),
        '--next-sweep',
        join(dir, 'a.yaml'),
        '--charts',
        'mermaid',
      ],
      env,
    );
    expect(ok.code).toBe(0);
    const missing = await runCli(
      ['analyze', '--sweep', 'team/hiplot-ml1/nosuch00', '--json', join(dir, 'b.json')],
      env,
    );
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/nosuch00/);
    expect(missing.stderr).toMatch(/hiplot-ml1/);
    expect(missing.stderr).toMatch(/team/);
    const wrongKey = await runCli(['analyze', '--sweep', 'team/hiplot-ml1/swp00002'], {
      WANDB_API_KEY: KEY.slice(0, -1),
      WANDB_BASE_URL: server.url,
    });
    expect(wrongKey.code).toBe(3);
    expect(wrongKey.stderr).toMatch(/WANDB_API_KEY/);
    const texts = [ok.stdout, ok.stderr, missing.stdout, missing.stderr, wrongKey.stdout, wrongKey.stderr];
    for (const f of readdirSync(dir)) texts.push(readFileSync(join(dir, f), 'utf8'));
    expect(readdirSync(dir).sort()).toEqual(['a.json', 'a.md', 'a.yaml']);
    const basic = Buffer.from(`api:${KEY}`).toString('base64');
    for (const t of texts) {
      expect(t).not.toContain(KEY);
      expect(t).not.toContain(KEY.slice(0, -1));
      expect(t).not.toContain(basic);
    }
  });

  it('a sweep name that is not entity/project/id is a usage error', async () => {
    const r = await runCli(['analyze', '--sweep', 'just-an-id'], {
      WANDB_API_KEY: KEY,
      WANDB_BASE_URL: server.url,
    });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});
