/**
 * A runs file → runs table, the format chosen by the extension (.csv, .json, .jsonl/.ndjson), else
 * sniffed from the first non-space character: `[` or `{` is JSON (JSONL when the first line is a
 * whole object and another object follows), anything else CSV.
 *
 * `-` is standard input; a pipe, FIFO or character device (`/dev/stdin`, `<(...)`) is read as a
 * stream to its end (its size says nothing: a pipe's is 0) and then parsed in memory.
 */
import { createReadStream, promises as fsp } from 'node:fs';
import { extname } from 'node:path';
import { InputError } from '../errors.js';
import type { RunsTable } from '../table/runs-table.js';
import { parseCsvText, readCsvFile } from './csv.js';
import { parseJsonRuns, readJsonFile } from './json.js';
import { parseJsonlRuns, readJsonlFile } from './jsonl.js';
import { assertText, checkFile, emptyFileError, fileError, readHead } from './text-file.js';

export type FileFormat = 'csv' | 'json' | 'jsonl';

/** A stream is read into memory whole: beyond this, save it to a file (which is streamed). */
const MAX_STREAM_BYTES = 512 * 1024 * 1024;

/** Standard input, as `--runs -` reads it; injectable for tests. */
export interface StdinLike extends AsyncIterable<Buffer | string> {
  readonly isTTY?: boolean;
}

export async function readRunsFile(path: string, stdin: StdinLike = process.stdin): Promise<RunsTable> {
  if (path === '-' || (await isStream(path))) return readRunsStream(path, stdin);
  const format = await detectFormat(path);
  if (format === 'json') return readJsonFile(path);
  if (format === 'jsonl') return readJsonlFile(path);
  return readCsvFile(path);
}

/** A pipe, FIFO, socket or character device: read as a stream, not by size. */
async function isStream(path: string): Promise<boolean> {
  try {
    const st = await fsp.stat(path);
    return !st.isFile() && !st.isDirectory();
  } catch {
    return false; // missing, unreadable: the file readers say so
  }
}

async function readRunsStream(path: string, stdin: StdinLike): Promise<RunsTable> {
  const where = path === '-' ? 'standard input (--runs -)' : path;
  if (path === '-' && stdin.isTTY) {
    throw new InputError(
      '--runs -: standard input is a terminal; pipe the runs in (e.g. cat runs.csv | sweep-insights analyze --runs - ...)',
    );
  }
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    const source: AsyncIterable<Buffer | string> = path === '-' ? stdin : createReadStream(path);
    for await (const chunk of source) {
      const buf = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
      size += buf.length;
      if (size > MAX_STREAM_BYTES) {
        throw new InputError(
          `${where}: more than ${MAX_STREAM_BYTES / 1024 / 1024} MiB from a stream; save it to a file and pass that`,
        );
      }
      chunks.push(buf);
    }
  } catch (err) {
    throw fileError(err, where);
  }
  const buf = Buffer.concat(chunks);
  if (buf.length === 0) throw emptyFileError(where);
  assertText(buf, where);
  const text = buf.toString('utf8');
  const format = formatByExtension(path === '-' ? '' : path) ?? sniff(text.slice(0, 64 * 1024));
  if (format === 'json') return parseJsonRuns(text, where);
  if (format === 'jsonl') return parseJsonlRuns(text, where);
  return parseCsvText(text, where);
}

function formatByExtension(path: string): FileFormat | null {
  const ext = extname(path).toLowerCase();
  if (ext === '.csv') return 'csv';
  if (ext === '.json') return 'json';
  if (ext === '.jsonl' || ext === '.ndjson') return 'jsonl';
  return null;
}

/** The format of a runs file: by extension, else by its first bytes. */
export async function detectFormat(path: string): Promise<FileFormat> {
  const byExt = formatByExtension(path);
  if (byExt !== null) return byExt;
  const size = await checkFile(path);
  if (size === 0) throw emptyFileError(path);
  const head = await readHead(path, 64 * 1024);
  assertText(head, path);
  return sniff(head.toString('utf8'));
}

/** `[` → JSON; `{` → JSONL when the first line closes an object (`{…}` then a line break), else JSON. */
export function sniff(text: string): FileFormat {
  const t = text.replace(/^\ufeff/, '').trimStart();
  if (t.startsWith('[')) return 'json';
  if (t.startsWith('{')) {
    const nl = t.indexOf('\n');
    if (nl === -1) return 'json';
    const first = t.slice(0, nl).trim();
    if (first.endsWith('}')) {
      try {
        JSON.parse(first);
        return t.slice(nl + 1).trim() === '' ? 'json' : 'jsonl';
      } catch {
        return 'json';
      }
    }
    return 'json';
  }
  return 'csv';
}
