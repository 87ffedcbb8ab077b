/**
 * The bundled example sweeps (examples/NAME/{runs.csv, params.txt, target.txt, SOURCE.md, LICENSE}), found
 * from the bundle (dist/cli.js) or the sources (src/cli/): `demo [NAME]` runs one with its own target, goal
 * and hyperparameters; `demo --list` lists them.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nearest } from '../names.js';
import { UsageError } from '../errors.js';
import type { Goal } from '../design/types.js';

/** The default demo: `demo` without a name. */
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

/** One line each for `demo --list`; an example without one gets the first sentence of its SOURCE.md. */
const SUMMARIES: Record<string, string> = {
  'mnist-pytorch': 'random search, PyTorch MNIST networks; the default',
  'hiplot-ml1': "HiPlot's demo sweep of a language model",
  'digits-sklearn': 'random search, scikit-learn MLP on digits',
  'optuna-fashionmnist': 'Optuna TPE, PyTorch MLP on FashionMNIST',
  'cave-sklearn-mlp': 'BOHB (multi-fidelity), scikit-learn MLP',
  'hpbandster-mnist-cnn': 'BOHB (epochs 1/3/9), Keras CNN on MNIST',
  'eeg-tcn-bohb': 'BOHB (five budgets), a TCN on EEG recordings',
  'random-control': 'a random metric: nothing should matter',
  'autosklearn-wide': 'auto-sklearn meta-data: 168 sparse columns, a stress test',
};

export interface Example {
  name: string;
  /** examples/NAME */
  dir: string;
  runs: string;
  target: string;
  goal: Goal;
  params: string[];
  /** Data rows of runs.csv. */
  rows: number;
  summary: string;
}

export function examplesDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const candidate = join(dir, 'examples');
    if (existsSync(join(candidate, DEMO.dataset, 'runs.csv'))) return candidate;
    dir = resolve(dir, '..');
  }
  throw new Error('the bundled examples/ folder is missing beside the program; reinstall sweep-insights');
}

/** Every folder of examples/ with a runs.csv, params.txt and target.txt, by name. */
export function listExamples(root: string = examplesDir()): Example[] {
  return readdirSync(root, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .filter((name) => ['runs.csv', 'params.txt', 'target.txt'].every((f) => existsSync(join(root, name, f))))
    .sort()
    .map((name) => readExample(root, name));
}

function readExample(root: string, name: string): Example {
  const dir = join(root, name);
  // target.txt: "TARGET GOAL" (the goal optional: the name then decides, as for analyze)
  const [target, goalText] = readFileSync(join(dir, 'target.txt'), 'utf8').trim().split(/\s+/);
  const goal: Goal = goalText === 'minimize' ? 'minimize' : 'maximize';
  const params = readFileSync(join(dir, 'params.txt'), 'utf8')
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
  const runs = join(dir, 'runs.csv');
  const text = readFileSync(runs, 'utf8');
  const lines = text.split('\n').filter((l) => l.trim() !== '').length;
  return {
    name,
    dir,
    runs,
    target,
    goal,
    params,
    rows: Math.max(0, lines - 1),
    summary: SUMMARIES[name] ?? firstSentence(dir),
  };
}

function firstSentence(dir: string): string {
  const path = join(dir, 'SOURCE.md');
  if (!existsSync(path)) return '';
  const paragraph = readFileSync(path, 'utf8')
    .split('\n')
    .find((l) => l.trim() !== '' && !l.startsWith('#') && !l.startsWith('-'));
  const sentence = (paragraph ?? '').split(/(?<=\.)\s/)[0].trim();
  return sentence.length > 90 ? `${sentence.slice(0, 89)}…` : sentence;
}

/** The example `demo NAME` runs (the default demo without a name); an unknown name lists the others. */
export function findExample(name: string | undefined, root: string = examplesDir()): Example {
  const wanted = name ?? DEMO.dataset;
  const all = listExamples(root);
  const found = all.find((e) => e.name === wanted);
  if (found) return found;
  const names = all.map((e) => e.name);
  const guess = nearest(wanted, names);
  const hint = guess !== null ? ` (did you mean ${guess}?)` : '';
  throw new UsageError(
    `no bundled example named ${JSON.stringify(wanted.slice(0, 80))}${hint}: one of ${names.join(', ')} (sweep-insights demo --list)`,
  );
}

/** `demo --list`: one line per example, then how to run one and how to run the same on your own data. */
export function describeExamples(root: string = examplesDir()): string {
  const all = listExamples(root);
  const width = Math.max(...all.map((e) => e.name.length));
  const lines = all.map((e) => {
    const what = `${e.rows.toLocaleString('en-US')} runs, ${e.params.length} hyperparameters, ${e.goal} ${e.target}`;
    return `  ${e.name.padEnd(width)}  ${e.summary} (${what})`;
  });
  return [
    'Bundled example sweeps (examples/NAME: runs.csv, params.txt, target.txt, SOURCE.md, LICENSE):',
    '',
    ...lines,
    '',
    'Run one:           sweep-insights demo NAME',
    'The same, by hand: sweep-insights analyze --runs examples/NAME/runs.csv \\',
    '                     --target TARGET --goal GOAL --params "$(cat examples/NAME/params.txt)"',
    '                   (TARGET and GOAL as in examples/NAME/target.txt); then use your own runs file.',
    '',
  ].join('\n');
}
