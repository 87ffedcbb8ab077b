/** A sweep's config (YAML text on the server): its parameters, metric and method. */
import { parse as parseYaml } from 'yaml';
import type { Goal } from '../types.js';

/** Parses the sweep config; null when it is empty or not a YAML mapping (the caller says so). */
export function parseSweepConfig(text: string | null | undefined): Record<string, unknown> | null {
  if (text === null || text === undefined || text.trim() === '') return null;
  let value: unknown;
  try {
    value = parseYaml(text);
  } catch {
    return null;
  }
  return isObject(value) ? value : null;
}

/**
 * The hyperparameters of a sweep config: the keys of its `parameters` block, nested blocks
 * (`{parameters: {...}}` inside a parameter) flattened with dots, as the runs' config keys are.
 */
export function sweepParameters(config: Record<string, unknown>): string[] {
  const out: string[] = [];
  const walk = (block: unknown, prefix: string): void => {
    if (!isObject(block)) return;
    for (const [key, spec] of Object.entries(block)) {
      const name = prefix === '' ? key : `${prefix}.${key}`;
      if (isObject(spec) && isObject(spec.parameters)) walk(spec.parameters, name);
      else out.push(name);
    }
  };
  walk(config.parameters, '');
  return out;
}

/** `metric: {name, goal}`; goal minimize unless it says maximize (W&B's default). */
export function sweepMetric(config: Record<string, unknown> | null): { name: string; goal: Goal } | null {
  const metric = config?.metric;
  if (!isObject(metric) || typeof metric.name !== 'string' || metric.name.trim() === '') return null;
  const goal =
    typeof metric.goal === 'string' && metric.goal.toLowerCase() === 'maximize' ? 'maximize' : 'minimize';
  return { name: metric.name, goal };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
