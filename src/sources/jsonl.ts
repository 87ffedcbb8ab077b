/**
 * A JSONL (NDJSON) runs file: one run object per line, blank lines skipped. Streamed line by line:
 * only the current chunk is held, and each run's cells go to the table as soon as it is parsed.
 */
import { createReadStream } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { InputError } from '../errors.js';
import type { RunsTable } from '../table/runs-table.js';
import { describeJson } from './json.js';
import { parseJsonLenientAt } from './lenient-json.js';
import { RecordsTableBuilder } from './records.js';
import { assertText, checkFile, emptyFileError, fileError, MAX_RECORD, SNIFF_BYTES } from './text-file.js';

/** Collects run objects from lines. */
class LineRuns {
  private readonly builder: RecordsTableBuilder;
  private line = 0;
  private rest = '';
  private sawText = false;

  constructor(private readonly where: string) {
    this.builder = new RecordsTableBuilder(where);
  }

  private tooLong(): InputError {
    return new InputError(
      `${this.where}: line ${this.line + 1} is longer than ${MAX_RECORD} characters; one run is never that big (a missing line break?)`,
    );
  }

  push(text: string): void {
    let start = 0;
    let nl = text.indexOf('\n');
    if (nl === -1) {
      this.rest += text;
      if (this.rest.length > MAX_RECORD) throw this.tooLong();
      return;
    }
    if (this.rest.length + nl > MAX_RECORD) throw this.tooLong();
    this.take(this.rest + text.slice(0, nl));
    this.rest = '';
    start = nl + 1;
    while ((nl = text.indexOf('\n', start)) !== -1) {
      if (nl - start > MAX_RECORD) throw this.tooLong();
      this.take(text.slice(start, nl));
      start = nl + 1;
    }
    this.rest = text.slice(start);
    if (this.rest.length > MAX_RECORD) throw this.tooLong();
  }

  end(): void {
    if (this.rest !== '') this.take(this.rest);
    this.rest = '';
  }

  private take(raw: string): void {
    this.line++;
    let text = raw;
    if (this.line === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    if (text.trim() === '') return;
    if (!this.sawText && text.trimStart().startsWith('[')) {
      throw new InputError(
        `${this.where}: line ${this.line} starts a JSON array, but a JSONL file holds one run object per line; name the file .json`,
      );
    }
    this.sawText = true;
    const v = parseJsonLenientAt(text, this.where, this.line);
    if (typeof v !== 'object' || v === null || Array.isArray(v)) {
      throw new InputError(
        `${this.where}: line ${this.line} is ${describeJson(v)}, not a run object; a JSONL file holds one {…} per line`,
      );
    }
    this.builder.add(v as Record<string, unknown>);
  }

  finish(): RunsTable {
    if (!this.sawText) throw emptyFileError(this.where);
    return this.builder.finish(this.where, 'jsonl');
  }
}

/** Runs from JSONL text in memory; `where` names it in messages. */
export function parseJsonlRuns(text: string, where: string): RunsTable {
  const lines = new LineRuns(where);
  lines.push(text);
  lines.end();
  return lines.finish();
}

export async function readJsonlFile(path: string): Promise<RunsTable> {
  await checkFile(path);
  const lines = new LineRuns(path);
  const decoder = new StringDecoder('utf8');
  let head: Buffer | null = null;
  let checked = false;
  try {
    for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
      let buf = chunk as Buffer;
      if (!checked) {
        head = head ? Buffer.concat([head, buf]) : buf;
        if (head.length < SNIFF_BYTES) continue;
        assertText(head, path);
        checked = true;
        buf = head;
        head = null;
      }
      lines.push(decoder.write(buf));
    }
  } catch (err) {
    throw fileError(err, path);
  }
  if (!checked && head) {
    assertText(head, path);
    lines.push(decoder.write(head));
  }
  lines.push(decoder.end());
  lines.end();
  return lines.finish();
}
