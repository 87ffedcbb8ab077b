/**
 * Every query the W&B reader can send, validated with `graphql` against the public schema (a copy in
 * __tests__/fixtures/wandb/); the legacy query also against an old server's schema; sweep refs,
 * sweep configs and URLs.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse, validate } from 'graphql';
import { Ajv } from 'ajv';
import { UsageError } from '../src/errors.js';
import {
  ALL_QUERIES,
  SWEEP_META_LEGACY_QUERY,
  SWEEP_META_QUERY,
  SWEEP_RUNS_QUERY,
} from '../src/sources/wandb/queries.js';
import { parseSweepConfig, sweepMetric, sweepParameters } from '../src/sources/wandb/sweep-config.js';
import { parseSweepRef } from '../src/sources/wandb/sweep-ref.js';
import { appUrlFor, normalizeBaseUrl, runPageUrl, sweepPageUrl } from '../src/sources/wandb/urls.js';
import {
  datasetSweep,
  generatedSweep,
  LEGACY_MISSING_SWEEP_FIELDS,
  wandbSchema,
} from './helpers/wandb-server.js';

const errorsOf = (query: string, kind: 'current' | 'legacy') =>
  validate(wandbSchema(kind), parse(query)).map((e) => e.message);

describe('queries against the schema', () => {
  it('every query the code can send is valid against the public schema', () => {
    expect(ALL_QUERIES.length).toBe(3);
    for (const q of ALL_QUERIES) expect(errorsOf(q, 'current')).toEqual([]);
  });

  it('the legacy metadata query and the runs query are valid on an old server; the current one is not', () => {
    expect(errorsOf(SWEEP_META_LEGACY_QUERY, 'legacy')).toEqual([]);
    expect(errorsOf(SWEEP_RUNS_QUERY, 'legacy')).toEqual([]);
    const current = errorsOf(SWEEP_META_QUERY, 'legacy');
    expect(current.length).toBeGreaterThan(0);
    expect(current.join(' ')).toMatch(/Cannot query field "displayName" on type "Sweep"/);
  });

  it('the legacy schema lacks exactly the fields the legacy query avoids', () => {
    const current = wandbSchema('current').getType('Sweep') as unknown as {
      getFields(): Record<string, unknown>;
    };
    const legacy = wandbSchema('legacy').getType('Sweep') as unknown as {
      getFields(): Record<string, unknown>;
    };
    for (const f of LEGACY_MISSING_SWEEP_FIELDS) {
      expect(current.getFields()[f]).toBeDefined();
      expect(legacy.getFields()[f]).toBeUndefined();
    }
  });

  it('the runs query asks for config and summary in the list, and no Project.internalId', () => {
    expect(SWEEP_RUNS_QUERY).toMatch(/node \{[^}]*\bconfig\b[^}]*\bsummaryMetrics\b/);
    for (const q of ALL_QUERIES) expect(q).not.toMatch(/internalId|__schema/);
  });
});

describe('parseSweepRef', () => {
  it('reads entity/project/id and the sweep page URL', () => {
    const want = { entity: 'my-team', project: 'proj.v2', id: 'abcd1234' };
    expect(parseSweepRef('my-team/proj.v2/abcd1234')).toEqual(want);
    expect(parseSweepRef(' https://wandb.ai/my-team/proj.v2/sweeps/abcd1234 ')).toEqual(want);
    expect(parseSweepRef('https://wandb.ai/my-team/proj.v2/sweeps/abcd1234/table?workspace=user-x')).toEqual(
      want,
    );
    expect(parseSweepRef('wandb.ai/my-team/proj.v2/sweeps/abcd1234')).toEqual(want);
    expect(parseSweepRef('http://wandb.example.com:8080/my-team/proj.v2/sweeps/abcd1234#x')).toEqual(want);
    expect(parseSweepRef('my-team/proj.v2/sweeps/abcd1234')).toEqual(want);
  });

  it('refuses other forms with a UsageError that shows an example', () => {
    for (const bad of [
      '',
      'abcd1234',
      'team/abcd1234',
      'a/b/c/d',
      'team//abcd1234',
      'https://wandb.ai/team/proj/runs/abcd1234',
      'team/proj/abc-123',
      'te am/proj/abcd1234',
    ]) {
      let err: unknown;
      try {
        parseSweepRef(bad);
      } catch (e) {
        err = e;
      }
      expect(err, bad).toBeInstanceOf(UsageError);
      expect((err as Error).message).toMatch(/e\.g\. my-team\/my-project\/abcd1234/);
    }
  });
});

describe('sweep config', () => {
  const yaml = `
method: bayes
metric:
  name: val/loss
parameters:
  lr: {min: 0.0001, max: 0.1}
  batch_size:
    values: [16, 32, 64]
  optimizer:
    parameters:
      name: {values: [adam, sgd]}
      betas:
        parameters:
          b1: {value: 0.9}
  epochs:
    value: 10
`;
  it('lists the parameters block, nested blocks flattened with dots', () => {
    const config = parseSweepConfig(yaml)!;
    expect(sweepParameters(config)).toEqual([
      'lr',
      'batch_size',
      'optimizer.name',
      'optimizer.betas.b1',
      'epochs',
    ]);
    expect(sweepParameters({ method: 'grid' })).toEqual([]);
  });

  it('takes the metric, goal minimize by default', () => {
    expect(sweepMetric(parseSweepConfig(yaml))).toEqual({ name: 'val/loss', goal: 'minimize' });
    expect(sweepMetric({ metric: { name: 'acc', goal: 'maximize' } })).toEqual({
      name: 'acc',
      goal: 'maximize',
    });
    expect(sweepMetric({ method: 'grid' })).toBeNull();
    expect(sweepMetric(null)).toBeNull();
  });

  it('reads JSON configs (JSON is YAML) and gives null for text that is not a mapping', () => {
    expect(parseSweepConfig('{"method": "grid", "parameters": {"a": {"values": [1, 2]}}}')).toEqual({
      method: 'grid',
      parameters: { a: { values: [1, 2] } },
    });
    expect(parseSweepConfig('- a\n- b')).toBeNull();
    expect(parseSweepConfig('a: [')).toBeNull();
    expect(parseSweepConfig('')).toBeNull();
  });
});

describe('urls', () => {
  it('derives the app URL from the API URL', () => {
    expect(appUrlFor('https://api.wandb.ai')).toBe('https://wandb.ai');
    expect(appUrlFor('https://api.wandb.example.com')).toBe('https://app.wandb.example.com');
    expect(appUrlFor('http://127.0.0.1:8080')).toBe('http://127.0.0.1:8080');
    expect(appUrlFor('https://api.wandb.ai', 'https://my.app/')).toBe('https://my.app');
    expect(sweepPageUrl('https://wandb.ai', 'e', 'p', 'abc')).toBe('https://wandb.ai/e/p/sweeps/abc');
    expect(runPageUrl('https://wandb.ai', 'e', 'p', 'r1')).toBe('https://wandb.ai/e/p/runs/r1');
  });

  it('checks the base URL', () => {
    expect(normalizeBaseUrl('https://api.wandb.ai//', 'x')).toBe('https://api.wandb.ai');
    expect(() => normalizeBaseUrl('api.wandb.ai', '--wandb-base-url')).toThrow(UsageError);
    expect(() => normalizeBaseUrl('ftp://x', '--wandb-base-url')).toThrow(/http/);
    expect(() => normalizeBaseUrl('https://u:p@x', '--wandb-base-url')).toThrow(/WANDB_API_KEY/);
  });
});

describe('fixture sweep configs', () => {
  it('are valid sweep configs (the wandb/sweeps JSON Schema) and read back as written', () => {
    const schema = JSON.parse(
      readFileSync(new URL('./fixtures/wandb/sweep-config.schema.json', import.meta.url), 'utf8'),
    ) as object;
    const ajv = new Ajv({ strict: false });
    // The schema's own formats for numbers; JSON Schema applies formats to strings only.
    ajv.addFormat('integer', true).addFormat('float', true);
    const check = ajv.compile(schema);
    for (const sweep of [
      datasetSweep('optuna-fashionmnist'),
      datasetSweep('mnist-pytorch'),
      generatedSweep(3),
    ]) {
      const config = parseSweepConfig(sweep.config)!;
      expect(check(config), JSON.stringify(check.errors)).toBe(true);
      expect(sweepParameters(config).length).toBeGreaterThan(0);
    }
    expect(sweepParameters(parseSweepConfig(generatedSweep(3).config)!)).toEqual([
      'x',
      'optimizer.name',
      'optimizer.lr',
    ]);
  });
});
