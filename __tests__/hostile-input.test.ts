/**
 * Hostile data through the CLI (issue 10, first half): huge names and fields, deep nesting, prototype
 * names, id-like columns and the target among the hyperparameters. Run in-process through
 * src/cli/main.ts (no dist/ rebuild needed), each case bounded in time.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { runCli, type CliResult } from './helpers/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'sweep-insights-hostile-'));

/** `analyze --runs RUNS --target TARGET [--params PARAMS] ...more`, in process. */
function analyze(runs: string, target: string, params?: string, ...more: string[]): Promise<CliResult> {
  return runCli([
    'analyze',
    '--runs',
    runs,
    '--target',
    target,
    ...(params ? ['--params', params] : []),
    ...more,
  ]);
}

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** A CSV of n runs: numeric columns a and b, the target y driven by both. */
function csv(names: { a?: string; b?: string } = {}, n = 30): string {
  const a = names.a ?? 'a';
  const b = names.b ?? 'b';
  const q = (s: string) => `"${s.replace(/"/g, '""')}"`;
  const rows = [`${q(a)},${q(b)},y`];
  for (let i = 0; i < n; i++) rows.push(`${i % 7},${(i * 3) % 11},${(i % 7) + 0.1 * ((i * 3) % 11)}`);
  return rows.join('\n') + '\n';
}

describe('huge names', () => {
  it('a 100 KB parameter name: the text report and its OLS summary stay fast and short', async () => {
    const long = 'p'.repeat(100_000);
    const path = file('long-name.csv', csv({ a: long }));
    const t0 = Date.now();
    const r = await analyze(path, 'y', `${long},b`, '--trees', '10', '--no-insights');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(r.stdout.length).toBeLessThan(100_000);
  }, 30_000);
});

function expectOneLine(r: { code: number; stderr: string }, pattern: RegExp): void {
  expect(r.code).toBe(2);
  expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(r.stderr).toMatch(/^error: /);
  expect(r.stderr).toMatch(pattern);
  expect(r.stderr.length).toBeLessThan(2_100);
}

describe('huge names and fields in messages', () => {
  it('an unknown 100 KB name: one short line, at once (no quadratic near-miss search)', async () => {
    const path = file('plain.csv', csv());
    const t0 = Date.now();
    const r = await analyze(path, 'y', `a,${'q'.repeat(100_000)}`);
    expectOneLine(r, /has no column "q+…q+"/);
    expect(Date.now() - t0).toBeLessThan(5_000);
  }, 30_000);

  it('a 100 MB CSV field: exit 2 naming row and column, not "Invalid string length"', async () => {
    const big = 'x'.repeat(100 * 1024 * 1024);
    const path = file('big-field.csv', `a,b,y\n1,2,3\n4,"${big}",6\n`);
    const t0 = Date.now();
    const r = await analyze(path, 'y', 'a,b');
    expectOneLine(r, /row 3, column 2, holds a field of more than 4194304 characters/);
    expect(Date.now() - t0).toBeLessThan(15_000);
  }, 60_000);

  it('a 5 MB value or key in JSONL and JSON: exit 2 naming the run and the key', async () => {
    const big = 'v'.repeat(5 * 1024 * 1024);
    const lines = [JSON.stringify({ a: 1, b: 'x', y: 1 }), JSON.stringify({ a: 2, b: big, y: 2 })];
    expectOneLine(
      await analyze(file('big.jsonl', lines.join('\n')), 'y', 'a,b'),
      /big\.jsonl: run 2 has a value of more than 4194304 characters at key "b"/,
    );
    expectOneLine(
      await analyze(file('big.json', `[${lines.join(',')}]`), 'y', 'a,b'),
      /big\.json: run 2 has a value of more than 4194304 characters at key "b"/,
    );
    const key = JSON.stringify({ config: { [big]: 1 }, summary: { y: 1 } });
    expectOneLine(
      await analyze(file('big-key.jsonl', key), 'y'),
      /run 1 has a key of more than 4194304 characters at key "k*v+…v+"/,
    );
  }, 60_000);
});

describe('deep nesting inside a run', () => {
  const deep = (n: number, leaf = '1'): string => '{"k":'.repeat(n) + leaf + '}'.repeat(n);

  it('a config nested 100,000 deep: exit 2 naming the run and the key path, not a stack overflow', async () => {
    const lines = [
      JSON.stringify({ config: { a: 1 }, summary: { y: 1 } }),
      `{"config": {"a": 2, "c": ${deep(100_000)}}, "summary": {"y": 2}}`,
    ];
    for (const [name, text] of [
      ['deep.jsonl', lines.join('\n')],
      ['deep.json', `[${lines.join(',')}]`],
      ['deep-doc.json', `{"runs": [${lines.join(',')}]}`],
    ]) {
      const r = await analyze(file(name, text), 'y');
      expectOneLine(r, /run 2 nests objects or arrays deeper than 64 levels at key "c\.k\.k\.k.*…/);
    }
  }, 60_000);

  it('arrays nested 100,000 deep in a flat run: exit 2', async () => {
    const lines = [
      JSON.stringify({ a: 1, y: 1 }),
      `{"a": ${'['.repeat(100_000)}${']'.repeat(100_000)}, "y": 2}`,
    ];
    const r = await analyze(file('deep-array.jsonl', lines.join('\n')), 'y', 'a');
    expectOneLine(r, /run 2 nests objects or arrays deeper than 64 levels at key "a"/);
  }, 60_000);

  it('64 levels are fine', async () => {
    const lines = [0, 1, 2, 3].map((i) => `{"c": ${deep(63, String(i))}, "a": ${i}, "y": ${i * 2}}`);
    const r = await analyze(
      file('ok-deep.jsonl', lines.join('\n')),
      'y',
      'a',
      '--trees',
      '5',
      '--no-insights',
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });
});

describe('prototype names are names like any other', () => {
  const names = ['__proto__', 'constructor', 'toString', 'hasOwnProperty'];
  /** 40 runs: numeric __proto__, constructor and hasOwnProperty, categorical toString; y driven by all. */
  function runs(): { csv: string; jsonl: string } {
    const rows = [[...names, 'y'].join(',')];
    const records: string[] = [];
    for (let i = 0; i < 40; i++) {
      const v: [number, number, string, number] = [i % 5, (i * 3) % 7, ['a', 'b', 'c'][i % 3], (i * 7) % 4];
      const y = v[0] + 0.5 * v[1] + (v[2] === 'a' ? 2 : 0) + 0.3 * v[3] + 0.01 * ((i * 13) % 5);
      rows.push([...v, y].join(','));
      records.push(`{${names.map((n, j) => `"${n}": ${JSON.stringify(v[j])}`).join(', ')}, "y": ${y}}`);
    }
    return { csv: rows.join('\n') + '\n', jsonl: records.join('\n') + '\n' };
  }

  /** How many times each name is a key anywhere in the parsed JSON (JSON.parse makes `__proto__` an own key). */
  function keyCounts(value: unknown, counts = new Map<string, number>()): Map<string, number> {
    if (Array.isArray(value)) for (const v of value) keyCounts(v, counts);
    else if (typeof value === 'object' && value !== null) {
      for (const k of Object.keys(value)) {
        counts.set(k, (counts.get(k) ?? 0) + 1);
        keyCounts((value as Record<string, unknown>)[k], counts);
      }
    }
    return counts;
  }

  const { csv: csvText, jsonl } = runs();
  for (const [kind, text] of [
    ['csv', csvText],
    ['jsonl', jsonl],
  ]) {
    it(`${kind}: importances sum to 1, every name in the JSON, the Markdown, the gates and the YAML`, async () => {
      const path = file(`proto.${kind}`, text);
      const out = (ext: string) => join(dir, `proto-${kind}.${ext}`);
      const r = await analyze(
        path,
        'y',
        names.join(','),
        '--trees',
        '20',
        '--json',
        out('json'),
        '--markdown',
        out('md'),
        '--next-sweep',
        out('yaml'),
        '--fail-on',
        'importance(__proto__) >= 0.01',
        '--fail-on',
        'importance(constructor) >= 0.01',
      );
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const json = JSON.parse(readFileSync(out('json'), 'utf8')) as {
        parameter_importances: Record<string, number>;
        importances: Record<string, number>;
        correlations: Record<string, number>;
      };
      const sum = (m: Record<string, number>) => Object.values(m).reduce((s, v) => s + v, 0);
      expect(Object.keys(json.parameter_importances).sort()).toEqual([...names].sort());
      expect(sum(json.parameter_importances)).toBeCloseTo(1, 9);
      expect(sum(json.importances)).toBeCloseTo(1, 9);
      expect(Object.hasOwn(json.correlations, '__proto__')).toBe(true);
      // every map keyed by parameter holds all the numeric ones alike
      const counts = keyCounts(json);
      expect(counts.get('__proto__')).toBeGreaterThan(5);
      expect(counts.get('__proto__')).toBe(counts.get('constructor'));
      expect(counts.get('__proto__')).toBe(counts.get('hasOwnProperty'));
      const md = readFileSync(out('md'), 'utf8');
      expect(md).not.toMatch(/\[object Object\]|undefined|NaN/);
      expect(md).toContain('\\_\\_proto\\_\\_');
      expect(r.stdout).toContain('__proto__');
      const yaml = parseYaml(readFileSync(out('yaml'), 'utf8'), { version: '1.1' }) as {
        parameters: Record<string, unknown>;
      };
      expect(Object.keys(yaml.parameters).sort()).toEqual([...names].sort());
      expect(Object.getPrototypeOf(yaml.parameters)).toBe(Object.prototype);
    });
  }
});

describe('id-like columns and the target among the hyperparameters (issue 8 point 3)', () => {
  /** n runs: `run` a distinct value per run, `opt` three levels, `lr` numeric, `acc` the target, `acc_copy` = acc. */
  function sweep(n: number): string {
    const rows = ['run,opt,lr,acc,acc_copy'];
    for (let i = 0; i < n; i++) {
      const acc = 0.5 + ((i * 37) % 100) / 400 + (i % 3) * 0.05;
      rows.push(`run-${i},${['adam', 'sgd', 'rmsprop'][i % 3]},${0.001 * ((i % 9) + 1)},${acc},${acc}`);
    }
    return rows.join('\n') + '\n';
  }
  const path = file('ids.csv', sweep(1000));

  it('an id-like categorical: exit 2 naming it, at once', async () => {
    const t0 = Date.now();
    const r = await analyze(path, 'acc', 'opt,run,lr', '--trees', '5');
    expectOneLine(
      r,
      /hyperparameter "run" looks like an id: 1,000 different values in 1,000 runs.*--allow-id-like/,
    );
    expect(Date.now() - t0).toBeLessThan(5_000);
  });

  it('kept with --allow-id-like, within the size the regression can fit', async () => {
    const small = file('ids-small.csv', sweep(60));
    const r = await analyze(small, 'acc', 'opt,run,lr', '--trees', '5', '--no-insights', '--allow-id-like');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it('even with --allow-id-like, a design too wide for the regression is refused, naming the column', async () => {
    const big = file('ids-big.csv', sweep(1500));
    const t0 = Date.now();
    const r = await analyze(big, 'acc', 'opt,run,lr', '--trees', '5', '--allow-id-like');
    expectOneLine(r, /the design would have 1,504 columns for 1,500 runs \("run" alone has 1,500 levels/);
    expect(Date.now() - t0).toBeLessThan(5_000);
  });

  it('the target among the hyperparameters: exit 2 naming it', async () => {
    const r = await analyze(path, 'acc', 'opt,acc', '--trees', '5');
    expectOneLine(r, /"acc" is the target and also a hyperparameter/);
  });

  it('a column equal to the target in every run: exit 2 naming it', async () => {
    const r = await analyze(path, 'acc', 'opt,lr,acc_copy', '--trees', '5');
    expectOneLine(r, /hyperparameter "acc_copy" equals the target "acc" in every run/);
  });
});
