/**
 * The job summary: the channel that always works (no write permission needed). The runner drops a
 * step's whole summary over 1 MiB, so the report is rendered to fit in bytes, not just characters.
 */
import * as core from '@actions/core';
import { stat } from 'node:fs/promises';

/** The runner's limit on one step's summary. */
export const SUMMARY_LIMIT_BYTES = 1024 * 1024;
/** What the report may take, leaving room for anything else the step writes. */
export const SUMMARY_BUDGET_BYTES = 1_000_000;

/**
 * Render within `maxBytes` of UTF-8: `render(maxChars)` limits UTF-16 code units, and a code unit takes
 * 1 to 3 bytes, so the character limit is lowered in proportion until the bytes fit.
 */
export function renderWithinBytes(
  render: (maxChars: number) => string,
  maxBytes = SUMMARY_BUDGET_BYTES,
): string {
  let maxChars = maxBytes;
  for (let i = 0; i < 8; i++) {
    const text = render(maxChars);
    const bytes = Buffer.byteLength(text, 'utf8');
    if (bytes <= maxBytes) return text;
    maxChars = Math.max(1, Math.floor((maxChars * maxBytes) / bytes) - 16);
  }
  // Every code unit as 3 bytes: always fits.
  return render(Math.max(1, Math.floor(maxBytes / 3)));
}

/**
 * Append the report to GITHUB_STEP_SUMMARY. Returns false (and says why) when there is no summary
 * file (not on a runner) or the text would push the step's summary over 1 MiB.
 */
export async function writeJobSummary(
  markdown: string,
  warn: (m: string) => void = core.warning,
): Promise<boolean> {
  const path = process.env.GITHUB_STEP_SUMMARY;
  if (!path) {
    warn('no job summary: GITHUB_STEP_SUMMARY is not set (not running on a GitHub Actions runner?)');
    return false;
  }
  let already = 0;
  try {
    already = (await stat(path)).size;
  } catch {
    // A missing file is created by the append below.
  }
  const bytes = Buffer.byteLength(markdown, 'utf8');
  if (already + bytes + 1 > SUMMARY_LIMIT_BYTES) {
    warn(
      `no job summary: the report (${bytes} bytes) would take this step's summary over GitHub's 1 MiB, ` +
        'and the runner would drop all of it',
    );
    return false;
  }
  try {
    await core.summary.addRaw(markdown, !markdown.endsWith('\n')).write();
    return true;
  } catch (err) {
    warn(`no job summary: ${err instanceof Error ? err.message : String(err)}`);
    return false;
  } finally {
    core.summary.emptyBuffer();
  }
}
