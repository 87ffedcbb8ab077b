/** Checks shared by the file readers: the file exists, is a file, and starts like text. */
import { promises as fsp } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { InputError } from '../errors.js';

/** Bytes looked at to tell text from binary. */
export const SNIFF_BYTES = 1024;

/**
 * Longest field (a name or a value), in characters (4 Mi): no sweep's name or value is that long; a
 * longer one (a pasted blob, an unclosed quote swallowing the file) is refused at once, naming its
 * place, rather than carried through every table and report.
 */
export const MAX_FIELD = 4 * 1024 * 1024;

/** Longest run object (a JSONL line, an element of a JSON array), in characters (64 Mi). */
export const MAX_RECORD = 64 * 1024 * 1024;

/** Deepest nesting of objects and arrays inside one run (a config within a config …). */
export const MAX_NESTING = 64;

/** The file's size; a missing path, a directory or an unreadable file is an InputError. */
export async function checkFile(path: string): Promise<number> {
  let size: number;
  try {
    const st = await fsp.stat(path);
    if (st.isDirectory())
      throw new InputError(`${path} is a directory, not a runs file (CSV, JSON or JSONL)`);
    size = st.size;
  } catch (err) {
    throw fileError(err, path);
  }
  return size;
}

/** An fs error as the one line a person can act on. */
export function fileError(err: unknown, path: string): Error {
  if (err instanceof InputError) return err;
  const code = (err as NodeJS.ErrnoException | null)?.code;
  if (code === 'ENOENT') return new InputError(`no such file: ${path}`);
  if (code === 'EACCES' || code === 'EPERM') return new InputError(`cannot read ${path}: permission denied`);
  if (code === 'EISDIR')
    return new InputError(`${path} is a directory, not a runs file (CSV, JSON or JSONL)`);
  return err instanceof Error ? err : new Error(String(err));
}

/** The first `bytes` bytes of a file. */
export async function readHead(path: string, bytes = SNIFF_BYTES): Promise<Buffer> {
  let handle: FileHandle | undefined;
  try {
    handle = await fsp.open(path, 'r');
    const buf = Buffer.alloc(bytes);
    const { bytesRead } = await handle.read(buf, 0, bytes, 0);
    return buf.subarray(0, bytesRead);
  } catch (err) {
    throw fileError(err, path);
  } finally {
    await handle?.close();
  }
}

/**
 * Refuses a file whose first KB holds a NUL byte or invalid UTF-8 (an image, a zip, a UTF-16 file):
 * parsing it as CSV would give a nonsense table and a confusing error later.
 */
export function assertText(head: Uint8Array, path: string): void {
  const bytes = head.subarray(0, SNIFF_BYTES);
  let bad = bytes.includes(0);
  if (!bad) {
    try {
      // stream: true lets a multi-byte character cut at the end of the sample pass.
      new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: true });
    } catch {
      bad = true;
    }
  }
  if (bad) throw new InputError(`${path} does not look like a text runs file (CSV, JSON or JSONL)`);
}

/** An empty file (or only white space) is refused by every reader the same way. */
export function emptyFileError(path: string): InputError {
  return new InputError(`${path} is empty: expected a header row (CSV) or run objects (JSON, JSONL)`);
}
