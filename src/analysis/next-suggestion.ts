/**
 * What to try next, in the source's own terms, decided once for every output (the CLI's --next-sweep
 * file, the action's next-sweep-path, the report's section): an Optuna study's distributions (JSON)
 * when the study has a searched space of its own, else a W&B sweep config (YAML).
 */
import type { Analysis } from './analysis.js';

export interface NextSuggestion {
  readonly format: 'yaml' | 'json';
  /** The report's heading. */
  readonly heading: string;
  /** What the text is, for the reader (the report's fold). */
  readonly what: string;
  /** The file name the action writes it to. */
  readonly fileName: string;
  readonly text: string;
}

export function nextSuggestion(analysis: Pick<Analysis, 'nextStudy' | 'insights'>): NextSuggestion | null {
  if (analysis.nextStudy) {
    return {
      format: 'json',
      heading: 'Next study (Optuna distributions)',
      what: 'Optuna distributions (JSON, for optuna.distributions.json_to_distribution), narrowed to where the best runs are',
      fileName: 'next-study.json',
      text: analysis.nextStudy.json,
    };
  }
  const sweep = analysis.insights?.nextSweep;
  if (!sweep) return null;
  return {
    format: 'yaml',
    heading: 'Next sweep (W&B config)',
    what: 'sweep config (YAML), narrowed to where the best runs are',
    fileName: 'next-sweep.yaml',
    text: sweep.yaml,
  };
}
