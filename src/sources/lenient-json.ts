/**
 * JSON as W&B and Python's `json.dumps` write it: standard JSON plus the bare tokens `NaN`,
 * `Infinity` and `-Infinity` (outside strings only). Errors say where: line and column.
 *
 * Fast path: `JSON.parse` (native, the common case). Only when it fails does the hand-written parser
 * run, either to accept the lenient tokens or to locate the error precisely.
 */
import { InputError } from '../errors.js';

/** Parses `text`; `where` names it in errors ("runs.json: invalid JSON at line 12, column 5: …"). */
export function parseJsonLenient(text: string, where?: string): unknown {
  return parseJsonLenientAt(text, where, 1);
}

/**
 * As `parseJsonLenient`, for a piece of a larger file that starts at line `firstLine`, column
 * `firstColumn` (a JSONL line, an element of a streamed array), so errors name the file's place.
 */
export function parseJsonLenientAt(
  text: string,
  where: string | undefined,
  firstLine: number,
  firstColumn = 1,
): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return new LenientParser(text, where ?? 'input', firstLine, firstColumn).parseDocument();
  }
}

const enum C {
  Tab = 9,
  Lf = 10,
  Cr = 13,
  Space = 32,
  Quote = 34,
  Plus = 43,
  Comma = 44,
  Minus = 45,
  Dot = 46,
  Zero = 48,
  Nine = 57,
  Colon = 58,
  Upper_E = 69,
  Upper_I = 73,
  Upper_N = 78,
  LBracket = 91,
  Backslash = 92,
  RBracket = 93,
  Lower_e = 101,
  Lower_f = 102,
  Lower_n = 110,
  Lower_t = 116,
  LBrace = 123,
  RBrace = 125,
}

const MAX_DEPTH = 2000;

class LenientParser {
  private i = 0;
  private depth = 0;

  constructor(
    private readonly s: string,
    private readonly where: string,
    private readonly firstLine: number,
    private readonly firstColumn = 1,
  ) {}

  parseDocument(): unknown {
    if (this.s.charCodeAt(0) === 0xfeff) this.i = 1;
    this.ws();
    if (this.i >= this.s.length) this.fail('the input is empty');
    const v = this.value();
    this.ws();
    if (this.i < this.s.length) this.fail(`unexpected ${this.describe()} after the end of the JSON value`);
    return v;
  }

  private fail(message: string, at = this.i): never {
    let line = this.firstLine;
    let lineStart = 0;
    const s = this.s;
    for (let k = s.indexOf('\n'); k !== -1 && k < at; k = s.indexOf('\n', k + 1)) {
      line++;
      lineStart = k + 1;
    }
    const column = at - lineStart + (line === this.firstLine ? this.firstColumn : 1);
    throw new InputError(`${this.where}: invalid JSON at line ${line}, column ${column}: ${message}`);
  }

  private describe(at = this.i): string {
    if (at >= this.s.length) return 'end of input';
    const cp = this.s.codePointAt(at)!;
    return `character ${JSON.stringify(String.fromCodePoint(cp))}`;
  }

  private ws(): void {
    const s = this.s;
    let i = this.i;
    for (; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c !== C.Space && c !== C.Lf && c !== C.Cr && c !== C.Tab) break;
    }
    this.i = i;
  }

  private value(): unknown {
    const c = this.s.charCodeAt(this.i);
    switch (c) {
      case C.LBrace:
        return this.object();
      case C.LBracket:
        return this.array();
      case C.Quote:
        return this.string();
      case C.Lower_t:
        return this.word('true', true);
      case C.Lower_f:
        return this.word('false', false);
      case C.Lower_n:
        return this.word('null', null);
      case C.Upper_N:
        return this.word('NaN', Number.NaN);
      case C.Upper_I:
        return this.word('Infinity', Infinity);
      case C.Minus:
        if (this.s.charCodeAt(this.i + 1) === C.Upper_I) {
          this.i++;
          return this.word('Infinity', -Infinity, this.i - 1);
        }
        return this.number();
      default:
        if (c >= C.Zero && c <= C.Nine) return this.number();
        return this.fail(`expected a value, found ${this.describe()}`);
    }
  }

  private word<T>(w: string, v: T, from = this.i): T {
    if (this.s.startsWith(w, this.i)) {
      this.i += w.length;
      return v;
    }
    return this.fail(`expected a value, found ${this.describe(from)}`, from);
  }

  private enter(): void {
    if (++this.depth > MAX_DEPTH) this.fail(`nesting deeper than ${MAX_DEPTH} levels`);
  }

  private object(): Record<string, unknown> {
    this.enter();
    const out: Record<string, unknown> = {};
    this.i++;
    this.ws();
    if (this.s.charCodeAt(this.i) === C.RBrace) {
      this.i++;
      this.depth--;
      return out;
    }
    for (;;) {
      this.ws();
      if (this.s.charCodeAt(this.i) !== C.Quote)
        this.fail(`expected a key in double quotes, found ${this.describe()}`);
      const key = this.string();
      this.ws();
      if (this.s.charCodeAt(this.i) !== C.Colon)
        this.fail(`expected ':' after a key, found ${this.describe()}`);
      this.i++;
      this.ws();
      const v = this.value();
      // defineProperty semantics: a key "__proto__" is an own property, as JSON.parse makes it
      Object.defineProperty(out, key, { value: v, writable: true, enumerable: true, configurable: true });
      this.ws();
      const c = this.s.charCodeAt(this.i);
      if (c === C.Comma) {
        this.i++;
        continue;
      }
      if (c === C.RBrace) {
        this.i++;
        this.depth--;
        return out;
      }
      this.fail(`expected ',' or '}' in an object, found ${this.describe()}`);
    }
  }

  private array(): unknown[] {
    this.enter();
    const out: unknown[] = [];
    this.i++;
    this.ws();
    if (this.s.charCodeAt(this.i) === C.RBracket) {
      this.i++;
      this.depth--;
      return out;
    }
    for (;;) {
      this.ws();
      out.push(this.value());
      this.ws();
      const c = this.s.charCodeAt(this.i);
      if (c === C.Comma) {
        this.i++;
        continue;
      }
      if (c === C.RBracket) {
        this.i++;
        this.depth--;
        return out;
      }
      this.fail(`expected ',' or ']' in an array, found ${this.describe()}`);
    }
  }

  private string(): string {
    const s = this.s;
    const open = this.i;
    let i = this.i + 1;
    let start = i;
    let out = '';
    for (;;) {
      if (i >= s.length) this.fail('a string is never closed', open);
      const c = s.charCodeAt(i);
      if (c === C.Quote) {
        this.i = i + 1;
        return out + s.slice(start, i);
      }
      if (c === C.Backslash) {
        out += s.slice(start, i);
        // let the native parser decode the escape (all of \uXXXX, \n, \" …): exact and checked
        const len = s.charCodeAt(i + 1) === 117 /* u */ ? 6 : 2;
        const esc = s.slice(i, i + len);
        try {
          out += JSON.parse(`"${esc}"`) as string;
        } catch {
          this.i = i;
          this.fail(`invalid escape ${JSON.stringify(esc)} in a string`);
        }
        i += len;
        start = i;
        continue;
      }
      if (c < 0x20) {
        this.i = i;
        this.fail('a control character (such as a raw newline) inside a string; escape it');
      }
      i++;
    }
  }

  private number(): number {
    const s = this.s;
    const start = this.i;
    let i = start;
    if (s.charCodeAt(i) === C.Minus) i++;
    const digits = (): number => {
      const from = i;
      while (i < s.length && s.charCodeAt(i) >= C.Zero && s.charCodeAt(i) <= C.Nine) i++;
      return i - from;
    };
    const intFrom = i;
    const intLen = digits();
    if (intLen === 0) {
      this.i = i;
      this.fail(`expected a digit, found ${this.describe()}`);
    }
    if (intLen > 1 && s.charCodeAt(intFrom) === C.Zero) {
      this.i = intFrom;
      this.fail('a number with a leading zero');
    }
    if (s.charCodeAt(i) === C.Dot) {
      i++;
      if (digits() === 0) {
        this.i = i;
        this.fail(`expected a digit after '.', found ${this.describe()}`);
      }
    }
    const e = s.charCodeAt(i);
    if (e === C.Lower_e || e === C.Upper_E) {
      i++;
      const sign = s.charCodeAt(i);
      if (sign === C.Plus || sign === C.Minus) i++;
      if (digits() === 0) {
        this.i = i;
        this.fail(`expected a digit in the exponent, found ${this.describe()}`);
      }
    }
    this.i = i;
    return Number(s.slice(start, i));
  }
}
