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
      help: 'STORAGE  an Optuna storage: a JournalStorage file, sqlite:///relative.db or\nsqlite:////absolute/path.db',
    },
    study: {
      type: 'string',
      input: 'optuna-study',
      help: 'NAME  the study (needed when the storage holds several; a wrong name lists them)',
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
