/**
 * The documented workflows are valid (issue 12): scripts/lint-workflows.mjs over .github/workflows/ and
 * every workflow of the README passes, the README has one per trigger, and the linter is not vacuous.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, test } from 'vitest';

const ROOT = join(import.meta.dirname, '..');
const LINTER = join(ROOT, 'scripts', 'lint-workflows.mjs');

function lint(files: string[] = []): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [LINTER, ...files], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function readmeWorkflows(): { text: string; doc: Record<string, unknown> }[] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  return [...readme.matchAll(/^```ya?ml\n([\s\S]*?)^```/gm)]
    .map((m) => ({ text: m[1], doc: parse(m[1]) as Record<string, unknown> }))
    .filter((w) => w.doc && typeof w.doc === 'object' && 'jobs' in w.doc);
}

const PIN = 'OWNER/sweep-insights@0000000000000000000000000000000000000000';

function documented(body: string): string {
  return `# Doc\n\n\`\`\`yaml\n${body}\`\`\`\n`;
}

const GOOD = `name: ok
on: pull_request
jobs:
  r:
    runs-on: ubuntu-latest
    steps:
      - id: insights
        uses: ${PIN}
        with:
          runs-file: runs.csv
      - env:
          TOP: \${{ steps.insights.outputs.top-parameter }}
        run: echo "$TOP"
`;

describe('the workflow linter', () => {
  test('passes on .github/workflows/ and the README', () => {
    const r = lint();
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/workflows: \d+ checked in \d+ files, 0 problem\(s\)/);
    const checked = Number(/workflows: (\d+)/.exec(r.stdout)![1]);
    expect(checked).toBeGreaterThanOrEqual(2 + 7); // ci.yml, release.yml and the README's seven
  });

  test('a documented workflow that follows the rules passes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lint-wf-'));
    writeFileSync(join(dir, 'ok.md'), documented(GOOD));
    const r = lint([join(dir, 'ok.md')]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  test.each([
    ['a misspelt event (schema)', GOOD.replace('on: pull_request', 'on: pull_requests'), /\/on/],
    [
      'a misspelt permission (schema)',
      GOOD.replace('jobs:', 'permissions:\n  pull-request: write\njobs:'),
      /permissions/,
    ],
    [
      'a workflow_dispatch input without a description (schema)',
      GOOD.replace(
        'on: pull_request',
        'on:\n  workflow_dispatch:\n    inputs:\n      pr:\n        type: string',
      ),
      /description/,
    ],
    [
      'a colon in a plain run: line (not YAML)',
      GOOD.replace('run: echo "$TOP"', 'run: echo "top: $TOP"'),
      /not YAML/,
    ],
    [
      'a tag instead of a SHA',
      GOOD.replace(PIN, 'OWNER/sweep-insights@v1'),
      /pin the action to a full commit SHA/,
    ],
    [
      'no id',
      GOOD.replace('      - id: insights\n        uses:', '      - uses:'),
      /needs an id:|not an earlier step/,
    ],
    ['an undeclared input', GOOD.replace('runs-file: runs.csv', 'runs_file: runs.csv'), /no input runs_file/],
    [
      'an undeclared output',
      GOOD.replace('outputs.top-parameter', 'outputs.top_parameter'),
      /no output top_parameter/,
    ],
    [
      'outputs never read',
      GOOD.replace('TOP: ${{ steps.insights.outputs.top-parameter }}', 'TOP: x'),
      /no later step reads an output of step insights/,
    ],
    [
      'fromJSON(...).name',
      GOOD.replace(
        'steps.insights.outputs.top-parameter }}',
        'fromJSON(steps.insights.outputs.importances).learning_rate }}',
      ),
      /fromJSON\(\.\.\.\)\['name'\]/,
    ],
    ['an unclosed expression', GOOD.replace('top-parameter }}', 'top-parameter'), /not closed/],
  ])('refuses %s', (_what, body, message) => {
    const dir = mkdtempSync(join(tmpdir(), 'lint-wf-'));
    writeFileSync(join(dir, 'bad.md'), documented(body));
    const r = lint([join(dir, 'bad.md')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toMatch(/^error: .*bad\.md:\d+: /m);
  });
});

describe('the README workflows', () => {
  const workflows = readmeWorkflows();
  const events = (w: { doc: Record<string, unknown> }): string[] =>
    typeof w.doc.on === 'string'
      ? [w.doc.on]
      : Array.isArray(w.doc.on)
        ? w.doc.on
        : Object.keys(w.doc.on as object);
  const triggers = workflows.map(events);

  test('one for each trigger: pull_request, workflow_dispatch (+ schedule), repository_dispatch, workflow_run, push', () => {
    for (const event of [
      'pull_request',
      'workflow_dispatch',
      'schedule',
      'repository_dispatch',
      'workflow_run',
      'push',
    ]) {
      expect(triggers.flat(), event).toContain(event);
    }
  });

  test('workflow_dispatch takes a sweep and a PR number; repository_dispatch and dispatch have a concurrency group', () => {
    const dispatch = workflows.find((w) => events(w).includes('workflow_dispatch'))!;
    const inputs = (dispatch.doc.on as { workflow_dispatch: { inputs: Record<string, unknown> } })
      .workflow_dispatch.inputs;
    expect(Object.keys(inputs)).toEqual(expect.arrayContaining(['sweep', 'pr']));
    for (const w of workflows.filter((w) => events(w).includes('repository_dispatch') || w === dispatch)) {
      expect(w.doc.concurrency, w.text.split('\n')[0]).toBeTruthy();
    }
  });

  test('the fork pair checks the PR number against the head commit, and never checks out the fork in the commenting run', () => {
    const comment = workflows.find((w) => events(w).includes('workflow_run'))!;
    expect(comment.text).toContain('github.event.workflow_run.head_sha');
    expect(comment.text).not.toContain('actions/checkout');
    expect(comment.text).not.toMatch(/runs-file:/); // posts the uploaded report: no second analysis
  });

  test('no workflow uses an unpinned copy of the action, and none reads fromJSON(...).name', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    expect(readme).not.toMatch(/sweep-insights@v\d/);
    expect(readme).not.toMatch(/fromJSON\([^)]*\)\.[A-Za-z_]/);
  });

  test('the README speaks the user’s language', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    for (const jargon of [
      "shared's recipe",
      "`shared`'s recipe",
      'recipe.md',
      '§',
      'design card',
      'the recipe',
    ]) {
      expect(readme, jargon).not.toContain(jargon);
    }
    // "the notebook" is introduced (what it computes) before any other use
    const first = readme.indexOf('the notebook');
    const intro = readme.indexOf('called **the notebook**');
    expect(intro).toBeGreaterThan(0);
    expect(first === -1 || first >= intro - 200).toBe(true);
  });
});
