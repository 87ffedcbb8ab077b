/**
 * YAML for a W&B sweep config that every reader takes back as written: W&B's agent reads it with
 * PyYAML (YAML 1.1), other tools with YAML 1.2 readers, and the two disagree on plain scalars (`yes`,
 * `on`, `1_000`, `0b101`, `1:30`, `2001-12-14` are booleans, numbers or dates in 1.1, and PyYAML reads
 * `1e-05` as a string). So, written here rather than by a general-purpose emitter:
 * - every string value is double-quoted, with everything outside printable ASCII escaped (no raw line
 *   break of any kind, no control character, no BOM), so data can never start a line of its own;
 * - a key is plain only when it is an identifier (letters, digits, `_`, `.`, `-`, not starting with a
 *   digit) and not a YAML 1.1 boolean or null word; otherwise it is double-quoted too;
 * - numbers are written so both versions read a float as a float (`1.0e-7`, `.inf`, `.nan`);
 * - comments are made one safe line each (`yamlComment`).
 */

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
/** YAML 1.1 booleans and nulls that an identifier-like key could be (any case, to be safe). */
const WORDS = new Set(['y', 'n', 'yes', 'no', 'on', 'off', 'true', 'false', 'null']);

function isPlainKey(key: string): boolean {
  return PLAIN_KEY.test(key) && !WORDS.has(key.toLowerCase());
}

function hex(code: number, width: number): string {
  return code.toString(16).toUpperCase().padStart(width, '0');
}

/** A double-quoted scalar read back as exactly `s` by YAML 1.1 and 1.2 readers. */
export function quoteYaml(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x20 && c <= 0x7e) {
      out += c === 0x22 ? '\\"' : c === 0x5c ? '\\\\' : s[i];
    } else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        // a whole astral character as one escape (PyYAML's \u would read two lone surrogates)
        out += '\\U' + hex(s.codePointAt(i)!, 8);
        i++;
      } else {
        out += '\\u' + hex(c, 4);
      }
    } else if (c === 0x0a) {
      out += '\\n';
    } else if (c === 0x09) {
      out += '\\t';
    } else {
      out += '\\u' + hex(c, 4);
    }
  }
  return out + '"';
}

/** A number as both YAML versions read it (PyYAML needs a dot in a float with an exponent). */
export function yamlNumber(v: number): string {
  if (Number.isNaN(v)) return '.nan';
  if (v === Infinity) return '.inf';
  if (v === -Infinity) return '-.inf';
  const s = String(v);
  const e = s.indexOf('e');
  if (e === -1) return s;
  const mantissa = s.slice(0, e);
  return `${mantissa.includes('.') ? mantissa : `${mantissa}.0`}${s.slice(e)}`;
}

function scalar(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') return yamlNumber(v);
  if (typeof v === 'bigint') return String(v);
  return quoteYaml(String(v));
}

function key(k: string): string {
  return isPlainKey(k) ? k : quoteYaml(k);
}

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Flow style, for collections inside a sequence (rare in a sweep config: `command` items are strings). */
function flow(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(flow).join(', ')}]`;
  if (isMap(v))
    return `{${Object.keys(v)
      .map((k) => `${key(k)}: ${flow(v[k])}`)
      .join(', ')}}`;
  return scalar(v);
}

function block(v: Record<string, unknown>, indent: string, out: string[]): void {
  for (const k of Object.keys(v)) {
    const value = v[k];
    if (value === undefined) continue;
    const head = `${indent}${key(k)}:`;
    if (isMap(value) && Object.keys(value).length > 0) {
      out.push(head);
      block(value, indent + '  ', out);
    } else if (Array.isArray(value) && value.length > 0) {
      out.push(head);
      for (const item of value) out.push(`${indent}  - ${flow(item)}`);
    } else {
      out.push(`${head} ${flow(value)}`);
    }
  }
}

/** A mapping (a sweep config) as block YAML, ending with a line break. */
export function stringifySweepConfig(config: Record<string, unknown>): string {
  const out: string[] = [];
  block(config, '', out);
  return out.length > 0 ? out.join('\n') + '\n' : '{}\n';
}

/** Longest piece of data in a comment line. */
export const COMMENT_ITEM_MAX = 72;

/**
 * Data for a comment: one line (every line break and control character, in any YAML version's sense,
 * becomes a space), at most `max` characters (head and tail kept around an ellipsis).
 */
export function commentText(text: string, max = COMMENT_ITEM_MAX): string {
  // eslint-disable-next-line no-control-regex
  const line = text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\ufeff\ud800-\udfff]+/gu, ' ');
  const points = Array.from(line);
  if (points.length <= max) return line;
  const head = Math.ceil((max - 1) * 0.4);
  return points.slice(0, head).join('') + '…' + points.slice(points.length - (max - 1 - head)).join('');
}

/** Width of a comment line: a PR comment's code block shows about 100 characters. */
const COMMENT_WIDTH = 88;

/**
 * One-line text (commentText's) as YAML comment lines of at most COMMENT_WIDTH characters, broken at
 * spaces (a word longer than a line stays whole): `# …` each.
 */
export function commentLines(text: string): string[] {
  const lines: string[] = [];
  let line = '#';
  for (const word of text.split(' ')) {
    if (word === '') continue;
    if (line !== '#' && Array.from(line).length + 1 + Array.from(word).length > COMMENT_WIDTH) {
      lines.push(line);
      line = '#';
    }
    line += ` ${word}`;
  }
  lines.push(line);
  return lines;
}

/** A comma-separated list of data items for a comment, at most `max` shown. */
export function commentList(items: readonly string[], max = 20): string {
  const shown = items.slice(0, max).map((s) => commentText(s));
  return items.length > max ? `${shown.join(', ')}, … (${items.length - max} more)` : shown.join(', ');
}
