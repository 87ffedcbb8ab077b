/**
 * The action (src/action/main.ts, in this process) against a GitHub that hangs or refuses the token:
 * the outputs are set before the comment is tried, the comment gives up within the timeouts set by
 * SWEEP_INSIGHTS_GITHUB_TIMEOUT_MS / SWEEP_INSIGHTS_GITHUB_TOTAL_MS, and a 401 is an error naming
 * GITHUB_TOKEN. The same for the CLI's `--comment` (src/cli/main.ts, in this process).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from 'vitest';
import { run } from '../src/action/main.js';
import {
  ALICE_TOKEN,
  startGitHubServer,
  WORKFLOW_TOKEN,
  type GitHubServer,
} from './helpers/github-server.js';
import { runCli } from './helpers/run-cli.js';

const ROOT = join(import.meta.dirname, '..');
const FIX = join(ROOT, '__tests__', 'fixtures', 'github');
const LIST = /\/issues\/42\/comments$/;

let work: string;
let server: GitHubServer | null = null;
const savedEnv = { ...process.env };
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'sweep-insights-action-hostile-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));
afterEach(async () => {
  await server?.close();
  server = null;
  for (const k of Object.keys(process.env)) if (!(k in savedEnv)) delete process.env[k];
  Object.assign(process.env, savedEnv);
  process.exitCode = 0;
  vi.restoreAllMocks();
});

let runs = 0;
/** Runs the action in this process with the runner's environment; returns its code, log and outputs file. */
async function runAction(
  s: GitHubServer,
  extra: Record<string, string> = {},
): Promise<{ code: number; log: string; outputFile: string; ms: number }> {
  const dir = join(work, `run-${++runs}`);
  mkdirSync(join(dir, 'tmp'), { recursive: true });
  const outputFile = join(dir, 'output.txt');
  writeFileSync(outputFile, '');
  writeFileSync(join(dir, 'summary.md'), '');
  Object.assign(process.env, {
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: 'pull_request',
    GITHUB_EVENT_PATH: join(FIX, 'pull_request.json'),
    GITHUB_REPOSITORY: 'octo-org/models',
    GITHUB_API_URL: s.url,
    GITHUB_GRAPHQL_URL: s.graphqlUrl,
    RUNNER_TEMP: join(dir, 'tmp'),
    GITHUB_STEP_SUMMARY: join(dir, 'summary.md'),
    GITHUB_OUTPUT: outputFile,
    'INPUT_RUNS-FILE': 'examples/optuna-fashionmnist/runs.csv',
    INPUT_TARGET: 'accuracy',
    INPUT_PARAMS: readFileSync(join(ROOT, 'examples', 'optuna-fashionmnist', 'params.txt'), 'utf8').trim(),
    INPUT_TREES: '10',
    INPUT_CHARTS: 'none',
    'INPUT_GITHUB-TOKEN': WORKFLOW_TOKEN,
    ...extra,
  });
  let log = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    log += String(chunk);
    return true;
  });
  const started = Date.now();
  const code = await run();
  const ms = Date.now() - started;
  vi.restoreAllMocks();
  return { code, log, outputFile, ms };
}

describe('the action against a hostile GitHub', () => {
  test('a comment that hangs: the outputs are already set when it is tried; the timeout ends it (exit 3)', async () => {
    let atPost: string | null = null;
    server = await startGitHubServer({
      onRequest: (r) => {
        if (r.method === 'POST' && LIST.test(r.path) && atPost === null) {
          atPost = readFileSync(process.env.GITHUB_OUTPUT!, 'utf8');
        }
      },
    });
    server.fault({ method: 'POST', path: LIST, status: 201, hang: 'headers', times: 100 });
    const r = await runAction(server, {
      SWEEP_INSIGHTS_GITHUB_TIMEOUT_MS: '300',
      SWEEP_INSIGHTS_GITHUB_TOTAL_MS: '3000',
    });
    expect(r.code).toBe(3);
    expect(r.ms).toBeLessThan(20_000);
    expect(r.log).toMatch(/::error::GitHub: could not comment on #42: .*no answer within 300 ms/);
    expect(atPost).not.toBeNull();
    for (const name of [
      'results-path',
      'report-path',
      'top-parameter',
      'importances',
      'gate',
      'failed-rules',
    ]) {
      expect(atPost).toContain(`${name}<<`);
    }
    const final = readFileSync(r.outputFile, 'utf8');
    expect(final).toContain('comment-url<<');
    expect(final).toMatch(/gate<<\S+\nnone\n/);
  });

  test('a token GitHub does not accept (401): an error naming GITHUB_TOKEN, exit 3, outputs set', async () => {
    server = await startGitHubServer();
    const r = await runAction(server, { 'INPUT_GITHUB-TOKEN': 'ghs_expiredToken0000000000000000000' });
    expect(r.code).toBe(3);
    expect(r.log).toMatch(/::error::GitHub did not accept the token .*GITHUB_TOKEN/);
    expect(r.log).not.toMatch(/::warning::could not comment/);
    // Only the runner's own mask command carries it (the runner swallows that line).
    const shown = r.log.split('\n').filter((l) => !l.startsWith('::add-mask::'));
    expect(shown.join('\n')).not.toContain('ghs_expiredToken0000000000000000000');
    expect(readFileSync(r.outputFile, 'utf8')).toContain('results-path<<');
  });

  test('a bad GITHUB_API_URL: one line naming it, no "HTTP 500", outputs set', async () => {
    server = await startGitHubServer();
    const r = await runAction(server, { GITHUB_API_URL: 'api.github.com', GITHUB_GRAPHQL_URL: '' });
    expect(r.code).toBe(2);
    expect(r.log).toMatch(/::error::GITHUB_API_URL "api\.github\.com" is not a URL/);
    expect(r.log).not.toMatch(/HTTP 500/);
    expect(readFileSync(r.outputFile, 'utf8')).toContain('results-path<<');
  });
});

describe('analyze --comment against a hostile GitHub', () => {
  const ARGS = [
    'analyze',
    '--runs',
    'examples/optuna-fashionmnist/runs.csv',
    '--target',
    'accuracy',
    '--params',
    readFileSync(join(ROOT, 'examples', 'optuna-fashionmnist', 'params.txt'), 'utf8').trim(),
    '--trees',
    '10',
    '--no-insights',
    '--quiet',
    '--comment',
    'octo-org/models#42',
  ];

  async function cli(env: Record<string, string>): Promise<{ code: number; err: string; ms: number }> {
    const started = Date.now();
    const { code, stderr } = await runCli(ARGS, { GITHUB_TOKEN: ALICE_TOKEN, ...env });
    return { code, err: stderr, ms: Date.now() - started };
  }

  test('a server that never answers: exit 3 within the timeout, one line', async () => {
    server = await startGitHubServer();
    server.fault({ path: /graphql$/, status: 200, hang: 'headers', times: 100 });
    const r = await cli({
      GITHUB_API_URL: server.url,
      GITHUB_GRAPHQL_URL: server.graphqlUrl,
      SWEEP_INSIGHTS_GITHUB_TIMEOUT_MS: '200',
    });
    expect(r.code).toBe(3);
    expect(r.ms).toBeLessThan(15_000);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(/\(GITHUB_GRAPHQL_URL\): no answer within 200 ms/);
  });

  test('401: exit 3 naming GITHUB_TOKEN; the token never printed', async () => {
    server = await startGitHubServer();
    const r = await cli({
      GITHUB_API_URL: server.url,
      GITHUB_GRAPHQL_URL: server.graphqlUrl,
      GITHUB_TOKEN: 'ghp_wrongToken000000000000000000000000',
    });
    expect(r.code).toBe(3);
    expect(r.err).toMatch(/GITHUB_TOKEN/);
    expect(r.err).not.toContain('ghp_wrongToken');
  });

  test('SWEEP_INSIGHTS_GITHUB_TIMEOUT_MS that is not a number: exit 2 naming it', async () => {
    server = await startGitHubServer();
    const r = await cli({ GITHUB_API_URL: server.url, SWEEP_INSIGHTS_GITHUB_TIMEOUT_MS: 'soon' });
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/SWEEP_INSIGHTS_GITHUB_TIMEOUT_MS must be a positive number/);
  });
});
