/**
 * `demo [EXAMPLE]` runs any bundled example with its own target, goal and hyperparameters, and `demo --list`
 * lists them one line each (issue 12). In process (src/cli/main.ts), then the committed bundle as the
 * README runs it (dist/cli.js).
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { describeExamples, findExample, listExamples } from '../src/cli/examples.js';
import { runCli } from './helpers/run-cli.js';

const ROOT = join(import.meta.dirname, '..');
const EXAMPLES = join(ROOT, 'examples');
const NAMES = readdirSync(EXAMPLES, { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name)
  .sort();

function own(name: string): { target: string; goal: string; params: string[] } {
  const [target, goal] = readFileSync(join(EXAMPLES, name, 'target.txt'), 'utf8')
    .trim()
    .split(/\s+/);
  const params = readFileSync(join(EXAMPLES, name, 'params.txt'), 'utf8')
    .trim()
    .split(',');
  return { target, goal, params };
}

describe('the bundled examples', () => {
  test('nine, each with runs.csv, params.txt, target.txt, LICENSE and SOURCE.md', () => {
    expect(NAMES).toHaveLength(9);
    for (const name of NAMES) {
      for (const f of ['runs.csv', 'params.txt', 'target.txt', 'LICENSE', 'SOURCE.md']) {
        expect(readdirSync(join(EXAMPLES, name)), `${name}/${f}`).toContain(f);
      }
    }
    expect(listExamples(EXAMPLES).map((e) => e.name)).toEqual(NAMES);
  });

  test('each read with its own target, goal and hyperparameters', () => {
    for (const e of listExamples(EXAMPLES)) {
      const o = own(e.name);
      expect(e.target).toBe(o.target);
      expect(e.goal).toBe(o.goal);
      expect(e.params).toEqual(o.params);
      expect(e.rows).toBeGreaterThan(50);
      expect(e.summary.length).toBeGreaterThan(10);
    }
  });
});

describe('demo --list', () => {
  test('one line per example, with its runs, target and goal, and how to run one', async () => {
    const r = await runCli(['demo', '--list']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    for (const e of listExamples(EXAMPLES)) {
      const lines = r.stdout.split('\n').filter((l) => l.startsWith(`  ${e.name} `));
      expect(lines, e.name).toHaveLength(1);
      expect(lines[0]).toContain(`${e.rows.toLocaleString('en-US')} runs`);
      expect(lines[0]).toContain(`${e.goal} ${e.target}`);
      expect(lines[0].length).toBeLessThanOrEqual(160);
    }
    expect(r.stdout).toContain('sweep-insights demo NAME');
    expect(r.stdout).toContain('--params "$(cat examples/NAME/params.txt)"');
    expect(r.stdout).toBe(describeExamples(EXAMPLES));
  });

  test('analyze --list is refused with where --list belongs', async () => {
    const r = await runCli(['analyze', '--runs', 'x.csv', '--target', 'y', '--list']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--list is for demo/);
  });

  test('the help says so', async () => {
    const main = await runCli(['--help']);
    expect(main.stdout).toContain('demo [EXAMPLE]');
    expect(main.stdout).toContain('demo --list');
    const demo = await runCli(['demo', '--help']);
    expect(demo.stdout).toContain('--list');
    expect(demo.stdout).toContain('EXAMPLE');
  });
});

describe('demo EXAMPLE', () => {
  test.each(NAMES)(
    '%s: its own target, goal and hyperparameters',
    async (name) => {
      const r = await runCli(['demo', name, '--trees', '3', '--no-insights', '--json', '-']);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const json = JSON.parse(r.stdout) as {
        target: string;
        parameters: Record<string, string>;
        dropped_parameters: string[];
        goal: { direction: string; assumed: boolean };
        source: unknown;
      };
      const o = own(name);
      expect(json.target).toBe(o.target);
      expect(json.goal.direction).toBe(o.goal);
      expect(json.goal.assumed).toBe(false);
      expect([...new Set([...Object.keys(json.parameters), ...json.dropped_parameters])].sort()).toEqual(
        [...o.params].sort(),
      );
      expect(JSON.stringify(json.source)).toContain(`examples/${name}/runs.csv`);
    },
    60_000,
  );

  test('without a name: mnist-pytorch, as before', async () => {
    expect(findExample(undefined, EXAMPLES).name).toBe('mnist-pytorch');
    const r = await runCli(['demo', '--trees', '3', '--no-insights', '--json', '-']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).target).toBe('accuracy');
  }, 60_000);

  test('an unknown name: exit 2, a did-you-mean and the list', async () => {
    const r = await runCli(['demo', 'hiplot-ml']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/did you mean hiplot-ml1\?/);
    expect(r.stderr).toContain('random-control');
    expect(r.stderr).toContain('demo --list');
  });

  test('a path is not an example name (analyze takes files)', async () => {
    const r = await runCli(['demo', '../README.md']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no bundled example named/);
  });

  test('two names: exit 2', async () => {
    const r = await runCli(['demo', 'hiplot-ml1', 'random-control']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/demo takes one example name, got 2/);
  });

  test('analyze still takes no positional argument', async () => {
    const r = await runCli(['analyze', 'runs.csv']);
    expect(r.code).toBe(2);
  });

  test('--target overrides the example target (and its goal goes with it)', async () => {
    const r = await runCli([
      'demo',
      'hiplot-ml1',
      '--target',
      'final_valid_ppl',
      '--trees',
      '3',
      '--no-insights',
      '--json',
      '-',
    ]);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json.target).toBe('final_valid_ppl');
    expect(json.goal.direction).toBe('minimize'); // from the name (ppl), not from target.txt
  }, 60_000);
});

describe('the committed bundle (dist/cli.js, as the README runs it)', () => {
  const run = (args: string[]) =>
    spawnSync(process.execPath, [join(ROOT, 'dist', 'cli.js'), ...args], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '' },
      timeout: 120_000,
    });

  test('demo --list', () => {
    const r = run(['demo', '--list']);
    expect(r.status).toBe(0);
    for (const name of NAMES) expect(r.stdout).toContain(`  ${name} `);
  });

  test('demo hiplot-ml1', () => {
    const r = run(['demo', 'hiplot-ml1', '--trees', '20']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('best_valid_ppl');
    expect(r.stdout).toMatch(/minimi[sz]e/);
  }, 120_000);
});
