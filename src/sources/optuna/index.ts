/** The Optuna source: `--optuna STORAGE --study NAME` (a journal file or sqlite:///path.db). */
import type { SourceDefinition } from '../types.js';
import { loadStudy } from './load-study.js';

export const optunaSource: SourceDefinition = {
  kind: 'optuna',
  selector: 'optuna',
  usage: '--optuna STORAGE --study NAME',
  flags: {
    optuna: {
      type: 'string',
      input: 'optuna-storage',
      help: 'STORAGE  an Optuna storage: a JournalStorage file, or sqlite:///relative.db / sqlite:////absolute.db',
    },
    study: {
      type: 'string',
      input: 'optuna-study',
      help: 'NAME  the study in it (required when it holds several; a wrong name lists them)',
    },
  },
  async load(options, ctx) {
    return loadStudy({
      storage: String(options.optuna ?? ''),
      study: typeof options.study === 'string' ? options.study : undefined,
      states: ctx.states,
      onProgress: ctx.onProgress,
    });
  },
};
