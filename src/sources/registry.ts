/**
 * Every source, one line each. A source is a folder under src/sources/ exporting a SourceDefinition
 * (types.ts): its flags (the first selects it; each may name its action input) and `load`. The CLI's
 * flags and help, the action's inputs and the analysis all come from this list; adding a source is
 * its folder plus one line here (and its inputs in action.yml, which GitHub reads as written).
 */
import { UsageError } from '../errors.js';
import { fileSource } from './file/index.js';
import { mlflowSource } from './mlflow/index.js';
import { optunaSource } from './optuna/index.js';
import type { LoadedSource, SourceContext, SourceDefinition, SourceMeta, SourceOptions } from './types.js';
import { wandbSource } from './wandb/source.js';

export const SOURCES: readonly SourceDefinition[] = [fileSource, wandbSource, mlflowSource, optunaSource];

/** A source chosen by the user: its kind and its options by flag name. */
export interface SourceRequest {
  readonly kind: string;
  readonly options: SourceOptions;
}

export function sourceByKind(kind: string): SourceDefinition {
  const found = SOURCES.find((s) => s.kind === kind);
  if (!found)
    throw new UsageError(
      `unknown source ${JSON.stringify(kind)}: one of ${SOURCES.map((s) => s.kind).join(', ')}`,
    );
  return found;
}

/**
 * The source the given options select: exactly one selector flag, and no flag of another source
 * (a `--study` without `--optuna` is a mistake, not something to ignore). `values` are the parsed
 * flags (CLI) or inputs (action) by flag name.
 */
export function selectSource(
  values: Readonly<Record<string, unknown>>,
  say: (flag: string) => string = (f) => `--${f}`,
): SourceRequest {
  const given = (flag: string): boolean =>
    values[flag] !== undefined && values[flag] !== '' && values[flag] !== false;
  const chosen = SOURCES.filter((s) => given(s.selector));
  if (chosen.length !== 1) {
    const all = SOURCES.map((s) => `${say(s.selector)}${s.usage.slice(s.usage.indexOf(' '))}`);
    const got = chosen.length === 0 ? '' : ` (got ${chosen.map((s) => say(s.selector)).join(' and ')})`;
    throw new UsageError(`give one source: ${all.slice(0, -1).join(', ')} or ${all[all.length - 1]}${got}`);
  }
  const source = chosen[0];
  for (const other of SOURCES) {
    if (other === source) continue;
    for (const flag of Object.keys(other.flags)) {
      if (flag in source.flags || !given(flag)) continue;
      throw new UsageError(`${say(flag)} belongs to ${other.usage}, not to ${source.usage}`);
    }
  }
  const options: Record<string, string | boolean | undefined> = {};
  for (const flag of Object.keys(source.flags)) {
    const v = values[flag];
    if (typeof v === 'string' || typeof v === 'boolean') options[flag] = v;
    else if (typeof v === 'number') options[flag] = String(v);
  }
  return { kind: source.kind, options };
}

export async function loadSource(request: SourceRequest, ctx: SourceContext): Promise<LoadedSource> {
  return sourceByKind(request.kind).load(request.options, ctx);
}

/**
 * The sticky comment's default key: the source's stable key and the target, so reports on several
 * sources or targets coexist on one pull request (for a file or a W&B sweep, the same key as earlier
 * versions gave: existing comments keep their key).
 */
export function commentKeyOf(meta: Pick<SourceMeta, 'key'>, target: string): string {
  return `${meta.key} target=${target}`
    .replace(/[\r\n<>]+/g, '_')
    .replace(/-{2,}/g, '-')
    .slice(0, 200)
    .trim();
}
