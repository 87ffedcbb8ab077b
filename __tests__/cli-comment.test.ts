/**
 * `analyze --comment OWNER/REPO#N` from a terminal: the bundle (dist/cli.js) against the local GitHub
 * stand-in. One sticky comment, updated in place; a refusal is exit code 3; the token never printed.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ALICE_TOKEN, startGitHubServer, type GitHubServer } from './helpers/github-server.js';

const ROOT = join(__dirname, '..');
const ARGS = [
  join(ROOT, 'dist', 'cli.js'),
  'analyze',
  '--runs',
  'examples/hpbandster-mnist-cnn/runs.csv',
  '--target',
  'validation_accuracy',
  '--params',
  'epochs,optimizer,lr,sgd_momentum,dropout_rate,num_conv_layers,num_filters_1,num_filters_2,num_filters_3,num_fc_units',
  '--trees',
  '20',
  '--no-insights',
  '--charts',
  'mermaid',
];

function runCli(args: string[], env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env } });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out }));
  });
}

let server: GitHubServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('analyze --comment', () => {
  it('creates one sticky comment, then updates it in place', async () => {
    server = await startGitHubServer();
    const env = {
      GITHUB_TOKEN: ALICE_TOKEN,
      GITHUB_API_URL: server.url,
      GITHUB_GRAPHQL_URL: server.graphqlUrl,
    };
    const first = await runCli([...ARGS, '--comment', 'octo-org/models#42'], env);
    expect(first.code).toBe(0);
    expect(first.out).toMatch(/comment: https:\/\/github\.com\/octo-org\/models\/pull\/42#issuecomment-\d+/);
    const second = await runCli([...ARGS, '--comment', 'octo-org/models#42'], env);
    expect(second.code).toBe(0);
    const comments = server.commentsOn(42);
    expect(comments).toHaveLength(1);
    expect(comments[0].body).toMatch(/validation\\_accuracy/);
    expect(comments[0].body.split('\n')[0]).toMatch(/^<!-- sweep-insights:.*validation_accuracy.* -->$/);
    for (const r of [first, second]) expect(r.out).not.toContain(ALICE_TOKEN);
  });

  it('a pull request that does not exist is a refusal: exit code 3, one line', async () => {
    server = await startGitHubServer();
    const r = await runCli([...ARGS, '--comment', 'octo-org/models#999', '--quiet'], {
      GITHUB_TOKEN: ALICE_TOKEN,
      GITHUB_API_URL: server.url,
      GITHUB_GRAPHQL_URL: server.graphqlUrl,
    });
    expect(r.code).toBe(3);
    expect(r.out.trim().split('\n')).toHaveLength(1);
    expect(r.out).not.toContain(ALICE_TOKEN);
  });

  it('without a token or with a malformed target it is a usage error', async () => {
    expect((await runCli([...ARGS, '--comment', 'octo-org/models#42'], {})).code).toBe(2);
    const bad = await runCli([...ARGS, '--comment', 'models-42'], { GITHUB_TOKEN: ALICE_TOKEN });
    expect(bad.code).toBe(2);
    expect(bad.out).toMatch(/OWNER\/REPO#NUMBER/);
  });
});
