/** The MLflow source: `--mlflow EXPERIMENT` against `--mlflow-tracking-uri` (or MLFLOW_TRACKING_URI). */
import { UsageError } from '../../errors.js';
import type { SourceDefinition } from '../types.js';
import { loadExperiment, type MetricAgg } from './load-experiment.js';

export const mlflowSource: SourceDefinition = {
  kind: 'mlflow',
  selector: 'mlflow',
  usage: '--mlflow EXPERIMENT',
  flags: {
    mlflow: {
      type: 'string',
      input: 'mlflow-experiment',
      help:
        'EXPERIMENT  an MLflow experiment, by name or id; credentials from MLFLOW_TRACKING_TOKEN,\n' +
        'or MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD',
    },
    'mlflow-tracking-uri': {
      type: 'string',
      input: 'mlflow-tracking-uri',
      help: 'URI  the MLflow tracking server, http(s) (default MLFLOW_TRACKING_URI)',
    },
    'metric-agg': {
      type: 'string',
      input: 'metric-agg',
      default: 'last',
      help:
        "last|min|max  each run's value of the target: the last logged (default), or the min or max\n" +
        'of its history (MLflow)',
    },
  },
  async load(options, ctx) {
    const agg = options['metric-agg'];
    if (agg !== undefined && agg !== 'last' && agg !== 'min' && agg !== 'max') {
      throw new UsageError(`--metric-agg must be one of last, min, max, got ${JSON.stringify(agg)}`);
    }
    return loadExperiment(
      {
        experiment: String(options.mlflow ?? ''),
        trackingUri:
          typeof options['mlflow-tracking-uri'] === 'string' ? options['mlflow-tracking-uri'] : undefined,
        metricAgg: agg as MetricAgg | undefined,
        target: ctx.target,
        states: ctx.states,
        onProgress: ctx.onProgress,
      },
      ctx.env,
    );
  },
};
