import { describe, expect, it } from 'vitest';
import { marked } from 'marked';
import {
  codeBlock,
  codeFence,
  escapeCell,
  escapeInline,
  escapeName,
  escapeText,
  oneLine,
  safeUrl,
  truncateName,
} from '../src/render/escape.js';
import { ATTACK_NAMES } from './fixtures/report/factory.js';
import { splitRow } from './fixtures/report/inspect.js';

/** GitHub-flavoured HTML of a Markdown snippet (marked follows GFM for tables and escapes). */
function html(md: string): string {
  return marked.parse(md, { gfm: true, async: false }) as string;
}

describe('escaping', () => {
  it('a cell holding any attack name stays one cell', () => {
    for (const name of ATTACK_NAMES) {
      const row = `| ${escapeCell(name)} | x |`;
      expect(splitRow(row), name).toHaveLength(2);
      const table = `| a | b |\n| - | - |\n${row}\n`;
      const rendered = html(table);
      expect((rendered.match(/<td>/g) ?? []).length, name).toBe(2);
    }
  });

  it('HTML from the data is shown as text, never as tags', () => {
    const rendered = html(escapeText('<script>alert(1)</script> <img src=x onerror=alert(1)> <!-- x -->'));
    expect(rendered).not.toMatch(/<script|<img|<!--/);
    expect(rendered).toContain('&lt;script&gt;');
  });

  it('Markdown syntax from the data does not format, link or render math', () => {
    const rendered = html(escapeText('*bold* _em_ [link](http://x) ![img](y) `code` ~~del~~ $x$'));
    // A bare URL still autolinks (as anywhere on GitHub); the Markdown link itself must not form.
    expect(rendered).not.toMatch(/<strong|<em>|>link<\/a>|<img|<code|<del/);
    expect(rendered).toContain('*bold*');
    expect(escapeInline('$x^2$')).toBe('\\$x^2\\$');
  });

  it('line starts that would open a heading, a list or a quote are escaped', () => {
    expect(html(escapeText('# heading'))).not.toMatch(/<h1/);
    expect(html(escapeText('- item'))).not.toMatch(/<li/);
    expect(html(escapeText('1. item'))).not.toMatch(/<ol/);
    expect(html(escapeText('> quote'))).not.toMatch(/<blockquote/);
  });

  it('newlines and control characters become spaces', () => {
    expect(oneLine('a\nb\r\nc\td\u2028e\x1b[31m')).toBe('a b c d e [31m');
    expect(escapeText('line\nbreak')).toBe('line break');
  });

  it('@mentions are defused with a zero-width space', () => {
    expect(escapeText('@octocat')).toBe('@\u200boctocat');
  });

  it('long names keep their head and tail', () => {
    const long = 'x'.repeat(150) + 'END';
    const t = truncateName(long);
    expect(Array.from(t)).toHaveLength(72);
    expect(t).toContain('…');
    expect(t.endsWith('END')).toBe(true);
    expect(truncateName('short')).toBe('short');
    expect(Array.from(escapeName('y'.repeat(300))).length).toBeLessThanOrEqual(72);
    // surrogate pairs are never split
    const emoji = truncateName('😀'.repeat(100), 10);
    expect(Array.from(emoji)).toHaveLength(10);
    expect(() => encodeURIComponent(emoji)).not.toThrow(); // throws on a lone surrogate
  });

  it('a code fence is longer than any backtick run inside', () => {
    expect(codeFence('plain')).toBe('```');
    expect(codeFence('a ```` b')).toBe('`````');
    const block = codeBlock('x\n```\n<script>', 'yaml');
    expect(block.startsWith('````yaml\n')).toBe(true);
    const rendered = html(block);
    expect(rendered).not.toMatch(/<script/);
    expect(rendered).toContain('```');
  });

  it('only http(s) URLs, with nothing that could end the link', () => {
    expect(safeUrl('javascript:alert(1)')).toBeNull();
    expect(safeUrl('not a url')).toBeNull();
    expect(safeUrl(null)).toBeNull();
    expect(safeUrl('https://wandb.ai/a/b/runs/x')).toBe('https://wandb.ai/a/b/runs/x');
    const odd = safeUrl('https://x.org/a(b)>c<d');
    expect(odd).not.toMatch(/[()<>]/);
  });
});
