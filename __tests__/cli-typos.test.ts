/**
 * Typos and slips on the command line get one line that says what was probably meant: unknown flags
 * (did you mean), `=>` in a gate or a filter (>=), a filter that leaves no run (the column's values or
 * range, and an operator), and output flags that are empty or collide. In process (src/cli/main.ts).
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { InputError, UsageError } from '../src/errors.js';
import { parseRule } from '../src/gates/rules.js';
import { parseCsvText } from '../src/sources/csv.js';
import { applyWhere, parseWhere } from '../src/sources/where.js';
import { runCli } from './helpers/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'sweep-insights-typos-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const RUNS = ['--runs', 'examples/optuna-fashionmnist/runs.csv', '--target', 'accuracy'];
const FAST = ['--trees', '5', '--no-insights', '--params', 'lr,optimizer'];

describe('unknown flags', () => {
  test.each([
    ['--jsn', '--json'],
    ['--markdwon', '--markdown'],
    ['--no-insight', '--no-insights'],
    ['--TARGET', '--target'],
    ['--fail-of', '--fail-on'],
  ])('%s: did you mean %s?', async (typo, meant) => {
    const r = await runCli(['analyze', ...RUNS, typo, 'x']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(
      `error: unknown option ${typo} (did you mean ${meant}?); see sweep-insights analyze --help`,
    );
  });

  test('nothing close: no guess, still the help pointer', async () => {
    const r = await runCli(['analyze', ...RUNS, '--xyzzy']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('error: unknown option --xyzzy; see sweep-insights analyze --help\n');
  });
});

describe('=> in a gate', () => {
  test('"=>" is answered with ">=", not "=="', () => {
    expect(() => parseRule('importance(lr) => 0.1')).toThrow(UsageError);
    expect(() => parseRule('importance(lr) => 0.1')).toThrow(/"=>" is not one: did you mean ">="\?/);
    expect(() => parseRule('best =< 0.1')).toThrow(/did you mean "<="\?/);
    // "=" alone still gets "==".
    expect(() => parseRule('best = 0.1')).toThrow(/"=" alone is not one: use "=="/);
  });
});

describe('--where slips', () => {
  test('budget=>100 is refused with budget>=100 suggested (not read as "equals >100")', () => {
    expect(() => parseWhere('budget=>100')).toThrow(UsageError);
    expect(() => parseWhere('budget=>100')).toThrow(
      '--where "budget=>100": "=>" is not an operator; did you mean budget>=100?',
    );
    expect(() => parseWhere('budget=<100')).toThrow(/did you mean budget<=100\?/);
    expect(() => parseWhere('budget!=>100')).toThrow(/"!=>" is not an operator; use one of/);
    expect(() => parseWhere('budget>>100')).toThrow(/did you mean budget>=100\?/);
  });

  test('== is taken as =', () => {
    expect(parseWhere('state==finished')).toMatchObject({ column: 'state', op: '=', value: 'finished' });
  });

  const BUDGETS = parseCsvText(
    [
      'budget,state,acc',
      '1,finished,0.1',
      '3,finished,0.2',
      '9,Finished,0.3',
      '27,finished,0.4',
      '81,crashed,0.5',
    ].join('\n'),
    'runs.csv',
  );

  test('budget=100 that leaves no run: the values it holds and an operator to use', () => {
    const run = (): unknown => applyWhere(BUDGETS, [parseWhere('budget=100')]);
    expect(run).toThrow(InputError);
    expect(run).toThrow(
      '--where budget=100 leaves no run: column "budget" holds 1, 3, 9, 27, 81 in its runs; to compare, use budget>=100 or budget<=100 (also <, >)',
    );
  });

  test('many values: their range', () => {
    const rows = ['budget,acc', ...Array.from({ length: 40 }, (_, i) => `${i * 2.5},${i}`)];
    const table = parseCsvText(rows.join('\n'), 'many.csv');
    expect(() => applyWhere(table, [parseWhere('budget=1000')])).toThrow(
      /column "budget" ranges from 0 to 97\.5 \(40 distinct values\) in its runs; to compare, use budget>=1000/,
    );
  });

  test('text values: listed, with a hint when only the case differs; after other filters, their runs', () => {
    expect(() => applyWhere(BUDGETS, [parseWhere('state=FINISHED')])).toThrow(
      '--where state=FINISHED leaves no run: column "state" holds "Finished", "crashed", "finished" in its runs',
    );
    expect(() => applyWhere(BUDGETS, [parseWhere('budget>=10'), parseWhere('state=Finished')])).toThrow(
      /holds "crashed", "finished" in the runs the other filters kept; values are compared exactly: did you mean state=finished\?/,
    );
  });

  test('through the CLI: exit 2, one line', async () => {
    const r = await runCli(['analyze', ...RUNS, ...FAST, '--where', 'lr=>0.1']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/did you mean lr>=0\.1\?/);
  });
});

describe('output flags', () => {
  test('--json X --markdown X: exit 2, one line, before any work', async () => {
    const out = join(dir, 'same.out');
    const r = await runCli(['analyze', ...RUNS, ...FAST, '--json', out, '--markdown', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `error: --json and --markdown both write "${out}": give each output its own file\n`,
    );
    expect(readdirSync(dir)).toEqual([]);
  });

  test('the same file by two spellings: refused too', async () => {
    const r = await runCli([
      'analyze',
      ...RUNS,
      ...FAST,
      '--json',
      join(dir, 'a.json'),
      '--next-sweep',
      `${dir}/./a.json`,
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--json and --next-sweep both write/);
  });

  test.each(['--json', '--markdown', '--next-sweep', '--runs'])(
    '%s "": exit 2, not ignored',
    async (flag) => {
      const args =
        flag === '--runs'
          ? ['analyze', '--runs', '', '--target', 'accuracy']
          : ['analyze', ...RUNS, flag, ''];
      const r = await runCli(args);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`^error: ${flag} is empty`));
    },
  );

  test('--json -: the JSON alone on standard output', async () => {
    const r = await runCli(['analyze', ...RUNS, ...FAST, '--json', '-']);
    expect(r.code, r.stderr).toBe(0);
    const parsed = JSON.parse(r.stdout) as { target?: string };
    expect(parsed.target).toBe('accuracy');
  });

  test('--json - --markdown -: refused (one standard output)', async () => {
    const r = await runCli(['analyze', ...RUNS, ...FAST, '--json', '-', '--markdown', '-']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--json and --markdown both write standard output \(-\)/);
  });
});
