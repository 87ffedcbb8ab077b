import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { isMap, isScalar, parse, parseDocument, Scalar, type YAMLMap } from 'yaml';
import { describe, expect, test } from 'vitest';
import { SOURCES } from '../src/sources/registry.js';

const ROOT = join(import.meta.dirname, '..');
const TEXT = readFileSync(join(ROOT, 'action.yml'), 'utf8');
const ACTION = parse(TEXT) as {
  runs: { using: string; main: string };
  branding: { icon: string; color: string };
  inputs: Record<string, { description: string; required?: boolean; default?: string }>;
  outputs: Record<string, { description: string }>;
};

const INPUTS = [
  'sweep',
  'wandb-api-key',
  'wandb-base-url',
  'runs-file',
  'mlflow-experiment',
  'mlflow-tracking-uri',
  'metric-agg',
  'optuna-storage',
  'optuna-study',
  'params',
  'target',
  'goal',
  'fidelity',
  'baseline',
  'states',
  'allow-id-like',
  'wait',
  'wait-timeout',
  'trees',
  'seed',
  'github-token',
  'comment',
  'comment-key',
  'pr-number',
  'job-summary',
  'charts',
  'quickchart-host',
  'fail-on',
];
const OUTPUTS = [
  'results-path',
  'report-path',
  'top-parameter',
  'matters',
  'verdict',
  'comparison',
  'importances',
  'gate',
  'failed-rules',
  'comment-url',
  'next-sweep-path',
];

describe('action.yml', () => {
  test('validates against the GitHub Action metadata schema (SchemaStore)', () => {
    const schema = JSON.parse(
      readFileSync(join(ROOT, '__tests__/fixtures/github/action.schema.json'), 'utf8'),
    );
    const ajv = new Ajv({ strict: false, allErrors: true });
    const validate = ajv.compile(schema);
    const ok = validate(ACTION);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  test('the schema check is not vacuous: an extra key, an unknown runtime or an unquoted default fail', () => {
    const schema = JSON.parse(
      readFileSync(join(ROOT, '__tests__/fixtures/github/action.schema.json'), 'utf8'),
    );
    const validate = new Ajv({ strict: false }).compile(schema);
    expect(validate({ ...ACTION, extra: 1 })).toBe(false);
    expect(validate({ ...ACTION, runs: { using: 'node18', main: 'dist/index.js' } })).toBe(false);
    expect(
      validate({ ...ACTION, inputs: { ...ACTION.inputs, trees: { description: 'x', default: 250 } } }),
    ).toBe(false);
  });

  test('node24, dist/index.js, branding', () => {
    expect(ACTION.runs).toEqual({ using: 'node24', main: 'dist/index.js' });
    expect(ACTION.branding.icon).toBeTruthy();
    expect(ACTION.branding.color).toBeTruthy();
  });

  test('inputs and outputs: exactly the documented names', () => {
    expect(Object.keys(ACTION.inputs).sort()).toEqual([...INPUTS].sort());
    expect(Object.keys(ACTION.outputs).sort()).toEqual([...OUTPUTS].sort());
  });

  test('every default is a quoted string in the YAML source', () => {
    const doc = parseDocument(TEXT);
    const inputs = doc.get('inputs') as YAMLMap;
    expect(isMap(inputs)).toBe(true);
    let defaults = 0;
    for (const pair of inputs.items) {
      const input = pair.value as YAMLMap;
      const node = input.get('default', true);
      if (node === undefined) continue;
      defaults++;
      expect(isScalar(node)).toBe(true);
      expect(
        [Scalar.QUOTE_SINGLE, Scalar.QUOTE_DOUBLE],
        `default of ${String((pair.key as Scalar).value)}`,
      ).toContain((node as Scalar).type);
    }
    expect(defaults).toBeGreaterThanOrEqual(9);
  });

  test('defaults as the issue asks', () => {
    const d = (name: string): string | undefined => ACTION.inputs[name].default;
    expect(d('trees')).toBe('250');
    expect(d('seed')).toBe('0');
    expect(d('github-token')).toBe('${{ github.token }}');
    expect(d('comment')).toBe('update');
    expect(d('job-summary')).toBe('true');
    expect(d('charts')).toBe('auto');
    expect(d('quickchart-host')).toBe('quickchart.io');
    expect(d('comment-key')).toBeUndefined();
    expect(d('pr-number')).toBeUndefined();
  });

  test('the code reads exactly the inputs action.yml declares', () => {
    const source = readFileSync(join(ROOT, 'src/action/inputs.ts'), 'utf8');
    const read = new Set([...source.matchAll(/get\((?:get, )?'([a-z-]+)'/g)].map((m) => m[1]));
    for (const m of source.matchAll(/(?:boolean|integer|positiveNumber)\(get, '([a-z-]+)'/g)) read.add(m[1]);
    // the sources' own inputs are read through the registry (sourceFromInputs), as each source declares them
    for (const s of SOURCES) for (const f of Object.values(s.flags)) if (f.input) read.add(f.input);
    expect([...read].sort()).toEqual([...INPUTS].sort());
  });
});

describe('the repository workflows and the user docs', () => {
  const workflow = (name: string): Record<string, unknown> =>
    parse(readFileSync(join(ROOT, '.github', 'workflows', name), 'utf8')) as Record<string, unknown>;

  test('CI runs lint, tests and the dist/ freshness check', () => {
    const text = readFileSync(join(ROOT, '.github', 'workflows', 'ci.yml'), 'utf8');
    for (const step of ['npm run lint', 'npm test', 'npm run build', 'git status --porcelain -- dist/']) {
      expect(text).toContain(step);
    }
  });

  test('the self-test runs the action itself on the example sweep, with declared inputs only', () => {
    const ci = workflow('ci.yml') as {
      jobs: Record<string, { steps: { uses?: string; with?: Record<string, string> }[] }>;
    };
    const step = ci.jobs['self-test'].steps.find((s) => s.uses === './');
    expect(step).toBeDefined();
    const w = step!.with!;
    expect(w['runs-file']).toBe('examples/mnist-pytorch/runs.csv');
    expect(w.target).toBe('accuracy');
    expect(w.params).toBe(readFileSync(join(ROOT, 'examples/mnist-pytorch/params.txt'), 'utf8').trim());
    expect(w.comment).toBe('off');
    for (const name of Object.keys(w)) expect(INPUTS).toContain(name);
  });

  test('a release on a v1.2.3 tag moves the major tag', () => {
    const text = readFileSync(join(ROOT, '.github', 'workflows', 'release.yml'), 'utf8');
    expect(text).toContain("tags: ['v[0-9]+.[0-9]+.[0-9]+']");
    expect(text).toMatch(/git push --force origin "refs\/tags\/\$MAJOR"/);
  });

  test('README.md documents every input and output, and the permissions', () => {
    const docs = readFileSync(join(ROOT, 'README.md'), 'utf8');
    for (const name of [...INPUTS, ...OUTPUTS]) expect(docs).toContain(`| \`${name}\` |`);
    expect(docs).toContain('pull-requests: write');
    for (const event of ['repository_dispatch', 'workflow_run']) expect(docs).toContain(event);
  });
});
