/**
 * End to end, the way the runner runs the action: the committed bundle `dist/index.js` under node,
 * inputs as INPUT_<NAME> environment variables (action.yml's defaults filled in, as the runner does),
 * a pull_request event payload, GITHUB_API_URL pointing at a local stand-in of the GitHub API, and
 * GITHUB_STEP_SUMMARY / GITHUB_OUTPUT as temporary files read back in the runner's formats.
 *
 * dist/ is built by `npm run build`; a missing bundle fails these tests (it is what users run).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { FORK_TOKEN, startGitHubServer, WORKFLOW_TOKEN, type GitHubServer } from './helpers/github-server.js';

const ROOT = join(import.meta.dirname, '..');
const BUNDLE = join(ROOT, 'dist', 'index.js');
const FIX = join(ROOT, '__tests__', 'fixtures', 'github');
const ACTION = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as {
  inputs: Record<string, { default?: string }>;
};

interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
}

let work: string;
let server: GitHubServer;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'sweep-insights-e2e-'));
});
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});
afterEach(async () => {
  await server?.close();
});

/** The runner's INPUT_ name: upper-cased, spaces → `_`, hyphens kept. */
const inputEnv = (name: string): string => `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;

/** GITHUB_OUTPUT as the runner reads it: `name<<DELIM` … `DELIM` blocks (and plain `name=value`). */
function parseOutputFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const heredoc = /^([^=<]+)<<(.+)$/.exec(lines[i]);
    if (heredoc) {
      const [, name, delim] = heredoc;
      const value: string[] = [];
      for (i++; i < lines.length && lines[i] !== delim; i++) value.push(lines[i]);
      if (i >= lines.length) throw new Error(`output ${name}: no closing delimiter ${delim}`);
      out[name] = value.join('\n');
    } else if (/^[^=]+=/.test(lines[i])) {
      const at = lines[i].indexOf('=');
      out[lines[i].slice(0, at)] = lines[i].slice(at + 1);
    } else if (lines[i] !== '') {
      throw new Error(`GITHUB_OUTPUT: unexpected line ${JSON.stringify(lines[i])}`);
    }
  }
  return out;
}

let runCount = 0;
async function runAction(
  inputs: Record<string, string>,
  opts: { event?: string; eventFile?: string; token?: string } = {},
): Promise<RunResult> {
  const dir = join(work, `run-${++runCount}`);
  const outputFile = join(dir, 'output.txt');
  const summaryFile = join(dir, 'summary.md');
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    GITHUB_ACTIONS: 'true',
    CI: 'true',
    GITHUB_EVENT_NAME: opts.event ?? 'pull_request',
    GITHUB_EVENT_PATH: join(FIX, opts.eventFile ?? 'pull_request.json'),
    GITHUB_REPOSITORY: 'octo-org/models',
    GITHUB_API_URL: server.url,
    GITHUB_GRAPHQL_URL: server.graphqlUrl,
    GITHUB_WORKSPACE: ROOT,
    RUNNER_TEMP: join(dir, 'tmp'),
    GITHUB_STEP_SUMMARY: summaryFile,
    GITHUB_OUTPUT: outputFile,
  };
  // The runner fills in action.yml's defaults, then the workflow's `with:` values.
  for (const [name, spec] of Object.entries(ACTION.inputs)) {
    if (spec.default !== undefined) env[inputEnv(name)] = spec.default;
  }
  env[inputEnv('github-token')] = opts.token ?? WORKFLOW_TOKEN;
  for (const [name, value] of Object.entries(inputs)) env[inputEnv(name)] = value;

  const { mkdirSync } = await import('node:fs');
  mkdirSync(join(dir, 'tmp'), { recursive: true });
  writeFileSync(outputFile, '');
  writeFileSync(summaryFile, '');
  // Asynchronous spawn: the stand-in server lives in this process and must keep answering.
  const child = spawn(process.execPath, [BUNDLE], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  return {
    code,
    stdout,
    stderr,
    outputs: parseOutputFile(readFileSync(outputFile, 'utf8')),
    summary: readFileSync(summaryFile, 'utf8'),
  };
}

/** Markdown/HTML escapes undone, to look for text as it reads. */
const unescape = (md: string): string =>
  md
    .replace(/&gt;/g, '>')
    .replace(/&lt;/g, '<')
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)))
    .replace(/&amp;/g, '&')
    .replace(/\\([!-/:-@[-`{-~])/g, '$1');

const dataset = (name: string): Record<string, string> => {
  const [target, goal] = readFileSync(join(ROOT, 'examples', name, 'target.txt'), 'utf8')
    .trim()
    .split(/\s+/);
  return {
    'runs-file': `examples/${name}/runs.csv`,
    target,
    goal,
    params: readFileSync(join(ROOT, 'examples', name, 'params.txt'), 'utf8').trim(),
  };
};
const SMALL = dataset('optuna-fashionmnist');
const KEY_MARKER = '<!-- sweep-insights:runs=examples/optuna-fashionmnist/runs.csv target=accuracy -->';

describe('dist/index.js as the runner runs it', () => {
  test('the bundle exists (npm run build)', () => {
    expect(existsSync(BUNDLE), `${BUNDLE} is missing: run npm run build`).toBe(true);
  });

  test('first run creates one comment; a second run updates it in place; outputs in the runner format', async () => {
    server = await startGitHubServer();
    const first = await runAction(SMALL);
    expect(first.code, first.stdout + first.stderr).toBe(0);
    const comments = server.commentsOn(42);
    expect(comments).toHaveLength(1);
    expect(comments[0].user.login).toBe('github-actions[bot]');
    expect(comments[0].body.split('\n')[0]).toBe(KEY_MARKER);

    const o = first.outputs;
    expect(Object.keys(o).sort()).toEqual(
      [
        'comment-url',
        'comparison',
        'failed-rules',
        'gate',
        'importances',
        'matters',
        'next-sweep-path',
        'report-path',
        'results-path',
        'top-parameter',
        'verdict',
      ].sort(),
    );
    expect(o['comment-url']).toBe(
      `https://github.com/octo-org/models/pull/42#issuecomment-${comments[0].id}`,
    );
    expect(o.gate).toBe('none');
    expect(JSON.parse(o['failed-rules'])).toEqual([]);
    const importances = JSON.parse(o.importances) as Record<string, number>;
    expect(Object.keys(importances)).toEqual(SMALL.params.split(','));
    const results = JSON.parse(readFileSync(o['results-path'], 'utf8'));
    // the verdict's ranking, not the notebook's importance
    expect(o['top-parameter']).toBe(results.summary.top[0] ?? '');
    expect(JSON.parse(o.matters)).toEqual(
      results.summary.ranked_by === 'permutation' ? results.summary.top : [],
    );
    expect(o.verdict).toBe(results.summary.verdict);
    expect(results.parameter_importances).toEqual(importances);
    expect(results.target).toBe('accuracy');
    expect(readFileSync(o['report-path'], 'utf8')).toBe(first.summary);
    if (o['next-sweep-path'] !== '')
      expect(readFileSync(o['next-sweep-path'], 'utf8')).toMatch(/parameters:/);
    // The job summary holds the same report, without the comment's marker.
    expect(first.summary.length).toBeGreaterThan(1000);
    expect(first.summary).not.toContain('<!-- sweep-insights:');

    const second = await runAction(SMALL);
    expect(second.code, second.stdout + second.stderr).toBe(0);
    const after = server.commentsOn(42);
    expect(after).toHaveLength(1);
    expect(after[0].id).toBe(comments[0].id);
    expect(server.calls().filter((c) => c.startsWith('POST'))).toHaveLength(1);
    expect(second.outputs['comment-url']).toBe(o['comment-url']);
  });

  test('two runs at once leave one comment', async () => {
    // Both runs list the comments (finding none) before either posts: the race the action must survive.
    server = await startGitHubServer({
      barrier: { method: 'GET', path: /\/issues\/42\/comments$/, count: 2 },
    });
    const [a, b] = await Promise.all([runAction(SMALL), runAction(SMALL)]);
    expect(a.code, a.stdout + a.stderr).toBe(0);
    expect(b.code, b.stdout + b.stderr).toBe(0);
    const left = server.commentsOn(42);
    expect(left).toHaveLength(1);
    expect(a.outputs['comment-url']).toBe(b.outputs['comment-url']);
    expect(a.outputs['comment-url']).toContain(`#issuecomment-${left[0].id}`);
    expect(server.calls().filter((c) => c === 'POST /repos/octo-org/models/issues/42/comments')).toHaveLength(
      2,
    );
    expect(server.requests.filter((r) => r.method === 'DELETE' && r.status === 204)).toHaveLength(1);
  });

  test('recreate deletes the comment and posts a new one', async () => {
    server = await startGitHubServer();
    const old = server.addComment(42, 'github-actions[bot]', `${KEY_MARKER}\nold report\n`, 'Bot');
    const quoted = server.addComment(42, 'alice', `> why does it say\n${KEY_MARKER}\n`);
    const r = await runAction({ ...SMALL, comment: 'recreate' });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const left = server.commentsOn(42);
    expect(left.map((c) => c.id)).toContain(quoted.id);
    expect(left.map((c) => c.id)).not.toContain(old.id);
    expect(left).toHaveLength(2);
    expect(server.calls()).toEqual(
      expect.arrayContaining([
        `DELETE /repos/octo-org/models/issues/comments/${old.id}`,
        'POST /repos/octo-org/models/issues/42/comments',
      ]),
    );
    expect(server.requests.filter((q) => q.path.endsWith(`/comments/${quoted.id}`))).toEqual([]);
  });

  test('a fork pull request (403 on commenting): a warning, the summary, exit 0', async () => {
    server = await startGitHubServer();
    const r = await runAction(SMALL, { eventFile: 'pull_request_fork.json', token: FORK_TOKEN });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(
      /::warning::could not comment on #42: .*403.*Resource not accessible by integration.*fork/,
    );
    expect(r.summary).toContain('accuracy');
    expect(r.outputs['comment-url']).toBe('');
    expect(r.outputs.gate).toBe('none');
    expect(server.commentsOn(42)).toHaveLength(0);
    expect(server.requests.some((q) => q.method === 'POST' && q.status === 403)).toBe(true);
  });

  test('a failing rule: the report is posted first, then exit 1 with the rule in the log', async () => {
    server = await startGitHubServer();
    const r = await runAction({ ...SMALL, 'fail-on': 'runs >= 1000000\nimportance(lr) >= 0' });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/::error::.*runs >= 1000000/);
    expect(server.commentsOn(42)).toHaveLength(1);
    // As a reader sees it: the renderer escapes Markdown/HTML in table cells.
    const body = unescape(server.commentsOn(42)[0].body);
    expect(body).toContain('runs >= 1000000');
    expect(body).toContain('❌');
    expect(body).toContain('✅');
    expect(r.outputs.gate).toBe('fail');
    const failed = JSON.parse(r.outputs['failed-rules']);
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ rule: 'runs >= 1000000', op: '>=', threshold: 1000000 });
    expect(typeof failed[0].value).toBe('number');
    // Posted before failing: the outputs and summary are there too.
    expect(unescape(r.summary)).toContain('runs >= 1000000');
  });

  test('a rule that does not parse: exit 2 quoting it, before any work or request', async () => {
    server = await startGitHubServer();
    const r = await runAction({ ...SMALL, 'fail-on': 'importance(lr) => 0.1' });
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('::error::invalid rule "importance(lr) => 0.1"');
    expect(server.requests).toHaveLength(0);
  });

  test('an unknown parameter in a rule: exit 2 quoting it', async () => {
    server = await startGitHubServer();
    const r = await runAction({ ...SMALL, 'fail-on': 'importance(learning_rate) >= 0.1' });
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/::error::rule "importance\(learning_rate\) >= 0.1": unknown hyperparameter/);
  });

  test('outside a pull request (push): summary only, no comment requests', async () => {
    server = await startGitHubServer();
    const r = await runAction(SMALL, { event: 'push', eventFile: 'push.json' });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.summary).toContain('accuracy');
    expect(server.requests).toHaveLength(0);
    expect(r.outputs['comment-url']).toBe('');
    // …unless pr-number is given.
    const again = await runAction(
      { ...SMALL, 'pr-number': '7' },
      { event: 'workflow_run', eventFile: 'push.json' },
    );
    expect(again.code, again.stdout + again.stderr).toBe(0);
    expect(server.commentsOn(7)).toHaveLength(1);
  });

  test('comment: off and job-summary: false publish nothing but the files and outputs', async () => {
    server = await startGitHubServer();
    const r = await runAction({ ...SMALL, comment: 'off', 'job-summary': 'false' });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(server.requests).toHaveLength(0);
    expect(r.summary).toBe('');
    expect(r.outputs['comment-url']).toBe('');
    expect(readFileSync(r.outputs['report-path'], 'utf8')).toContain('accuracy');
  });

  test('GitHub 5xx: retried; when it persists, the summary is still written and the exit code is 3', async () => {
    server = await startGitHubServer();
    server.fault({ method: 'POST', path: /\/comments$/, status: 502, times: 1 });
    const ok = await runAction(SMALL);
    expect(ok.code, ok.stdout + ok.stderr).toBe(0);
    expect(server.commentsOn(42)).toHaveLength(1);

    server.fault({ method: 'GET', path: /\/comments$/, status: 503, times: 100 });
    const r = await runAction(SMALL);
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/::error::.*HTTP 503/);
    expect(r.summary).toContain('accuracy');
    expect(r.outputs['results-path']).toBeTruthy();
  });

  test('GitHub answers 422 (body too long by its count): the comment is shortened and posted', async () => {
    server = await startGitHubServer({ maxBodyChars: 6_000 });
    const r = await runAction(SMALL);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/::warning::GitHub refused a \d+-character comment as too long/);
    const [c] = server.commentsOn(42);
    expect(c.body.length).toBeLessThanOrEqual(6_000);
    expect(r.summary.length).toBeGreaterThan(6_000);
    expect(c.body.split('\n')[0]).toBe(KEY_MARKER);
  });

  test('the widest dataset (autosklearn-wide, 168 parameters): a comment under 65,536 characters starting with its marker', async () => {
    server = await startGitHubServer();
    const wide = dataset('autosklearn-wide');
    expect(wide.params.split(',')).toHaveLength(168);
    const r = await runAction({ ...wide, trees: '50', charts: 'mermaid' });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const [c] = server.commentsOn(42);
    expect(c.body.length).toBeLessThanOrEqual(65_536);
    const lines = c.body.trimEnd().split('\n');
    expect(lines[0]).toBe(
      '<!-- sweep-insights:runs=examples/autosklearn-wide/runs.csv target=loss_1_minus_balanced_accuracy -->',
    );
    // Under 1 MiB in the summary.
    expect(Buffer.byteLength(r.summary)).toBeLessThan(1024 * 1024);
  });
});
