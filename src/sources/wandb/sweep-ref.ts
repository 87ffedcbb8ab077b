/** A W&B sweep's name: `entity/project/sweepId`, or the sweep's page URL. */
import { UsageError } from '../../errors.js';

export interface SweepRef {
  entity: string;
  project: string;
  id: string;
}

const EXAMPLE = 'e.g. my-team/my-project/abcd1234 or https://wandb.ai/my-team/my-project/sweeps/abcd1234';
// Entity and project names: letters, digits, '-', '_', '.'; sweep ids: letters and digits.
const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const SWEEP_ID = /^[A-Za-z0-9]+$/;

/** Parses `entity/project/id` or `https://HOST/entity/project/sweeps/id[/...][?...]`; UsageError otherwise. */
export function parseSweepRef(text: string): SweepRef {
  const given = text.trim();
  const parts = refParts(given);
  if (!parts) {
    throw new UsageError(
      `--sweep ${JSON.stringify(text)} is not a sweep: give ENTITY/PROJECT/SWEEP_ID, ${EXAMPLE}`,
    );
  }
  const [entity, project, id] = parts.map(decodePart);
  for (const [what, value, pattern] of [
    ['entity', entity, NAME],
    ['project', project, NAME],
    ['sweep id', id, SWEEP_ID],
  ] as const) {
    if (!pattern.test(value)) {
      throw new UsageError(
        `--sweep ${JSON.stringify(text)}: ${what} ${JSON.stringify(value)} has characters W&B does not allow (${EXAMPLE})`,
      );
    }
  }
  return { entity, project, id };
}

function refParts(text: string): [string, string, string] | null {
  if (/^https?:\/\//i.test(text) || /^[^/]*wandb\.ai\//i.test(text)) {
    let url: URL;
    try {
      url = new URL(/^https?:\/\//i.test(text) ? text : `https://${text}`);
    } catch {
      return null;
    }
    const segments = url.pathname.split('/').filter((s) => s !== '');
    // /entity/project/sweeps/id, possibly followed by a tab of the page (/table, /overview, ...).
    if (segments.length >= 4 && segments[2] === 'sweeps') return [segments[0], segments[1], segments[3]];
    return null;
  }
  const segments = text.split('/');
  if (segments.length === 3 && segments.every((s) => s !== ''))
    return [segments[0], segments[1], segments[2]];
  // entity/project/sweeps/id, as copied from a URL path.
  if (segments.length === 4 && segments[2] === 'sweeps' && segments.every((s) => s !== '')) {
    return [segments[0], segments[1], segments[3]];
  }
  return null;
}

function decodePart(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}
