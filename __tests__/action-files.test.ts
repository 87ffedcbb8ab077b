import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, chmodSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { UsageError } from '../src/errors.js';
import { writeFileAtomic } from '../src/publish/files.js';
import { renderWithinBytes, SUMMARY_BUDGET_BYTES } from '../src/publish/summary.js';

const dir = mkdtempSync(join(tmpdir(), 'sweep-insights-files-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('writeFileAtomic', () => {
  test('creates folders, replaces the file whole, leaves no temporary file', async () => {
    const path = join(dir, 'a', 'b', 'report.md');
    await writeFileAtomic(path, 'first\n');
    await writeFileAtomic(path, 'second ✂️\n');
    expect(readFileSync(path, 'utf8')).toBe('second ✂️\n');
    expect(readdirSync(join(dir, 'a', 'b'))).toEqual(['report.md']);
  });

  test('concurrent writers: the file is one of the texts, never a mix', async () => {
    const path = join(dir, 'race.json');
    const texts = Array.from({ length: 8 }, (_, i) => String(i).repeat(200_000));
    await Promise.all(texts.map((t) => writeFileAtomic(path, t)));
    expect(texts).toContain(readFileSync(path, 'utf8'));
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  test('an unwritable place is a usage error naming the path; the old file survives', async () => {
    const blocker = join(dir, 'not-a-folder');
    writeFileSync(blocker, 'x');
    await expect(writeFileAtomic(join(blocker, 'r.json'), '{}')).rejects.toBeInstanceOf(UsageError);
    if (process.getuid?.() !== 0) {
      const ro = join(dir, 'ro');
      mkdirSync(ro);
      writeFileSync(join(ro, 'keep.txt'), 'old');
      chmodSync(ro, 0o500);
      await expect(writeFileAtomic(join(ro, 'keep.txt'), 'new')).rejects.toThrow(/keep\.txt/);
      expect(readFileSync(join(ro, 'keep.txt'), 'utf8')).toBe('old');
      chmodSync(ro, 0o700);
    }
  });
});

describe('renderWithinBytes', () => {
  // A stand-in renderer: as many three-byte characters as the limit allows.
  const render = (maxChars: number): string => '€'.repeat(Math.min(maxChars, 2_000_000));

  test('lowers the character limit until the UTF-8 bytes fit', () => {
    const text = render(10);
    expect(text).toHaveLength(10);
    const fitted = renderWithinBytes(render);
    expect(Buffer.byteLength(fitted)).toBeLessThanOrEqual(SUMMARY_BUDGET_BYTES);
    expect(Buffer.byteLength(fitted)).toBeGreaterThan(SUMMARY_BUDGET_BYTES * 0.95);
  });

  test('ASCII fits at once', () => {
    let calls = 0;
    const out = renderWithinBytes((n) => {
      calls++;
      return 'a'.repeat(Math.min(n, 500));
    });
    expect(out).toHaveLength(500);
    expect(calls).toBe(1);
  });
});
