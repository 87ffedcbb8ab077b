/**
 * A runs file → runs table, the format chosen by the extension (.csv, .json, .jsonl/.ndjson), else
 * sniffed from the first non-space character: `[` or `{` is JSON (JSONL when the first line is a
 * whole object and another object follows), anything else CSV.
 */
import { extname } from 'node:path';
import type { RunsTable } from '../table/runs-table.js';
import { readCsvFile } from './csv.js';
import { readJsonFile } from './json.js';
import { readJsonlFile } from './jsonl.js';
import { assertText, checkFile, emptyFileError, readHead } from './text-file.js';

export type FileFormat = 'csv' | 'json' | 'jsonl';

export async function readRunsFile(path: string): Promise<RunsTable> {
  const format = await detectFormat(path);
  if (format === 'json') return readJsonFile(path);
  if (format === 'jsonl') return readJsonlFile(path);
  return readCsvFile(path);
}

/** The format of a runs file: by extension, else by its first bytes. */
export async function detectFormat(path: string): Promise<FileFormat> {
  const ext = extname(path).toLowerCase();
  if (ext === '.csv') return 'csv';
  if (ext === '.json') return 'json';
  if (ext === '.jsonl' || ext === '.ndjson') return 'jsonl';
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
