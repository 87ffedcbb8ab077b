/**
 * GitHub autolinks in data (issue 10): `#123`, `owner/repo#123`, `GH-123`, issue URLs and `@mentions`
 * in names and values must not link (and so notify) anything outside code; code blocks cannot be
 * closed by their content.
 */
import { describe, expect, it } from 'vitest';
import {
  codeBlock,
  escapeAlt,
  escapeCell,
  escapeHtmlText,
  escapeInline,
  escapeName,
  escapeText,
} from '../src/render/escape.js';

/** What GitHub would link in rendered text (after Markdown escapes and entities are read). */
const AUTOLINK = /(^|[^\w\u200b])#\d|\b[\w.-]+\/[\w.-]+#\d|\bGH-\d|@[A-Za-z0-9]|https?:\/\//i;

/** The text a reader sees: backslash escapes and the entities the escaper writes undone. */
function rendered(md: string): string {
  return md
    .replace(/\\([\\`*_[\]|~$#+=.)-])/g, '$1')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&#35;/g, '#')
    .replace(/&amp;/g, '&');
}

const HOSTILE = [
  '#123',
  'fix #1',
  'see owner/repo#42 and org/other.repo#7',
  'GH-99',
  'gh-5',
  '@octocat',
  'user@example.com',
  'owner/repo@abcdef1',
  'https://github.com/owner/repo/issues/3',
  'HTTP://example.com',
  '#1#2#3',
  '##12',
  '&#35;12',
];

describe('autolinks are broken in every escape', () => {
  for (const escape of [escapeInline, escapeText, escapeName, escapeCell, escapeAlt, escapeHtmlText]) {
    it(escape.name, () => {
      for (const s of HOSTILE) {
        const out = escape(s);
        expect(rendered(out), `${escape.name}(${JSON.stringify(s)})`).not.toMatch(AUTOLINK);
        // nothing visible is lost: only zero-width spaces were added
        if (escape !== escapeName) expect(rendered(out).replace(/\u200b/g, '')).toBe(s);
      }
    });
  }

  it('leaves ordinary text alone', () => {
    expect(escapeInline('lr 0.001, batch 64, #layers')).toBe('lr 0.001, batch 64, #layers');
  });
});

describe('code blocks cannot be closed by their content', () => {
  it('the fence is longer than any backtick run, whatever the lines hold', () => {
    for (const content of ['```', '````\n```\n`', 'a\n```yaml\nb\n  ```\n', '`'.repeat(40), '~~~\n```']) {
      const block = codeBlock(content, 'yaml');
      const fence = /^`+/.exec(block)![0];
      const body = block.slice(block.indexOf('\n') + 1, block.length - fence.length);
      for (const line of body.split('\n')) {
        expect(line).not.toMatch(new RegExp(`^ {0,3}\`{${fence.length},}\\s*$`));
      }
      expect(block.endsWith(`\n${fence}`)).toBe(true);
    }
  });
});
