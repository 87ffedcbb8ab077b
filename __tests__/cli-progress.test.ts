/** Progress lines on stderr: only on a terminal, only once the work has taken a moment. */
import { describe, expect, it } from 'vitest';
import { progressReporter } from '../src/cli/progress.js';

describe('progress on stderr', () => {
  it('says nothing when stderr is not a terminal', () => {
    const out: string[] = [];
    const p = progressReporter(false, (t) => out.push(t), 0);
    p.update('fitting');
    p.done();
    expect(out).toEqual([]);
  });

  it('stays quiet for quick work, then shows the current step and clears its line', async () => {
    const out: string[] = [];
    const p = progressReporter(true, (t) => out.push(t), 50);
    p.update('reading');
    expect(out).toEqual([]);
    await new Promise((r) => setTimeout(r, 80));
    p.update('fitting 250 extra trees');
    expect(out).toHaveLength(1);
    expect(out[0].startsWith('\r\x1b[2K[')).toBe(true);
    expect(out[0]).toMatch(/\[\d+\.\ds\] fitting 250 extra trees$/);
    p.done();
    expect(out[1]).toBe('\r\x1b[2K');
  });
});
