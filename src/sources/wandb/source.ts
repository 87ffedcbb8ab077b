/** The W&B source: `--sweep ENTITY/PROJECT/SWEEP_ID` (or its page URL), key from WANDB_API_KEY. */
import { UsageError } from '../../errors.js';
import type { SourceDefinition, SourceMeta } from '../types.js';
import { loadSweep } from './load-sweep.js';
import { parseSweepRef } from './sweep-ref.js';

export const wandbSource: SourceDefinition = {
  kind: 'wandb',
  selector: 'sweep',
  usage: '--sweep ENTITY/PROJECT/SWEEP_ID',
  flags: {
    sweep: {
      type: 'string',
      input: 'sweep',
      help: 'SWEEP  a W&B sweep: ENTITY/PROJECT/SWEEP_ID or its page URL (API key from WANDB_API_KEY)',
    },
    'wandb-base-url': {
      type: 'string',
      input: 'wandb-base-url',
      help: 'URL  W&B server (default WANDB_BASE_URL or https://api.wandb.ai)',
    },
    wait: {
      type: 'boolean',
      input: 'wait',
      help: 'poll until the sweep is FINISHED or CANCELED before analysing',
    },
    'wait-timeout': {
      type: 'string',
      input: 'wait-timeout',
      help: 'MINUTES  give up waiting after this long (default 60; exit code 3)',
    },
  },
  async load(options, ctx) {
    const ref = parseSweepRef(String(options.sweep ?? ''));
    const timeout = options['wait-timeout'];
    const minutes = typeof timeout === 'string' ? Number(timeout) : undefined;
    if (minutes !== undefined && !(Number.isFinite(minutes) && minutes > 0)) {
      throw new UsageError(`--wait-timeout must be a positive number, got ${JSON.stringify(timeout)}`);
    }
    ctx.onProgress(`reading sweep ${ref.entity}/${ref.project}/${ref.id} from W&B`);
    const loaded = await loadSweep(ref, {
      apiKey: ctx.env.WANDB_API_KEY,
      baseUrl:
        typeof options['wandb-base-url'] === 'string' ? options['wandb-base-url'] : ctx.env.WANDB_BASE_URL,
      states: ctx.states ? [...ctx.states] : undefined,
      wait: options.wait === true,
      waitTimeoutMinutes: minutes,
      onProgress: ctx.onProgress,
    });
    const s = loaded.sweep;
    const label = `${s.entity}/${s.project}/${s.id}`;
    const meta: SourceMeta = {
      kind: 'wandb',
      what: 'W&B sweep',
      label,
      name: s.name,
      url: s.url,
      state: s.state,
      method: s.method,
      objective: s.metric,
      targetReading: null,
      objectives: s.metric ? [s.metric] : [],
      parameters: s.parameters,
      space: null,
      config: s.config,
      states: s.states,
      key: `sweep=${label}`,
      details: { entity: s.entity, project: s.project, id: s.id, sweep: s },
    };
    return { table: loaded.table, meta };
  },
};
