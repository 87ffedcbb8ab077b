/**
 * Writing output files so that a reader never sees half of one: the text goes to a temporary file in
 * the same folder (same file system, so the rename is atomic), then replaces the target in one step.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { UsageError } from '../errors.js';

export async function writeFileAtomic(path: string, text: string): Promise<void> {
  const dir = dirname(path);
  try {
    await mkdir(dir, { recursive: true });
  } catch (err) {
    throw new UsageError(
      `cannot create the folder ${dir} for ${path}: ${reason(err)}; choose a writable path`,
    );
  }
  const temp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const handle = await open(temp, 'wx');
    try {
      await handle.writeFile(text, 'utf8');
      // Flushed before the rename: after a crash the target is the old file or the whole new one.
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (err) {
    await unlink(temp).catch(() => {});
    throw new UsageError(`cannot write ${path}: ${reason(err)}; choose a writable path`);
  }
}

function reason(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  return e && typeof e === 'object' && e.code ? `${e.code} (${e.message.split('\n')[0]})` : String(err);
}
