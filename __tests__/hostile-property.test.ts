/**
 * Hostile strings as parameter names, categorical levels, run names and the target, through CSV and
 * JSONL runs files and the whole CLI (src/cli/main.ts in-process): a seeded generator, a bounded
 * number of cases. Whatever the data hold:
 * - the exit code is 0 or 2, and stdout/stderr stay small;
 * - the next sweep's YAML reads (YAML 1.1, as PyYAML reads it) to exactly the tool's top-level keys,
 *   with the target's name and every categorical level unchanged;
 * - in the Markdown, outside code, no HTML comment, `#123`-style reference, bare URL or `@mention`
 *   survives, and as a sticky comment its marker is found on the first line only.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { commentMarker, hasMarker, withMarker } from '../src/publish/comment.js';
import { NA_TOKENS } from '../src/table/typing.js';
import { rng } from './fixtures/report/factory.js';
import { runCli } from './helpers/run-cli.js';

const CASES = 60;
const RUNS = 30;

const PIECES = [
  '\n',
  '\r\n',
  '\u2028',
  '\u0085',
  '\t',
  '<!--',
  '-->',
  '<!-- sweep-insights:k -->',
  '`',
  '```',
  '|',
  '#12',
  'owner/repo#3',
  'GH-4',
  '@user',
  'https://github.com/o/r/issues/5',
  'yes',
  'no',
  'on',
  'off',
  '~',
  'null',
  '1_000',
  '0b101',
  '1:30',
  '2001-12-14',
  '.inf',
  '__proto__',
  'constructor',
  'toString',
  'command: rm -rf /',
  '- x',
  ': ',
  '"',
  "'",
  '\\',
  '<script>',
  '&amp;',
  '$x$',
  '*',
  '_',
  '[a](b)',
  'é',
  '😀',
  ' ',
  'x',
  'lr',
];

function hostile(r: () => number, long: boolean): string {
  const n = 1 + Math.floor(r() * 4);
  let s = '';
  for (let i = 0; i < n; i++) s += PIECES[Math.floor(r() * PIECES.length)];
  if (long) s += 'L'.repeat(100_000);
  return s;
}

/** Names W&B accepts (so the next sweep has parameters to write) that YAML or JavaScript read specially. */
const VALID_NAMES = [
  'yes',
  'no',
  'on',
  'off',
  'y',
  'n',
  'null',
  'true',
  '__proto__',
  'constructor',
  'toString',
];
const SUFFIXES = ['', '', '.a', '_1', '-x', '.command'];

/** A name usable with --params: no comma, no surrounding space, not empty; half of them W&B-valid. */
function paramName(r: () => number, long: boolean, taken: Set<string>): string {
  for (;;) {
    const s =
      r() < 0.5 && !long
        ? VALID_NAMES[Math.floor(r() * VALID_NAMES.length)] + SUFFIXES[Math.floor(r() * SUFFIXES.length)]
        : hostile(r, long).replace(/,/g, ';').trim();
    if (s !== '' && !taken.has(s) && !/^Unnamed: \d+$/.test(s)) {
      taken.add(s);
      return s;
    }
  }
}

interface Case {
  format: 'csv' | 'jsonl';
  target: string;
  /** numeric, categorical, numeric */
  params: [string, string, string];
  levels: string[];
  rows: { name: string; a: number; level: string; c: number; y: number }[];
}

function makeCase(seed: number): Case {
  const r = rng(seed);
  const longAt = Math.floor(r() * 8); // one case in 8 or so has a 100 KB string, in a random role
  const taken = new Set<string>(['name']);
  const target = paramName(r, longAt === 0, taken);
  const params: [string, string, string] = [
    paramName(r, longAt === 1, taken),
    paramName(r, longAt === 2, taken),
    paramName(r, false, taken),
  ];
  const levels = [...new Set([hostile(r, longAt === 3), hostile(r, false), hostile(r, false)])];
  const rows = Array.from({ length: RUNS }, (_, i) => {
    const a = Math.round(r() * 100) / 100;
    const level = levels[i % levels.length];
    const c = Math.floor(r() * 5);
    return {
      name: hostile(r, longAt === 4 && i === 0),
      a,
      level,
      c,
      y: a + 0.3 * (i % levels.length) + 0.1 * r(),
    };
  });
  return { format: seed % 2 === 0 ? 'csv' : 'jsonl', target, params, levels, rows };
}

const q = (s: string): string => `"${s.replace(/"/g, '""')}"`;

function csvText(c: Case): string {
  const lines = [['name', ...c.params, c.target].map(q).join(',')];
  for (const row of c.rows) {
    lines.push([row.name, String(row.a), row.level, String(row.c), String(row.y)].map(q).join(','));
  }
  return lines.join('\r\n') + '\r\n';
}

function jsonlText(c: Case, seed: number): string {
  const obj = (entries: [string, unknown][]): string =>
    `{${entries.map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`).join(', ')}}`;
  return (
    c.rows
      .map((row) => {
        const params: [string, unknown][] = [
          [c.params[0], row.a],
          [c.params[1], row.level],
          [c.params[2], row.c],
        ];
        // half of them W&B-shaped: config and summary
        return seed % 4 === 1
          ? `{"name": ${JSON.stringify(row.name)}, "config": ${obj(params)}, "summary": ${obj([[c.target, row.y]])}}`
          : obj([['name', row.name], ...params, [c.target, row.y]]);
      })
      .join('\n') + '\n'
  );
}

/** The Markdown outside fenced code blocks (and inline code spans). */
function outsideCode(md: string): string {
  const out: string[] = [];
  let fence: string | null = null;
  for (const line of md.split('\n')) {
    const m = /^ {0,3}(`{3,}|~{3,})/.exec(line);
    if (fence === null && m) {
      fence = m[1];
      continue;
    }
    if (fence !== null) {
      if (m && m[1][0] === fence[0] && m[1].length >= fence.length && line.trim() === m[1]) fence = null;
      continue;
    }
    out.push(line.replace(/(`+)(?!`)[^]*?(?<!`)\1(?!`)/g, ''));
  }
  return out.join('\n');
}

/** What a reader sees of Markdown text: backslash escapes and entities undone. */
function rendered(text: string): string {
  return text
    .replace(/\\([!-/:-@[-`{-~])/g, '$1')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#(\d+);/g, (_, d: string) => String.fromCodePoint(Number(d)))
    .replace(/&amp;/g, '&');
}

const AUTOLINK = /(^|[^\w\u200b&])#\d|\bGH-\d|@[A-Za-z0-9]|https?:\/\//i;

/** PyYAML (W&B's reader) when this machine has it, else null. */
function pyyaml(text: string): unknown {
  const r = spawnSync(
    'python3',
    ['-c', 'import sys, json, yaml; print(json.dumps(yaml.safe_load(sys.stdin.read())))'],
    { input: text, encoding: 'utf8', timeout: 20_000, maxBuffer: 64 << 20 },
  );
  if (r.error || r.status !== 0) {
    if (r.error || /No module named/.test(r.stderr)) return null;
    throw new Error(r.stderr);
  }
  return JSON.parse(r.stdout);
}
const HAVE_PYYAML = pyyaml('a: 1') !== null;

const dir = mkdtempSync(join(tmpdir(), 'sweep-insights-property-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('hostile strings through the CLI (seeded property test)', () => {
  const outcomes: number[] = [];
  let levelChecks = 0;
  afterAll(() => {
    // the per-level check must run for some case, or it checks nothing
    expect(levelChecks).toBeGreaterThan(0);
    if (process.env.SHOW_REFUSALS) console.log('outcomes', outcomes.join(' '));
    // the property must be exercised, not skipped by refusals: most cases analyse
    expect(outcomes.filter((c) => c === 0).length).toBeGreaterThan(CASES / 2);
  });

  for (let seed = 1; seed <= CASES; seed++) {
    it(`case ${seed}`, async () => {
      const c = makeCase(seed);
      const runs = join(dir, `runs-${seed}.${c.format}`);
      writeFileSync(runs, c.format === 'csv' ? csvText(c) : jsonlText(c, seed));
      const out = (ext: string) => join(dir, `out-${seed}.${ext}`);
      const t0 = Date.now();
      const r = await runCli([
        'analyze',
        '--runs',
        runs,
        // the = form: a value starting with '-' is a value, not an option
        `--target=${c.target}`,
        `--params=${c.params.join(',')}`,
        '--trees',
        '10',
        '--json',
        out('json'),
        '--markdown',
        out('md'),
        '--next-sweep',
        out('yaml'),
      ]);
      outcomes.push(r.code);
      expect(Date.now() - t0).toBeLessThan(10_000);
      expect([0, 2], r.stderr.slice(0, 500)).toContain(r.code);
      expect(r.stdout.length).toBeLessThan(200_000);
      expect(r.stderr.length).toBeLessThan(3_000);
      if (r.code === 2) {
        if (process.env.SHOW_REFUSALS) console.log(seed, r.stderr.slice(0, 300));
        expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
        return;
      }
      expect(r.stderr).toBe('');

      // the next sweep: the tool's keys only, the target and every level as written
      const yamlText = readFileSync(out('yaml'), 'utf8');
      const doc = parseYaml(yamlText, { version: '1.1' }) as {
        metric: { name: unknown };
        parameters: Record<string, { values?: unknown[] }>;
      };
      expect(Object.keys(doc)).toEqual(['method', 'metric', 'parameters']);
      expect(doc.metric.name).toBe(c.target);
      expect(parseYaml(yamlText)).toEqual(doc);
      if (seed % 5 === 0 && HAVE_PYYAML) expect(pyyaml(yamlText)).toEqual(doc);
      const json = JSON.parse(readFileSync(out('json'), 'utf8')) as { parameters: Record<string, string> };
      const catName = c.params[1];
      const spec = Object.hasOwn(doc.parameters, catName) ? doc.parameters[catName] : undefined;
      if (json.parameters[catName] === 'categorical' && spec) {
        const levels = new Set(c.levels.filter((l) => c.format === 'jsonl' || !NA_TOKENS.has(l)));
        expect(spec.values!.length).toBeGreaterThan(0);
        levelChecks++;
        for (const v of spec.values!) {
          expect(typeof v).toBe('string');
          expect(levels.has(v as string)).toBe(true);
        }
      }
      for (const line of yamlText.split('\n')) {
        // a comment or structure: no line of data of its own
        expect(line === '' || /^(#|[A-Za-z_"]|\s+(-|[A-Za-z_"]))/.test(line)).toBe(true);
      }

      // the Markdown: nothing from the data links, mentions or comments outside code
      const md = readFileSync(out('md'), 'utf8');
      const raw = outsideCode(md);
      expect(raw).not.toContain('<!--');
      const text = rendered(raw);
      expect(text).not.toMatch(AUTOLINK);
      const marker = commentMarker('k');
      const body = withMarker(marker, md);
      expect(hasMarker(body, marker)).toBe(true);
      expect(body.split('\n').filter((l) => l.trim() === marker)).toHaveLength(1);
    }, 30_000);
  }
});
