/**
 * The command line as people use it: the committed bundle (dist/cli.js) in a child process.
 * Exit codes, one-line errors without stacks, no half-written files, help texts, the demo.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(__dirname, '..');
const CLI = join(ROOT, 'dist', 'cli.js');
const MNIST = join(ROOT, 'examples', 'mnist-pytorch', 'runs.csv');
const HPB = join(ROOT, 'examples', 'hpbandster-mnist-cnn', 'runs.csv');
const HPB_PARAMS = readFileSync(join(ROOT, 'examples', 'hpbandster-mnist-cnn', 'params.txt'), 'utf8').trim();

function run(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', ...env },
    timeout: 120_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'sweep-insights-cli-'));
}

function expectOneLineError(r: { code: number | null; stderr: string }, code: number, pattern: RegExp) {
  expect(r.code).toBe(code);
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^error: /);
  expect(lines[0]).toMatch(pattern);
  expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
}

describe('cli: help and usage', () => {
  it('has help for the tool and each command', () => {
    for (const args of [['--help'], ['analyze', '--help'], ['demo', '--help']]) {
      const r = run(args);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/Usage:/);
    }
    expect(run(['analyze', '--help']).stdout).toMatch(/--fail-on RULE/);
  });

  it('refuses unknown commands and options with exit code 2', () => {
    expectOneLineError(run(['analyse']), 2, /unknown command "analyse"/);
    expectOneLineError(run(['analyze', '--runs', MNIST, '--bogus']), 2, /--bogus/);
    expectOneLineError(
      run(['analyze']),
      2,
      /give (exactly )?one source: --runs FILE, --sweep [^,]+, --mlflow EXPERIMENT or --optuna STORAGE/,
    );
    expectOneLineError(
      run(['analyze', '--runs', MNIST, '--target', 'accuracy', '--trees', 'many']),
      2,
      /--trees/,
    );
    expectOneLineError(
      run(['analyze', '--runs', MNIST, '--target', 'accuracy', '--goal', 'up']),
      2,
      /--goal/,
    );
  });
});

describe('cli: bad input is one line, exit code 2, and no output file', () => {
  const dir = tempDir();
  const cases: [string, string | Buffer | null, string[], RegExp][] = [
    ['missing.csv', null, ['--target', 'y', '--params', 'a'], /no such file/i],
    ['empty.csv', '', ['--target', 'y', '--params', 'a'], /empty/i],
    ['header-only.csv', 'a,b,y\n', ['--target', 'y', '--params', 'a'], /no runs|no rows|header/i],
    ['ragged.csv', 'a,b,y\n1,2,3\n4,5\n', ['--target', 'y', '--params', 'a'], /row 3/],
    ['dup.csv', 'a,a,y\n1,2,3\n4,5,6\n', ['--target', 'y', '--params', 'a'], /duplicat/i],
    ['ok.csv', 'a,b,y\n1,x,3\n4,z,6\n', ['--target', 'nope', '--params', 'a'], /nope/],
    ['ok2.csv', 'a,b,y\n1,x,3\n4,z,6\n', ['--target', 'y', '--params', 'a,zzz'], /zzz/],
    ['text-target.csv', 'a,b,y\n1,x,good\n4,z,bad\n', ['--target', 'y', '--params', 'a'], /y/],
    [
      'bad.json',
      '[\n {"a": 1, "y": 2},\n {"a": 2, "y": }\n]\n',
      ['--target', 'y', '--params', 'a'],
      /line 3/,
    ],
    [
      'binary.csv',
      Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00, 0xff, 0xfe, 0x00, 0x01]),
      ['--target', 'y', '--params', 'a'],
      /text/i,
    ],
    ['flat.csv', 'a,b,y\n1,x,3\n4,z,6\n', ['--target', 'y'], /--params.*a, b, y|a, b, y.*--params/],
    [
      'no-target.csv',
      'a,b,y\n1,x,3\n4,z,6\n',
      ['--params', 'a'],
      /no --target given: pass --target with one of: a, b, y/,
    ],
  ];
  for (const [name, content, args, pattern] of cases) {
    it(name, () => {
      const file = join(dir, name);
      if (content !== null) writeFileSync(file, content);
      const out = join(dir, `${name}.out.json`);
      const md = join(dir, `${name}.out.md`);
      const r = run(['analyze', '--runs', file, '--json', out, '--markdown', md, ...args]);
      expectOneLineError(r, 2, pattern);
      expect(existsSync(out)).toBe(false);
      expect(existsSync(md)).toBe(false);
      // nothing half-written beside the outputs either (atomic writes use temp files)
      expect(readdirSync(dir).filter((f) => f.includes('.out.'))).toEqual([]);
    });
  }

  it('a bad gate rule is a usage error that quotes the rule', () => {
    const r = run([
      'analyze',
      '--runs',
      HPB,
      '--target',
      'validation_accuracy',
      '--params',
      HPB_PARAMS,
      '--fail-on',
      'importance(lr) >>= 2',
    ]);
    expectOneLineError(r, 2, /importance\(lr\) >>= 2/);
  });
});

describe('cli: analyze', () => {
  it('prints the report, writes JSON, Markdown and the next sweep, deterministic byte for byte', () => {
    const dir = tempDir();
    const outputs = (tag: string) => [
      '--json',
      join(dir, `${tag}.json`),
      '--markdown',
      join(dir, `${tag}.md`),
      '--next-sweep',
      join(dir, `${tag}.yaml`),
    ];
    const args = [
      'analyze',
      '--runs',
      HPB,
      '--target',
      'validation_accuracy',
      '--params',
      HPB_PARAMS,
      '--trees',
      '50',
    ];
    const a = run([...args, ...outputs('a')]);
    expect(a.stderr).toBe('');
    expect(a.code).toBe(0);
    expect(a.stdout).toMatch(/validation_accuracy/);
    expect(a.stdout).toMatch(/maximize/);
    const b = run([...args, ...outputs('b')]);
    expect(b.code).toBe(0);
    expect(b.stdout).toBe(a.stdout);
    for (const ext of ['json', 'md', 'yaml']) {
      expect(readFileSync(join(dir, `b.${ext}`), 'utf8')).toBe(readFileSync(join(dir, `a.${ext}`), 'utf8'));
    }
    const json = JSON.parse(readFileSync(join(dir, 'a.json'), 'utf8'));
    expect(Object.keys(json)).toEqual(
      expect.arrayContaining([
        'target',
        'runs',
        'parameters',
        'features',
        'correlations',
        'ols',
        'importances',
        'parameter_importances',
        'spearman',
        'ols_standardized',
        'cv_r2',
      ]),
    );
    expect(json.goal).toEqual({ direction: 'maximize', assumed: true, reason: expect.any(String) });
  });

  it('assumes minimize for a loss and says so', () => {
    const dir = tempDir();
    const r = run([
      'analyze',
      '--runs',
      join(ROOT, 'examples', 'hiplot-ml1', 'runs.csv'),
      '--target',
      'best_valid_ppl',
      '--params',
      'dropout,embedding_size,lr',
      '--trees',
      '20',
      '--no-insights',
      '--json',
      join(dir, 'r.json'),
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/minimize/);
    expect(JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8')).goal.direction).toBe('minimize');
  });

  it('--where keeps matching runs only', () => {
    const dir = tempDir();
    const r = run([
      'analyze',
      '--runs',
      MNIST,
      '--target',
      'accuracy',
      '--params',
      'activation,learning_rate',
      '--where',
      'activation!=relu',
      '--trees',
      '10',
      '--no-insights',
      '--json',
      join(dir, 'w.json'),
    ]);
    expect(r.code).toBe(0);
    const json = JSON.parse(readFileSync(join(dir, 'w.json'), 'utf8'));
    expect(json.filters.removed).toBeGreaterThan(0);
    expect(json.runs.total).toBe(3000 - json.filters.removed);
    expect(json.parameters.activation).toBe('categorical');
    expect(json.features).not.toContain('activation_relu');
  });

  it('a failing gate exits 1 after writing the report, naming the rule', () => {
    const dir = tempDir();
    const r = run([
      'analyze',
      '--runs',
      HPB,
      '--target',
      'validation_accuracy',
      '--params',
      HPB_PARAMS,
      '--trees',
      '20',
      '--no-insights',
      '--fail-on',
      'runs >= 100000',
      '--fail-on',
      'best >= 0',
      '--markdown',
      join(dir, 'g.md'),
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/runs >= 100000/);
    expect(r.stderr).not.toMatch(/best >= 0/);
    expect(readFileSync(join(dir, 'g.md'), 'utf8')).toMatch(/runs (>|&gt;)= 100000/);
  });
});

describe('cli: demo', () => {
  it('runs on the bundled example sweep', () => {
    const r = run(['demo', '--trees', '20']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/accuracy/);
    expect(r.stdout).toMatch(/learning_rate/);
  });
});
