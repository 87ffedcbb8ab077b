/** Where the bundled example sweep lives, from the bundle (dist/cli.js) or the sources (src/cli/). */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const DEMO = {
  dataset: 'mnist-pytorch',
  target: 'accuracy',
  params: [
    'activation',
    'batch_size',
    'dropout_rate',
    'learning_rate',
    'model',
    'num_neurons_layer1',
    'num_neurons_layer2',
  ],
} as const;

export function examplesDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const candidate = join(dir, 'examples');
    if (existsSync(join(candidate, DEMO.dataset, 'runs.csv'))) return candidate;
    dir = resolve(dir, '..');
  }
  throw new Error('the bundled examples/ folder is missing beside the program; reinstall sweep-insights');
}
