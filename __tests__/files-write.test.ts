/**
 * Output files: symlinks, devices and FIFOs are written through (never replaced by a regular file),
 * `-` is standard output, two outputs to one place are refused, and a run's files are all written or
 * none. And `--runs` from a pipe, a FIFO or `-` (standard input).
 */
import { execFileSync } from 'node:child_process';
import {
  createReadStream,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, test } from 'vitest';
import { UsageError } from '../src/errors.js';
import { failure } from './helpers/failure.js';
import { writeFileAtomic, writeFilesAtomic } from '../src/publish/files.js';
import { readRunsFile } from '../src/sources/read-runs.js';

const dir = mkdtempSync(join(tmpdir(), 'sweep-insights-files-write-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const fresh = (): string => {
  const d = join(dir, `case-${++n}`);
  mkdirSync(d);
  return d;
};
const leftovers = (d: string): string[] => readdirSync(d).filter((f) => /\.(tmp|old)$/.test(f));

function mkfifo(path: string): boolean {
  try {
    execFileSync('mkfifo', [path]);
    return true;
  } catch {
    return false;
  }
}

/** Reads a FIFO to its end (opened before the writer, as a reader would be). */
function drain(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    createReadStream(path, 'utf8')
      .on('data', (c) => (text += c))
      .on('end', () => resolve(text))
      .on('error', reject);
  });
}

describe('targets that are not regular files are written through', () => {
  test('a symlink: its target gets the text, the link stays a link', async () => {
    const d = fresh();
    writeFileSync(join(d, 'real.json'), 'old');
    symlinkSync('real.json', join(d, 'link.json'));
    await writeFileAtomic(join(d, 'link.json'), 'new');
    expect(lstatSync(join(d, 'link.json')).isSymbolicLink()).toBe(true);
    expect(readlinkSync(join(d, 'link.json'))).toBe('real.json');
    expect(readFileSync(join(d, 'real.json'), 'utf8')).toBe('new');
    expect(leftovers(d)).toEqual([]);
  });

  test('a dangling symlink: the file it names is created, the link stays', async () => {
    const d = fresh();
    mkdirSync(join(d, 'out'));
    symlinkSync(join(d, 'out', 'report.md'), join(d, 'report.md'));
    await writeFileAtomic(join(d, 'report.md'), '# report\n');
    expect(lstatSync(join(d, 'report.md')).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(d, 'out', 'report.md'), 'utf8')).toBe('# report\n');
  });

  test('a FIFO: written into, still a FIFO', async (ctx) => {
    const d = fresh();
    const fifo = join(d, 'pipe');
    if (!mkfifo(fifo)) ctx.skip(); // no mkfifo here
    const read = drain(fifo);
    await writeFileAtomic(fifo, '{"a": 1}\n');
    expect(await read).toBe('{"a": 1}\n');
    expect(statSync(fifo).isFIFO()).toBe(true);
    expect(leftovers(d)).toEqual([]);
  });

  test('a character device (a private /dev/null) is written to, not replaced', async (ctx) => {
    const d = fresh();
    const dev = join(d, 'null');
    try {
      execFileSync('mknod', [dev, 'c', '1', '3']);
    } catch {
      ctx.skip(); // not allowed to make device nodes here
    }
    await writeFileAtomic(dev, 'into the void');
    expect(statSync(dev).isCharacterDevice()).toBe(true);
    expect(leftovers(d)).toEqual([]);
  });

  test('/dev/null itself stays a device', async () => {
    await writeFileAtomic('/dev/null', 'x');
    expect(statSync('/dev/null').isCharacterDevice()).toBe(true);
  });

  test('"-" is standard output', async () => {
    let out = '';
    await writeFilesAtomic([{ path: '-', text: '{"ok":true}\n', label: '--json' }], {
      stdout: (t) => {
        out += t;
      },
    });
    expect(out).toBe('{"ok":true}\n');
  });

  test('a folder is refused, naming the output', async () => {
    const d = fresh();
    await expect(writeFilesAtomic([{ path: d, text: 'x', label: '--json' }])).rejects.toThrow(
      /it is a folder; give a file name for --json/,
    );
  });

  test('an empty path is refused', async () => {
    await expect(writeFilesAtomic([{ path: '', text: 'x', label: '--json' }])).rejects.toThrow(
      /--json is empty/,
    );
  });
});

describe('two outputs, one place', () => {
  test('the same path twice: refused before anything is written', async () => {
    const d = fresh();
    const p = join(d, 'x.out');
    const err = await failure(
      writeFilesAtomic([
        { path: p, text: 'json', label: '--json' },
        { path: p, text: 'md', label: '--markdown' },
      ]),
    );
    expect(err).toBeInstanceOf(UsageError);
    expect(err.message).toMatch(
      /--json and --markdown would both write .*x\.out: give each output its own file/,
    );
    expect(existsSync(p)).toBe(false);
  });

  test('two names of one file (a symlink, a relative path): refused too', async () => {
    const d = fresh();
    writeFileSync(join(d, 'a.json'), 'old');
    symlinkSync('a.json', join(d, 'b.json'));
    mkdirSync(join(d, 'sub'));
    await expect(
      writeFilesAtomic([
        { path: join(d, 'a.json'), text: '1', label: '--json' },
        { path: join(d, 'b.json'), text: '2', label: '--markdown' },
      ]),
    ).rejects.toThrow(/--json and --markdown would both write .*the same file as/);
    await expect(
      writeFilesAtomic([
        { path: join(d, 'new.md'), text: '1', label: '--json' },
        // a spelling join() would normalise away: the refusal must see through it itself
        { path: `${d}/./sub/../new.md`, text: '2', label: '--markdown' },
      ]),
    ).rejects.toThrow(/would both write/);
    expect(readFileSync(join(d, 'a.json'), 'utf8')).toBe('old');
  });
});

describe('all or nothing', () => {
  test('a later output that cannot be written leaves the earlier ones untouched', async () => {
    const d = fresh();
    writeFileSync(join(d, 'results.json'), 'old results');
    writeFileSync(join(d, 'blocker'), 'a file, not a folder');
    const err = await failure(
      writeFilesAtomic([
        { path: join(d, 'results.json'), text: 'new results', label: '--json' },
        { path: join(d, 'fresh.md'), text: 'new report', label: '--markdown' },
        { path: join(d, 'blocker', 'next.yaml'), text: 'new yaml', label: '--next-sweep' },
      ]),
    );
    expect(err).toBeInstanceOf(UsageError);
    expect(err.message).toMatch(/blocker.*nothing was written/);
    expect(readFileSync(join(d, 'results.json'), 'utf8')).toBe('old results');
    expect(existsSync(join(d, 'fresh.md'))).toBe(false);
    expect(leftovers(d)).toEqual([]);
  });

  test('a rename that fails halfway: the files replaced so far are put back, new ones removed', async () => {
    const d = fresh();
    writeFileSync(join(d, 'a.json'), 'old a');
    let renames = 0;
    const err = await failure(
      writeFilesAtomic(
        [
          { path: join(d, 'a.json'), text: 'new a' },
          { path: join(d, 'b.md'), text: 'new b' },
          { path: join(d, 'c.yaml'), text: 'new c' },
        ],
        {
          rename: async (from, to) => {
            if (++renames === 3) throw Object.assign(new Error('EIO: i/o error'), { code: 'EIO' });
            const { rename } = await import('node:fs/promises');
            await rename(from, to);
          },
        },
      ),
    );
    expect(err).toBeInstanceOf(UsageError);
    expect(err.message).toMatch(/cannot write .*c\.yaml: EIO .*nothing was written/);
    expect(readFileSync(join(d, 'a.json'), 'utf8')).toBe('old a');
    expect(existsSync(join(d, 'b.md'))).toBe(false);
    expect(existsSync(join(d, 'c.yaml'))).toBe(false);
    expect(leftovers(d)).toEqual([]);
  });

  test('all written when all can be; no backups or temporary files left', async () => {
    const d = fresh();
    writeFileSync(join(d, 'a.json'), 'old a');
    await writeFilesAtomic([
      { path: join(d, 'a.json'), text: 'new a' },
      { path: join(d, 'sub', 'b.md'), text: 'new b' },
    ]);
    expect(readFileSync(join(d, 'a.json'), 'utf8')).toBe('new a');
    expect(readFileSync(join(d, 'sub', 'b.md'), 'utf8')).toBe('new b');
    expect(leftovers(d)).toEqual([]);
  });
});

describe('--runs from a pipe, a FIFO or standard input', () => {
  const CSV = 'lr,acc\n0.1,0.5\n0.01,0.7\n0.001,0.6\n';

  test('"-" reads standard input (CSV sniffed)', async () => {
    const table = await readRunsFile(
      '-',
      Readable.from([Buffer.from(CSV.slice(0, 9)), Buffer.from(CSV.slice(9))]),
    );
    expect(table.rowCount).toBe(3);
    expect(table.columns).toEqual(['lr', 'acc']);
  });

  test('"-" reads JSON and JSONL too', async () => {
    const json = JSON.stringify([
      { lr: 0.1, acc: 0.5 },
      { lr: 0.2, acc: 0.6 },
    ]);
    expect((await readRunsFile('-', Readable.from([json]))).rowCount).toBe(2);
    const jsonl = '{"lr": 0.1, "acc": 0.5}\n{"lr": 0.2, "acc": 0.6}\n{"lr": 0.3, "acc": 0.7}\n';
    expect((await readRunsFile('-', Readable.from([jsonl]))).rowCount).toBe(3);
  });

  test('an empty standard input is "empty", naming it', async () => {
    await expect(readRunsFile('-', Readable.from([]))).rejects.toThrow(
      /standard input \(--runs -\) is empty/,
    );
  });

  test('a terminal on standard input is refused at once, not waited on', async () => {
    const tty = Object.assign(Readable.from([]), { isTTY: true });
    await expect(readRunsFile('-', tty)).rejects.toThrow(/standard input is a terminal; pipe the runs in/);
  });

  test('a FIFO (what /dev/stdin is from a pipe) is read to its end, not called empty', async (ctx) => {
    const d = fresh();
    const fifo = join(d, 'runs-pipe');
    if (!mkfifo(fifo)) ctx.skip(); // no mkfifo here
    const writer = import('node:fs/promises').then(async ({ writeFile }) => writeFile(fifo, CSV));
    const table = await readRunsFile(fifo);
    await writer;
    expect(table.rowCount).toBe(3);
  });
});
