/**
 * A JSON runs file: an array of run objects, or `{"runs": [...]}`. Read once into memory (no second
 * copy) and parsed with the lenient parser (NaN/Infinity tokens as Python writes them).
 */
import { promises as fsp } from 'node:fs';
import { InputError } from '../errors.js';
import type { RunsTable } from '../table/runs-table.js';
import { parseJsonLenient } from './lenient-json.js';
import { tableFromRecords } from './records.js';
import { assertText, checkFile, emptyFileError, fileError } from './text-file.js';

export async function readJsonFile(path: string): Promise<RunsTable> {
  await checkFile(path);
  let buf: Buffer;
  try {
    buf = await fsp.readFile(path);
  } catch (err) {
    throw fileError(err, path);
  }
  assertText(buf, path);
  const text = buf.toString('utf8');
  return parseJsonRuns(text, path);
}

/** The runs of a JSON document (text in memory); `where` names it in messages. */
export function parseJsonRuns(text: string, where: string): RunsTable {
  if (text.trim() === '' || text.trim() === '\ufeff') throw emptyFileError(where);
  const doc = parseJsonLenient(text, where);
  let runs: unknown;
  if (Array.isArray(doc)) runs = doc;
  else if (typeof doc === 'object' && doc !== null && Array.isArray((doc as { runs?: unknown }).runs)) {
    runs = (doc as { runs: unknown[] }).runs;
  } else {
    throw new InputError(
      `${where}: expected an array of run objects or {"runs": [...]}, found ${describeJson(doc)}; for one run object per line, name the file .jsonl`,
    );
  }
  const list = runs as unknown[];
  list.forEach((run, i) => {
    if (typeof run !== 'object' || run === null || Array.isArray(run)) {
      throw new InputError(
        `${where}: run ${i + 1} is ${describeJson(run)}, not a run object ({"name": value, …})`,
      );
    }
  });
  if (list.length === 0) throw new InputError(`${where} holds no runs (an empty array)`);
  return tableFromRecords(list as Record<string, unknown>[], where, 'json');
}

export function describeJson(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object without a "runs" array';
  if (typeof v === 'string') return 'a string';
  return `a ${typeof v}`;
}
