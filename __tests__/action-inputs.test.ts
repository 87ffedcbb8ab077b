import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import {
  envInputReader,
  readInputs,
  readRunnerContext,
  splitList,
  type RunnerContext,
} from '../src/action/inputs.js';
import { UsageError } from '../src/errors.js';

const FIX = join(import.meta.dirname, 'fixtures', 'github');

function ctx(event: string, file: string | null, extra: NodeJS.ProcessEnv = {}): RunnerContext {
  return readRunnerContext({
    GITHUB_EVENT_NAME: event,
    GITHUB_EVENT_PATH: file ? join(FIX, file) : undefined,
    GITHUB_REPOSITORY: 'octo-org/models',
    ...extra,
  });
}

const reader = (inputs: Record<string, string>) => (name: string) => (inputs[name] ?? '').trim();

describe('readInputs', () => {
  test('defaults when inputs are empty; the event names the pull request', () => {
    const r = readInputs(
      reader({ 'runs-file': 'runs.csv', target: 'acc', params: 'a, b,c' }),
      ctx('pull_request', 'pull_request.json'),
      {},
    );
    expect(r.analysis).toMatchObject({
      runsFile: 'runs.csv',
      sweep: undefined,
      target: 'acc',
      params: ['a', 'b', 'c'],
      trees: 250,
      seed: 0,
      rules: [],
      insights: true,
    });
    expect(r.analysis.wandb).toMatchObject({ wait: false, waitTimeoutMinutes: 60 });
    expect(r.publish).toMatchObject({
      comment: 'update',
      commentKey: null,
      prNumber: 42,
      prSource: 'event',
      fromFork: false,
      jobSummary: true,
      charts: 'quickchart', // public repository
      quickchartHost: 'quickchart.io',
    });
    expect(r.context).toMatchObject({ owner: 'octo-org', repo: 'models', apiUrl: 'https://api.github.com' });
  });

  test('the runner convention: INPUT_<NAME> upper-cased, hyphens kept, spaces → _', () => {
    const get = envInputReader({
      'INPUT_RUNS-FILE': ' x.csv ',
      INPUT_FAIL_ON: 'no',
      'INPUT_FAIL-ON': 'best > 1',
    });
    expect(get('runs-file')).toBe('x.csv');
    expect(get('fail-on')).toBe('best > 1');
    expect(envInputReader({ INPUT_MY_INPUT: 'v' })('my input')).toBe('v');
  });

  test('fail-on: one rule per line, parsed up front', () => {
    const r = readInputs(
      reader({ sweep: 'a/b/c', 'fail-on': 'importance(lr) >= 0.1\n# note\n\nbest >= 0.9' }),
      ctx('push', 'push.json'),
      {},
    );
    expect(r.analysis.rules.map((x) => x.text)).toEqual(['importance(lr) >= 0.1', 'best >= 0.9']);
    expect(() =>
      readInputs(reader({ sweep: 'a/b/c', 'fail-on': 'best >> 1' }), ctx('push', null), {}),
    ).toThrow(/invalid rule "best >> 1"/);
  });

  test('outside a pull request: no number unless pr-number is given', () => {
    for (const event of ['push', 'workflow_dispatch', 'repository_dispatch', 'workflow_run']) {
      expect(readInputs(reader({ sweep: 'a/b/c' }), ctx(event, 'push.json'), {}).publish.prNumber).toBeNull();
    }
    const r = readInputs(reader({ sweep: 'a/b/c', 'pr-number': '#7' }), ctx('workflow_run', 'push.json'), {});
    expect(r.publish).toMatchObject({ prNumber: 7, prSource: 'input' });
  });

  test('a fork pull request is recognised; private repository → mermaid charts', () => {
    expect(
      readInputs(reader({ sweep: 'a/b/c' }), ctx('pull_request', 'pull_request_fork.json'), {}).publish
        .fromFork,
    ).toBe(true);
    const priv = readRunnerContext({ GITHUB_EVENT_NAME: 'push' });
    const r = readInputs(
      reader({ sweep: 'a/b/c' }),
      { ...priv, payload: { repository: { private: true } } },
      {},
    );
    expect(r.publish.charts).toBe('mermaid');
    expect(readInputs(reader({ sweep: 'a/b/c', charts: 'none' }), priv, {}).publish.charts).toBe('none');
  });

  test('secrets to mask; W&B key from the environment when the input is empty', () => {
    const r = readInputs(reader({ sweep: 'a/b/c', 'github-token': 'ghs_x' }), ctx('push', null), {
      WANDB_API_KEY: 'k123',
    });
    expect(r.analysis.wandb?.apiKey).toBe('k123');
    expect(r.secrets).toEqual(['k123', 'ghs_x']);
  });

  test.each([
    [{}, /give one source/],
    [{ sweep: 'a/b/c', 'runs-file': 'x.csv' }, /not both/],
    [{ sweep: 'a/b/c', trees: '0' }, /input trees must be an integer/],
    [{ sweep: 'a/b/c', seed: '-1' }, /input seed/],
    [{ sweep: 'a/b/c', goal: 'max' }, /input goal must be one of maximize, minimize/],
    [{ sweep: 'a/b/c', comment: 'sticky' }, /input comment must be one of update, recreate, off/],
    [{ sweep: 'a/b/c', charts: 'png' }, /input charts/],
    [{ sweep: 'a/b/c', wait: 'yes' }, /input wait must be true or false/],
    [{ sweep: 'a/b/c', 'job-summary': '1' }, /input job-summary/],
    [{ sweep: 'a/b/c', 'wait-timeout': '0' }, /input wait-timeout/],
    [{ sweep: 'a/b/c', 'pr-number': 'abc' }, /pr-number/],
    [{ sweep: 'a/b/c', 'comment-key': 'a--b' }, /comment-key/],
    [{ sweep: 'a/b/c', 'quickchart-host': 'not a host' }, /quickchart-host/],
    [{ sweep: 'a/b/c', params: ' , ' }, /params is empty/],
  ])('%j is a usage error', (inputs, why) => {
    let err: unknown;
    try {
      readInputs(reader(inputs as Record<string, string>), ctx('push', null), {});
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toMatch(why);
  });

  test('lists: commas, or one per line (names may then hold commas)', () => {
    expect(splitList('a, b ,c', 'params')).toEqual(['a', 'b', 'c']);
    expect(splitList('x,y\nz', 'params')).toEqual(['x,y', 'z']);
  });

  test('a broken event payload is a usage error naming the file', () => {
    expect(() => readRunnerContext({ GITHUB_EVENT_PATH: join(FIX, 'SOURCE.md') })).toThrow(
      /GITHUB_EVENT_PATH/,
    );
  });

  test('GHES: API and GraphQL URLs from the environment', () => {
    const c = readRunnerContext({
      GITHUB_API_URL: 'https://ghe.example.com/api/v3/',
      GITHUB_GRAPHQL_URL: 'https://ghe.example.com/api/graphql',
    });
    expect(c.apiUrl).toBe('https://ghe.example.com/api/v3');
    expect(c.graphqlUrl).toBe('https://ghe.example.com/api/graphql');
  });
});
