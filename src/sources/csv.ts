/**
 * A streaming CSV reader (RFC 4180) into a runs table: the file is read chunk by chunk and each field
 * goes straight into its column array, so a large file is held once (as its cells), never as one
 * string plus its split lines.
 *
 * Quotes, doubled quotes, CRLF/LF/CR line ends, newlines inside quotes and a UTF-8 BOM are handled.
 * Like Python's csv module (which the oracle uses to check rows), text after a closing quote is kept
 * (`"ab"c` → `abc`) and a quote inside an unquoted field is literal. Blank lines are skipped, as
 * pandas does. Cells stay raw text: typing is the table's job (recipe.md §2).
 */
import { createReadStream } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { InputError, quoteForMessage } from '../errors.js';
import type { Cell, RunsTable } from '../table/runs-table.js';
import { assertText, checkFile, emptyFileError, fileError, MAX_FIELD, SNIFF_BYTES } from './text-file.js';

/** Distinct values pooled per column before pooling stops for it. */
const POOL_MAX = 1024;

function fieldTooLong(where: string, record: number, line: number, column: string): InputError {
  const at = record === 1 ? 'the header' : record === line ? `row ${record}` : `row ${record} (line ${line})`;
  return new InputError(
    `${where}: ${at}, ${column}, holds a field of more than ${MAX_FIELD} characters; no name or value can be that long (an unclosed quote?)`,
  );
}

const COMMA = 44;
const QUOTE = 34;
const LF = 10;
const CR = 13;

const enum State {
  /** At the start of a field. */
  Start,
  /** Inside an unquoted field. */
  Plain,
  /** Inside a quoted field. */
  Quoted,
  /** Just after a quote inside a quoted field: a doubled quote or the closing one. */
  QuoteSeen,
}

/**
 * The parser proper, fed with decoded text in pieces of any size. Rows go to `onRow` as a reused
 * array (copy what you keep), with the record number (1 = the first record) and the line it starts on.
 */
export class CsvParser {
  private state = State.Start;
  /** Text of the current field gathered so far (from earlier chunks or quote segments). */
  private field = '';
  private readonly row: string[] = [];
  /** The previous chunk ended with CR: a LF that starts the next one belongs to it. */
  private pendingCr = false;
  /** The last character of the previous chunk. */
  private lastChar = -1;
  private line = 1;
  private rowLine = 1;
  private record = 0;
  private started = false;

  constructor(
    private readonly onRow: (fields: string[], record: number, line: number) => void,
    private readonly where: string,
  ) {}

  push(s: string): void {
    let i = 0;
    const n = s.length;
    if (!this.started && n > 0) {
      this.started = true;
      if (s.charCodeAt(0) === 0xfeff) i = 1; // UTF-8 BOM
    }
    if (this.pendingCr && i < n) {
      this.pendingCr = false;
      if (s.charCodeAt(i) === LF) i++;
    }
    let start = i;
    let state = this.state;
    for (; i < n; i++) {
      const c = s.charCodeAt(i);
      switch (state) {
        case State.Start:
          if (c === QUOTE) {
            state = State.Quoted;
            start = i + 1;
          } else if (c === COMMA) {
            this.row.push(this.field);
            this.field = '';
          } else if (c === LF || c === CR) {
            if (this.row.length > 0 || this.field.length > 0) this.row.push(this.field);
            this.field = '';
            i = this.lineEnd(s, i, c);
          } else {
            state = State.Plain;
            start = i;
          }
          break;
        case State.Plain:
          if (c === COMMA) {
            this.row.push(this.field + s.slice(start, i));
            this.field = '';
            state = State.Start;
          } else if (c === LF || c === CR) {
            this.row.push(this.field + s.slice(start, i));
            this.field = '';
            state = State.Start;
            i = this.lineEnd(s, i, c);
          }
          break;
        case State.Quoted:
          if (c === QUOTE) {
            this.field += s.slice(start, i);
            state = State.QuoteSeen;
          } else if (c === CR) {
            this.line++;
          } else if (c === LF) {
            // CRLF is one line end; the CR may have ended the previous chunk
            const prev = i > 0 ? s.charCodeAt(i - 1) : this.lastChar;
            if (prev !== CR) this.line++;
          }
          break;
        case State.QuoteSeen:
          if (c === QUOTE) {
            // a doubled quote: one literal quote, the field goes on
            state = State.Quoted;
            start = i;
          } else if (c === COMMA) {
            this.row.push(this.field);
            this.field = '';
            state = State.Start;
          } else if (c === LF || c === CR) {
            this.row.push(this.field);
            this.field = '';
            state = State.Start;
            i = this.lineEnd(s, i, c);
          } else {
            // text after the closing quote is kept, as Python's csv module does
            state = State.Plain;
            start = i;
          }
          break;
      }
    }
    if (state === State.Plain || state === State.Quoted) {
      this.field += s.slice(start, n);
      if (this.field.length > MAX_FIELD) {
        throw fieldTooLong(this.where, this.record + 1, this.rowLine, `column ${this.row.length + 1}`);
      }
    }
    this.state = state;
    if (n > 0) this.lastChar = s.charCodeAt(n - 1);
  }

  /** Ends the row at a line break at `i`; returns the index of the break's last character. */
  private lineEnd(s: string, i: number, c: number): number {
    if (c === CR) {
      if (i + 1 < s.length) {
        if (s.charCodeAt(i + 1) === LF) i++;
      } else {
        this.pendingCr = true;
      }
    }
    this.line++;
    // A line with nothing on it is skipped (pandas skips blank lines; csv.reader would yield []).
    if (this.row.length > 0) this.emit();
    this.rowLine = this.line;
    return i;
  }

  private emit(): void {
    this.record++;
    this.onRow(this.row, this.record, this.rowLine);
    this.row.length = 0;
  }

  end(): void {
    if (this.state === State.Quoted) {
      throw new InputError(
        `${this.where}: the quoted field opened in row ${this.record + 1} (line ${this.rowLine}) is never closed; check the quotes`,
      );
    }
    if (this.state !== State.Start || this.row.length > 0 || this.field.length > 0) {
      this.row.push(this.field);
      this.field = '';
      this.state = State.Start;
    }
    if (this.row.length > 0) this.emit();
  }
}

/** pandas names an empty header cell `Unnamed: {index}`; so do we, so it can be named on the command line. */
function headerName(name: string, index: number): string {
  return name === '' ? `Unnamed: ${index}` : name;
}

/** Collects parsed rows into column arrays, refusing what the recipe refuses (§1). */
class ColumnSink {
  columns: string[] | null = null;
  data: string[][] = [];
  /**
   * Per column, one string per distinct value while there are few: a hyperparameter column repeats a
   * handful of values, and keeping one copy of each makes a large file cost far less memory and
   * garbage collection. Null once a column turns out to have many values.
   */
  pools: (Map<string, string> | null)[] = [];
  rows = 0;

  constructor(private readonly where: string) {}

  readonly onRow = (fields: string[], record: number, line: number): void => {
    if (this.columns === null) {
      this.header(fields);
      return;
    }
    const width = this.columns.length;
    if (fields.length !== width) {
      const at = record === line ? `row ${record}` : `row ${record} (line ${line})`;
      throw new InputError(
        `${this.where}: ${at} has ${fields.length} field${fields.length === 1 ? '' : 's'}, the header ${width}; quote fields that contain commas`,
      );
    }
    const data = this.data;
    const pools = this.pools;
    for (let j = 0; j < width; j++) {
      let cell = fields[j];
      if (cell.length > MAX_FIELD) {
        throw fieldTooLong(this.where, record, line, `column ${j + 1} (${quoteForMessage(this.columns[j])})`);
      }
      const pool = pools[j];
      if (pool !== null) {
        const same = pool.get(cell);
        if (same !== undefined) cell = same;
        else if (pool.size < POOL_MAX) pool.set(cell, cell);
        else pools[j] = null; // many distinct values (a metric, an id): stop pooling this column
      }
      data[j].push(cell);
    }
    this.rows++;
  };

  private header(fields: string[]): void {
    fields.forEach((f, j) => {
      if (f.length > MAX_FIELD) throw fieldTooLong(this.where, 1, 1, `column ${j + 1}`);
    });
    const names = fields.map(headerName);
    const first = new Map<string, number>();
    const dups: string[] = [];
    names.forEach((name, j) => {
      const at = first.get(name);
      if (at === undefined) first.set(name, j);
      else dups.push(`${quoteForMessage(name)} (columns ${at + 1} and ${j + 1})`);
    });
    if (dups.length > 0) {
      throw new InputError(
        `${this.where}: duplicated column name${dups.length === 1 ? '' : 's'} in the header: ${dups.slice(0, 5).join(', ')}${dups.length > 5 ? ', …' : ''}; rename them`,
      );
    }
    this.columns = names;
    this.data = names.map(() => []);
    this.pools = names.map(() => new Map<string, string>());
  }
}

/** Builds the table from collected columns (shared with tests that parse strings). */
function finish(sink: ColumnSink, path: string): RunsTable {
  if (sink.columns === null) throw emptyFileError(path);
  if (sink.rows === 0) {
    throw new InputError(`${path} has a header but no runs: expected one row per run below it`);
  }
  const cells = new Map<string, Cell[]>();
  sink.columns.forEach((name, j) => cells.set(name, sink.data[j]));
  return {
    source: path,
    format: 'csv',
    textual: true,
    columns: sink.columns,
    cells,
    rowCount: sink.rows,
    configKeys: [],
    metricKeys: [],
  };
}

/** Parses CSV text already in memory (small inputs, tests). `where` names it in messages. */
export function parseCsvText(text: string, where: string): RunsTable {
  const sink = new ColumnSink(where);
  const parser = new CsvParser(sink.onRow, where);
  parser.push(text);
  parser.end();
  return finish(sink, where);
}

/** Reads a CSV runs file, streaming. */
export async function readCsvFile(path: string): Promise<RunsTable> {
  await checkFile(path);
  const sink = new ColumnSink(path);
  const parser = new CsvParser(sink.onRow, path);
  const decoder = new StringDecoder('utf8');
  let checked = false;
  let head: Buffer | null = null;
  try {
    for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
      const buf = chunk as Buffer;
      if (!checked) {
        // the first KB decides text or binary (a tiny first chunk is combined with the next)
        head = head ? Buffer.concat([head, buf]) : buf;
        if (head.length < SNIFF_BYTES) continue;
        assertText(head, path);
        checked = true;
        parser.push(decoder.write(head));
        head = null;
        continue;
      }
      parser.push(decoder.write(buf));
    }
  } catch (err) {
    throw fileError(err, path);
  }
  if (!checked && head) {
    assertText(head, path);
    parser.push(decoder.write(head));
  }
  parser.push(decoder.end());
  parser.end();
  return finish(sink, path);
}
