/**
 * Escaping of data (parameter names, levels, run names, rule text) for Markdown text and table cells.
 *
 * Names come from users' runs files and W&B configs: they can hold `|`, backticks, HTML, newlines,
 * `@mentions` or issue references (`#123`, `owner/repo#123`, `GH-123`). Whatever they hold, they must
 * neither break a table, inject HTML, ping someone, link (and so notify) an issue nor run on for 300
 * characters. Everything from the data goes through these functions; the renderers add their own
 * markup only around escaped text. (Inside code blocks nothing is linked: `codeBlock` only makes sure
 * the content cannot close its fence.)
 */

import { MAX_NAME_LENGTH, truncateName } from '../names.js';

export { MAX_NAME_LENGTH, truncateName };

/** Any line break or other control character becomes a space: one value, one line. */
export function oneLine(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ');
}

/**
 * What GitHub links (and so notifies) in text, broken by a zero-width space that shows nothing:
 * `@user` (and `user@sha`), `#123` (also `owner/repo#123`), `GH-123`, and bare `http(s)://` URLs (a URL
 * of an issue or a pull request cross-references it too). Escaping does not help here: GitHub links
 * the text after the Markdown is read, so `\\#123` and `&#35;123` are still linked.
 */
function breakAutolinks(text: string): string {
  return text
    .replace(/@/g, '@\u200b')
    .replace(/#(?=\d)/g, '#\u200b')
    .replace(/(G)(H-\d)/gi, '$1\u200b$2')
    .replace(/(https?:)(\/\/)/gi, '$1\u200b$2');
}

/**
 * Escapes text inside a line (a table cell, after other text): HTML is entity-escaped (so `<script>`
 * shows as text), Markdown punctuation is backslash-escaped (so names neither format, link nor render
 * as math), `|` cannot end a cell, line breaks become spaces, and `@mentions` and issue references
 * get a zero-width space so nobody and no issue is notified.
 */
export function escapeInline(text: string): string {
  return breakAutolinks(
    oneLine(text)
      .replace(/[\\`*_[\]|~$]/g, (c) => '\\' + c)
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;'),
  );
}

/**
 * Escapes text inside an HTML element whose content GitHub does not read as Markdown (`<summary>`):
 * entities only (a backslash would show), one line, `@mentions` and issue references broken.
 */
export function escapeHtmlText(text: string): string {
  return breakAutolinks(oneLine(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'));
}

/** Escapes text that may start a line: also what would open a heading, a list or a quote there. */
export function escapeText(text: string): string {
  return escapeInline(text)
    .replace(/^(\s*)([#+=-])/, '$1\\$2')
    .replace(/^(\s*\d+)([.)])/, '$1\\$2');
}

/** A name from the data, inside a line or a cell: truncated, then escaped. */
export function escapeName(name: string, max = MAX_NAME_LENGTH): string {
  return escapeInline(truncateName(name, max));
}

/** Escapes a table cell (`escapeInline` already escapes `|`). */
export function escapeCell(text: string): string {
  return escapeInline(text);
}

/** Text for `![alt](…)` or a link's text: no brackets left that could end it early. */
export function escapeAlt(text: string): string {
  return escapeInline(text);
}

/**
 * A fence for a code block that cannot be closed by its content: one backtick more than the longest
 * run of backticks in it (at least three).
 */
export function codeFence(content: string): string {
  let longest = 0;
  for (const run of content.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
  return '`'.repeat(Math.max(3, longest + 1));
}

/** A fenced code block; the content is shown verbatim (HTML inside a fence is not interpreted). */
export function codeBlock(content: string, lang = ''): string {
  const fence = codeFence(content);
  const body = content.endsWith('\n') ? content : content + '\n';
  return `${fence}${lang}\n${body}${fence}`;
}

/**
 * A URL safe inside `(<…>)` of a Markdown link or image: only http(s), and no character that could end
 * the destination or open HTML. Anything else → null (the caller shows text instead).
 */
export function safeUrl(url: string | null | undefined): string | null {
  if (!url) return null;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return null;
  return parsed.href.replace(
    /[<>\s"'()\\]/g,
    (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0'),
  );
}
