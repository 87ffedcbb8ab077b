/**
 * The baseline of a comparison (`--baseline REF`, the action's `baseline` input): a results JSON written
 * by an earlier run of this tool (read back, no refit), or any runs source the tool reads, analysed with
 * the same target, goal, hyperparameters and engine. A results JSON of another target, goal or version
 * is refused with one line naming what differs.
 */
import { access, open } from 'node:fs/promises';
import type { Goal, ParamKind } from '../design/types.js';
import { UsageError } from '../errors.js';
import type { Searched, Snapshot } from '../insights/compare.js';
import type { Analysis } from './analysis.js';
import { RESULTS_VERSION } from './results-json.js';

/** Results JSON versions a baseline can be read from (the ones that carry `target_values`). */
const READABLE_VERSIONS = new Set([RESULTS_VERSION]);

/** A results JSON's text, or null when `text` is not one (then it is a runs file). */
function parseResults(text: string): Record<string, unknown> | null {
  const head = text.trimStart();
  if (!head.startsWith('{')) return null;
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return null;
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) return null;
  const o = doc as Record<string, unknown>;
  // a runs file may be {"runs": [...]}; a results JSON has the recipe's keys and an engine
  if (!('engine' in o) || !('parameter_importances' in o)) return null;
  return o;
}

function fail(ref: string, why: string): never {
  throw new UsageError(`--baseline ${ref}: ${why}`);
}

/** The Snapshot of a results JSON, checked against the head's target and goal. */
function snapshotFromResults(
  doc: Record<string, unknown>,
  ref: string,
  want: { target: string; goal: Goal },
): Snapshot {
  const engine = doc.engine as { name?: unknown } | undefined;
  if (!engine || engine.name !== 'sweep-insights') {
    fail(ref, `not a results JSON of sweep-insights (engine ${JSON.stringify(engine?.name ?? null)})`);
  }
  const version = doc.results_version;
  if (typeof version !== 'number' || !READABLE_VERSIONS.has(version)) {
    fail(
      ref,
      `results_version ${JSON.stringify(version ?? null)} cannot be compared (this version reads ` +
        `${[...READABLE_VERSIONS].join(', ')}): re-run the baseline's analysis with this version`,
    );
  }
  const target = doc.target;
  if (target !== want.target) {
    fail(ref, `its target is ${JSON.stringify(target)}, this analysis' is ${JSON.stringify(want.target)}`);
  }
  const goal = (doc.goal as { direction?: unknown } | undefined)?.direction;
  if (goal !== want.goal) {
    fail(
      ref,
      `its goal is ${JSON.stringify(goal)}, this analysis' is ${JSON.stringify(want.goal)}: use --goal`,
    );
  }
  const values = doc.target_values;
  if (!Array.isArray(values) || values.some((v) => typeof v !== 'number' || !Number.isFinite(v))) {
    fail(ref, 'it has no target_values (the target of every run used)');
  }
  const parameters = doc.parameters;
  if (!parameters || typeof parameters !== 'object') fail(ref, 'it has no parameters');
  const insights = doc.insights as
    | {
        permutation?: { parameter: string; mean: number; low: number; high: number }[];
        advice?: {
          parameter: string;
          searched?: { min: number; max: number } | null;
          levels?: { level: string; share_all: number }[];
        }[];
        quality?: { cv_r2: number | null; explains_nothing: boolean };
      }
    | null
    | undefined;
  const searched: Record<string, Searched> = Object.create(null);
  for (const a of insights?.advice ?? []) {
    if (a.searched) searched[a.parameter] = { min: a.searched.min, max: a.searched.max };
    else if (a.levels && a.levels.length > 0) {
      searched[a.parameter] = { levels: a.levels.filter((l) => l.share_all > 0).map((l) => l.level) };
    }
  }
  const q = insights?.quality;
  return {
    target: want.target,
    goal: want.goal,
    source: ref,
    values: Float64Array.from(values as number[]),
    parameters: { ...(parameters as Record<string, ParamKind>) },
    permutation: insights?.permutation
      ? insights.permutation.map((p) => ({ parameter: p.parameter, mean: p.mean, low: p.low, high: p.high }))
      : null,
    searched,
    predicts: q && q.cv_r2 !== null ? !q.explains_nothing : null,
  };
}

/** The file's results JSON, or null when it is a runs file (or not a file: a W&B sweep). */
async function readResultsFile(ref: string): Promise<Record<string, unknown> | null> {
  let handle;
  try {
    handle = await open(ref, 'r');
  } catch {
    return null;
  }
  try {
    // a results JSON starts with "{": a CSV or JSONL runs file is not read twice to find out
    const start = Buffer.alloc(64);
    const { bytesRead } = await handle.read(start, 0, start.length, 0);
    if (!start.subarray(0, bytesRead).toString('utf8').trimStart().startsWith('{')) return null;
    return parseResults(await handle.readFile('utf8'));
  } finally {
    await handle.close();
  }
}

/**
 * The baseline's Snapshot: read back from a results JSON, else `analyse` (the same analysis as the
 * head's) on the runs file or W&B sweep `ref` names.
 */
export async function loadBaseline(
  ref: string,
  want: { target: string; goal: Goal },
  analyse: (source: { runsFile?: string; sweep?: string }) => Promise<Snapshot>,
): Promise<Snapshot> {
  if (ref.trim() === '') throw new UsageError('--baseline needs a results JSON, a runs file or a W&B sweep');
  const results = await readResultsFile(ref);
  if (results) return snapshotFromResults(results, ref, want);
  let isFile = true;
  try {
    await access(ref);
  } catch {
    isFile = false;
  }
  const base = await analyse(isFile ? { runsFile: ref } : { sweep: ref });
  if (base.goal !== want.goal)
    fail(ref, `its goal is ${base.goal}, this analysis' is ${want.goal}: use --goal`);
  return base;
}

/** What the comparison needs of an analysis. */
export function snapshotOf(
  analysis: Pick<Analysis, 'insights' | 'design' | 'request' | 'result' | 'source'>,
): Snapshot {
  const { insights, design, request, result } = analysis;
  const searched: Record<string, Searched> = Object.create(null);
  for (const a of insights?.advice ?? []) {
    if (a.searched) searched[a.parameter] = { min: a.searched.min, max: a.searched.max };
    else if (a.levels)
      searched[a.parameter] = { levels: a.levels.filter((l) => l.shareAll > 0).map((l) => l.level) };
  }
  return {
    target: request.target,
    goal: request.goal,
    source: analysis.source,
    values: Float64Array.from(design.y),
    parameters: { ...result.parameters },
    permutation: insights
      ? insights.permutation.map((p) => ({ parameter: p.parameter, mean: p.mean, low: p.low, high: p.high }))
      : null,
    searched,
    predicts: insights && insights.quality.cvR2 !== null ? !insights.quality.explainsNothing : null,
  };
}
