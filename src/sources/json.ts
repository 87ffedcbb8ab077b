/**
 * A JSON runs file: an array of run objects, or `{"runs": [...]}`. Lenient tokens (NaN, Infinity)
 * are accepted, as Python's json.dumps writes them.
 *
 * An array is streamed: a scanner finds each element's extent (strings and nesting tracked across
 * chunks), the element alone is parsed and its cells taken, so neither the whole text nor all the
 * parsed objects are ever held. `{"runs": [...]}` is read once and parsed whole.
 */
import { createReadStream, promises as fsp } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { InputError } from '../errors.js';
import type { RunsTable } from '../table/runs-table.js';
import { parseJsonLenient, parseJsonLenientAt } from './lenient-json.js';
import { RecordsTableBuilder, tableFromRecords } from './records.js';
import { assertText, checkFile, emptyFileError, fileError, MAX_RECORD, readHead } from './text-file.js';

export async function readJsonFile(path: string): Promise<RunsTable> {
  const size = await checkFile(path);
  if (size === 0) throw emptyFileError(path);
  const head = await readHead(path);
  assertText(head, path);
  const first = head
    .toString('utf8')
    .replace(/^\ufeff/, '')
    .trimStart();
  if (first === '' && size <= head.length) throw emptyFileError(path);
  if (first.startsWith('[')) return streamJsonArray(path);
  let buf: Buffer;
  try {
    buf = await fsp.readFile(path);
  } catch (err) {
    throw fileError(err, path);
  }
  let text: string;
  try {
    text = buf.toString('utf8');
  } catch {
    // past the longest string the engine holds (about 512 MiB)
    throw new InputError(
      `${path} is too big to read as one JSON document (${buf.length} bytes); write the runs as a JSON array ([{…}, …]) or as JSONL (one run per line), which are read run by run`,
    );
  }
  return parseJsonRuns(text, path);
}

/** The runs of a JSON document (text in memory); `where` names it in messages. */
export function parseJsonRuns(text: string, where: string): RunsTable {
  if (text.replace(/^\ufeff/, '').trim() === '') throw emptyFileError(where);
  let doc: unknown;
  try {
    doc = parseJsonLenient(text, where);
  } catch (err) {
    // a second value after the first, on a new line: most likely JSONL saved as .json
    if (err instanceof InputError && /column 1: unexpected character "\{" after the end/.test(err.message)) {
      throw new InputError(`${err.message}; one run object per line is JSONL: name the file .jsonl`);
    }
    throw err;
  }
  let runs: unknown[];
  if (Array.isArray(doc)) runs = doc;
  else if (typeof doc === 'object' && doc !== null && Array.isArray((doc as { runs?: unknown }).runs)) {
    runs = (doc as { runs: unknown[] }).runs;
  } else {
    throw new InputError(
      `${where}: expected an array of run objects or {"runs": [...]}, found ${describeJson(doc)}; for one run object per line, name the file .jsonl`,
    );
  }
  runs.forEach((run, i) => {
    if (typeof run !== 'object' || run === null || Array.isArray(run)) {
      throw new InputError(
        `${where}: run ${i + 1} is ${describeJson(run)}, not a run object ({"name": value, …})`,
      );
    }
  });
  if (runs.length === 0) throw new InputError(`${where} holds no runs (an empty array)`);
  return tableFromRecords(runs as Record<string, unknown>[], where, 'json');
}

export function describeJson(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object without a "runs" array';
  if (typeof v === 'string') return 'a string';
  return `a ${typeof v}`;
}

const enum Phase {
  BeforeArray,
  BeforeElement,
  InElement,
  AfterElement,
  Done,
}

const QUOTE = 34;
const BACKSLASH = 92;
const LF = 10;

function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9;
}

/** Splits a JSON array of objects, fed in pieces, into its elements' texts. */
export class JsonArrayScanner {
  private phase = Phase.BeforeArray;
  private afterComma = false;
  private depth = 0;
  private inString = false;
  private escape = false;
  private pending = '';
  /** Absolute position, line and the position where the line starts (for columns). */
  private pos = 0;
  private line = 1;
  private lineStart = 0;
  private elementLine = 1;
  private elementColumn = 1;
  private count = 0;

  constructor(
    private readonly where: string,
    private readonly onElement: (value: Record<string, unknown>) => void,
  ) {}

  get elements(): number {
    return this.count;
  }

  private fail(message: string, at: number): never {
    throw new InputError(
      `${this.where}: invalid JSON at line ${this.line}, column ${at - this.lineStart + 1}: ${message}`,
    );
  }

  private found(s: string, i: number): string {
    const cp = s.codePointAt(i)!;
    return `character ${JSON.stringify(String.fromCodePoint(cp))}`;
  }

  push(s: string): void {
    const n = s.length;
    const base = this.pos;
    let i = 0;
    if (base === 0 && s.charCodeAt(0) === 0xfeff) i = 1;
    let segStart = this.phase === Phase.InElement ? 0 : -1;
    for (; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c === LF) {
        this.line++;
        this.lineStart = base + i + 1;
      }
      switch (this.phase) {
        case Phase.InElement:
          if (this.inString) {
            if (this.escape) this.escape = false;
            else if (c === BACKSLASH) this.escape = true;
            else if (c === QUOTE) this.inString = false;
          } else if (c === QUOTE) {
            this.inString = true;
          } else if (c === 123 || c === 91) {
            this.depth++;
          } else if ((c === 125 || c === 93) && --this.depth === 0) {
            const text = this.pending + s.slice(segStart, i + 1);
            this.pending = '';
            segStart = -1;
            this.phase = Phase.AfterElement;
            this.element(text);
          }
          break;
        case Phase.BeforeArray:
          if (isSpace(c)) break;
          if (c !== 91) this.fail(`expected '[', found ${this.found(s, i)}`, base + i);
          this.phase = Phase.BeforeElement;
          break;
        case Phase.BeforeElement:
          if (isSpace(c)) break;
          if (c === 123) {
            this.phase = Phase.InElement;
            this.depth = 1;
            this.inString = false;
            this.escape = false;
            this.elementLine = this.line;
            this.elementColumn = base + i - this.lineStart + 1;
            segStart = i;
            break;
          }
          if (c === 93 && !this.afterComma) {
            this.phase = Phase.Done;
            break;
          }
          if (c === 93) this.fail(`expected a run object after ',', found ${this.found(s, i)}`, base + i);
          throw new InputError(
            `${this.where}: run ${this.count + 1} (line ${this.line}) is not a run object ({"name": value, …})`,
          );
        case Phase.AfterElement:
          if (isSpace(c)) break;
          if (c === 44) {
            this.phase = Phase.BeforeElement;
            this.afterComma = true;
            break;
          }
          if (c === 93) {
            this.phase = Phase.Done;
            break;
          }
          this.fail(`expected ',' or ']' in an array, found ${this.found(s, i)}`, base + i);
          break;
        case Phase.Done:
          if (!isSpace(c))
            this.fail(`unexpected ${this.found(s, i)} after the end of the JSON value`, base + i);
          break;
      }
    }
    if (this.phase === Phase.InElement) {
      this.pending += s.slice(segStart);
      if (this.pending.length > MAX_RECORD) {
        throw new InputError(
          `${this.where}: run ${this.count + 1} (line ${this.elementLine}) is longer than ${MAX_RECORD} characters; one run is never that big (an unclosed string or bracket?)`,
        );
      }
    }
    this.pos = base + n;
  }

  private element(text: string): void {
    const value = parseJsonLenientAt(text, this.where, this.elementLine, this.elementColumn);
    this.count++;
    this.onElement(value as Record<string, unknown>);
  }

  end(): void {
    if (this.phase === Phase.Done) return;
    if (this.phase === Phase.InElement) {
      // let the parser say what is wrong with the unfinished element, at its place
      parseJsonLenientAt(this.pending, this.where, this.elementLine, this.elementColumn);
    }
    const expected = this.phase === Phase.AfterElement ? "',' or ']' in an array" : 'a run object or ]';
    this.fail(`expected ${expected}, found end of input`, this.pos);
  }
}

async function streamJsonArray(path: string): Promise<RunsTable> {
  const builder = new RecordsTableBuilder(path);
  const scanner = new JsonArrayScanner(path, (run) => builder.add(run));
  const decoder = new StringDecoder('utf8');
  try {
    for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
      scanner.push(decoder.write(chunk as Buffer));
    }
  } catch (err) {
    throw fileError(err, path);
  }
  scanner.push(decoder.end());
  scanner.end();
  if (scanner.elements === 0) throw new InputError(`${path} holds no runs (an empty array)`);
  return builder.finish(path, 'json');
}
