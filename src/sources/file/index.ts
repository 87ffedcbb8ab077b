/** The runs-file source: `--runs FILE` (CSV, JSON, JSONL; `-` is standard input). */
import { readRunsFile } from '../read-runs.js';
import { NO_SEARCH, type SourceDefinition } from '../types.js';

export const fileSource: SourceDefinition = {
  kind: 'file',
  selector: 'runs',
  usage: '--runs FILE',
  flags: {
    runs: {
      type: 'string',
      input: 'runs-file',
      help: 'FILE  a runs table: CSV with a header row, JSON or JSONL; - reads standard input',
    },
  },
  async load(options, ctx) {
    const path = String(options.runs ?? '');
    ctx.onProgress(`reading ${path}`);
    const table = await readRunsFile(path);
    return {
      table,
      meta: {
        kind: 'file',
        what: 'runs file',
        label: path,
        name: null,
        url: null,
        state: null,
        ...NO_SEARCH,
        states: {},
        key: `runs=${path.replace(/\\/g, '/').replace(/^(\.\/)+/, '')}`,
        details: { path },
      },
    };
  },
};
