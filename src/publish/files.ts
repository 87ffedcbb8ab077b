/**
 * Writing the output files of a run: all or nothing, and never half of one.
 *
 * Regular files (and new ones) are written to temporary files beside their targets first (same folder,
 * same file system, so the rename is atomic) and flushed; only when every one is written are they
 * renamed onto their targets. A failure while writing removes the temporary files and leaves every
 * target as it was. A failure while renaming (rare: the folder changed under us) puts back the files
 * replaced so far (kept as hard links until the end) and removes the new ones it created.
 *
 * Targets that are not regular files are written through, never replaced: a symlink's target is
 * written (the link stays), a device, FIFO or socket (`/dev/stdout`, `/dev/null`, a named pipe) is
 * opened and written, and `-` means standard output. These streams are written after the files are in
 * place, and what went into a stream cannot be taken back.
 *
 * Two outputs to the same place (the same path, or two names of one file) are refused before anything
 * is written.
 */
import { randomBytes } from 'node:crypto';
import { fstatSync, type Stats } from 'node:fs';
import { link, lstat, mkdir, open, readlink, realpath, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { UsageError } from '../errors.js';

export interface OutputFile {
  readonly path: string;
  readonly text: string;
  /** What the file is, for messages: e.g. `--json`. Default: the path. */
  readonly label?: string;
}

export interface WriteOptions {
  /** Where `-` goes; default process.stdout. */
  readonly stdout?: (text: string) => void | Promise<void>;
  /** For tests: the rename of a temporary file onto its target. */
  readonly rename?: (from: string, to: string) => Promise<void>;
}

type Plan =
  | { kind: 'file'; out: OutputFile; target: string; temp?: string; backup?: string; existed: boolean }
  | { kind: 'stream'; out: OutputFile; target: string }
  | { kind: 'stdout'; out: OutputFile };

/** One file, the same way (kept for callers with a single output). */
export async function writeFileAtomic(path: string, text: string): Promise<void> {
  await writeFilesAtomic([{ path, text }]);
}

/** Writes every output of a run, all or nothing (see the top of this file). */
export async function writeFilesAtomic(
  outputs: readonly OutputFile[],
  opts: WriteOptions = {},
): Promise<void> {
  const plans: Plan[] = [];
  const seen = new Map<string, OutputFile>();
  for (const out of outputs) {
    const plan = await planOf(out);
    const key = await identity(plan);
    const other = seen.get(key);
    if (other) {
      throw new UsageError(
        `${name(other)} and ${name(out)} would both write ${show(other.path)}` +
          `${other.path === out.path ? '' : ` (the same file as ${show(out.path)})`}: give each output its own file`,
      );
    }
    seen.set(key, out);
    plans.push(plan);
  }

  const files = plans.filter((p): p is Extract<Plan, { kind: 'file' }> => p.kind === 'file');
  // 1. Every file's text to a temporary file beside its target.
  try {
    for (const p of files) p.temp = await writeTemp(p.target, p.out);
  } catch (err) {
    await Promise.all(files.map((p) => (p.temp ? unlink(p.temp).catch(() => {}) : undefined)));
    throw err;
  }
  // 2. All renamed into place, or none.
  const renameFn = opts.rename ?? rename;
  const done: typeof files = [];
  try {
    for (const p of files) {
      if (p.existed) p.backup = await keepOld(p.target);
      await renameFn(p.temp!, p.target);
      p.temp = undefined;
      done.push(p);
    }
  } catch (err) {
    const failed = files[done.length];
    for (const p of done.reverse()) {
      if (p.backup) await rename(p.backup, p.target).catch(() => {});
      else if (!p.existed) await unlink(p.target).catch(() => {});
      p.backup = undefined;
    }
    await Promise.all(
      files.flatMap((p) =>
        [p.temp, p.backup].filter((f): f is string => !!f).map((f) => unlink(f).catch(() => {})),
      ),
    );
    throw new UsageError(
      `cannot write ${show(failed.out.path)}: ${reason(err)}; nothing was written (choose a writable path)`,
    );
  }
  await Promise.all(files.map((p) => (p.backup ? unlink(p.backup).catch(() => {}) : undefined)));
  // 3. Streams last: they cannot be taken back.
  for (const p of plans) {
    if (p.kind === 'stdout') await (opts.stdout ?? writeStdout)(p.out.text);
    else if (p.kind === 'stream') await writeThrough(p.target, p.out);
  }
}

/** What a path is: a file to replace atomically (at the end of its symlinks), a stream, or stdout. */
async function planOf(out: OutputFile): Promise<Plan> {
  if (out.path === '')
    throw new UsageError(`${name(out)} is empty: give a file name (or - for standard output)`);
  if (out.path === '-') return { kind: 'stdout', out };
  let st: Stats | null = null;
  try {
    st = await stat(out.path); // follows symlinks, /dev/stdout's too
  } catch (err) {
    // ENOTDIR: a parent is a file; said plainly when its folder cannot be created.
    if (code(err) !== 'ENOENT' && code(err) !== 'ENOTDIR') throw cannotWrite(out, err);
  }
  if (st?.isDirectory()) {
    throw new UsageError(`cannot write ${show(out.path)}: it is a folder; give a file name for ${name(out)}`);
  }
  if (st && !st.isFile()) return { kind: 'stream', out, target: out.path };
  // A regular file or nothing yet: replace (or create) the file at the end of the links, keeping them.
  const target = st ? await realpath(out.path) : await linkTarget(out.path);
  return { kind: 'file', out, target, existed: st !== null };
}

/** The path a (possibly dangling) chain of symlinks ends at; the path itself when it is no link. */
async function linkTarget(path: string): Promise<string> {
  let at = resolve(path);
  for (let hops = 0; hops < 40; hops++) {
    let to: string;
    try {
      if (!(await lstat(at)).isSymbolicLink()) return at;
      to = await readlink(at);
    } catch (err) {
      if (code(err) === 'ENOENT' || code(err) === 'ENOTDIR') return at;
      throw err;
    }
    at = isAbsolute(to) ? to : resolve(dirname(at), to);
  }
  throw new UsageError(`cannot write ${show(path)}: too many levels of symbolic links`);
}

/** Two outputs are the same place when they are the same file (device and inode) or the same new path. */
async function identity(plan: Plan): Promise<string> {
  try {
    if (plan.kind === 'stdout') {
      const st = fstatSync(1);
      return `inode:${st.dev}:${st.ino}`;
    }
    if (plan.kind === 'stream' || plan.existed) {
      const st = await stat(plan.target);
      return `inode:${st.dev}:${st.ino}`;
    }
    // A new file: its folder's real path (when there is one yet) and its name.
    let dir = dirname(plan.target);
    try {
      dir = await realpath(dir);
    } catch {
      // The folder does not exist yet: created on writing.
    }
    return `path:${join(dir, basename(plan.target))}`;
  } catch {
    return `path:${plan.kind === 'stdout' ? '-' : resolve(plan.target)}`;
  }
}

async function writeTemp(target: string, out: OutputFile): Promise<string> {
  const dir = dirname(target);
  try {
    await mkdir(dir, { recursive: true });
  } catch (err) {
    throw new UsageError(
      `cannot create the folder ${show(dir)} for ${show(out.path)}: ${reason(err)}; nothing was written (choose a writable path)`,
    );
  }
  const temp = join(dir, `.${basename(target)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const handle = await open(temp, 'wx');
    try {
      await handle.writeFile(out.text, 'utf8');
      // Flushed before the rename: after a crash the target is the old file or the whole new one.
      await handle.sync();
    } finally {
      await handle.close();
    }
    return temp;
  } catch (err) {
    await unlink(temp).catch(() => {});
    throw new UsageError(
      `cannot write ${show(out.path)}: ${reason(err)}; nothing was written (choose a writable path)`,
    );
  }
}

/** A hard link to the file about to be replaced, to put it back if a later rename fails. */
async function keepOld(target: string): Promise<string | undefined> {
  const backup = join(
    dirname(target),
    `.${basename(target)}.${process.pid}.${randomBytes(6).toString('hex')}.old`,
  );
  try {
    await link(target, backup);
    return backup;
  } catch {
    return undefined; // a file system without hard links: no way back for this one, but no harm
  }
}

async function writeThrough(target: string, out: OutputFile): Promise<void> {
  try {
    const handle = await open(target, 'w');
    try {
      await handle.writeFile(out.text, 'utf8');
    } finally {
      await handle.close();
    }
  } catch (err) {
    throw cannotWrite(out, err, 'the files were written, this stream was not');
  }
}

function writeStdout(text: string): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    process.stdout.write(text, (err) => (err ? reject(err) : resolvePromise()));
  });
}

function cannotWrite(out: OutputFile, err: unknown, what = 'nothing was written'): UsageError {
  return new UsageError(`cannot write ${show(out.path)}: ${reason(err)}; ${what} (choose a writable path)`);
}

function name(out: OutputFile): string {
  return out.label ?? show(out.path);
}

function show(path: string): string {
  return /^[\w./@+:,~-]+$/.test(path) ? path : JSON.stringify(path);
}

function code(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | null)?.code;
}

function reason(err: unknown): string {
  if (err instanceof UsageError) return err.message;
  const e = err as NodeJS.ErrnoException;
  return e && typeof e === 'object' && e.code ? `${e.code} (${e.message.split('\n')[0]})` : String(err);
}
