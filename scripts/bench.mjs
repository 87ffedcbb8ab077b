#!/usr/bin/env node
// Benchmark: our extra-trees forest against scikit-learn's ExtraTreesRegressor on the same data.
//
//   npm run bench                      # both sizes, 250 trees
//   node scripts/bench.mjs --quick     # smaller sizes, 50 trees (a smoke run)
//   node scripts/bench.mjs --trees 100 --no-python
//   npm run bench -- --large           # also the CLI's default report on 100,000 runs × 50 (minutes)
//
// For each data set (fixed seed: 5,000 runs × 20 columns and 20,000 × 40, some of them one-hot
// dummies of categorical hyperparameters) it fits our forest (seed 0) on one thread and on all cores,
// and scikit-learn 1.x (n_jobs=1 and n_jobs=-1) with the first python3 that imports sklearn
// (Debian's /usr/bin/python3 first). Each measurement runs in its own process, so the peak memory
// (our maxRSS, Python's ru_maxrss) is that fit's. It prints wall times, ratios, peak memory, and the
// largest difference between the importances (0 when the trees are the same).
//
// The sources are compiled with tsc into build/bench (only src/forest and what it imports), so this
// works from a fresh clone after `npm ci`. Other timings plug in as sections (see SECTIONS below).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const BUILD = join(ROOT, 'build', 'bench');

const argv = process.argv.slice(2);
const flag = (name) => argv.includes(name);
const option = (name, fallback) => {
  const i = argv.indexOf(name);
  return i >= 0 && i + 1 < argv.length ? argv[i + 1] : fallback;
};

/** Compiles the forest (and the CV helper) with tsc into build/bench. */
export function compile() {
  const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const files = [
    'src/forest/forest.ts',
    'src/forest/worker.ts',
    'src/insights/cv-r2.ts',
    // the whole analysis, for the insights-vs-base section
    'src/sources/read-runs.ts',
    'src/design/build-design.ts',
    'src/analysis/compute-result.ts',
    'src/insights/compute-insights.ts',
  ].map((f) => join(ROOT, f));
  execFileSync(
    process.execPath,
    [
      tsc,
      ...files,
      '--outDir',
      BUILD,
      '--rootDir',
      ROOT,
      '--module',
      'nodenext',
      '--moduleResolution',
      'nodenext',
      '--target',
      'es2022',
      '--skipLibCheck',
      '--types',
      'node',
      '--strict',
    ],
    { stdio: 'inherit' },
  );
}

/**
 * A sweep-like data set with a fixed seed: numeric hyperparameters (uniform, log-uniform, integer)
 * and categoricals one-hot encoded, a target that depends on a few of them plus noise.
 * Returns column-major float64 X and y.
 */
export async function makeData(n, numeric, categorical) {
  const { MT19937 } = await import(pathToFileURL(join(BUILD, 'src', 'forest', 'random.js')).href);
  const rng = new MT19937(12345);
  const u = () => rng.nextUint32() / 4294967296;
  const cols = [];
  for (let j = 0; j < numeric; j++) {
    const c = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      if (j % 4 === 1)
        c[i] = 10 ** (-5 + 4 * u()); // learning-rate like
      else if (j % 4 === 2)
        c[i] = 16 * (1 + Math.floor(u() * 32)); // integer: units, batch size
      else if (j % 4 === 3)
        c[i] = Math.round(u() * 10) / 20; // coarse: dropout in 0.05 steps
      else c[i] = u();
    }
    cols.push(c);
  }
  const codes = [];
  for (const levels of categorical) {
    const code = Int32Array.from({ length: n }, () => Math.floor(u() * levels));
    codes.push(code);
    for (let l = 0; l < levels; l++) cols.push(Float64Array.from(code, (c) => (c === l ? 1 : 0)));
  }
  const k = cols.length;
  const X = new Float64Array(n * k);
  cols.forEach((c, j) => X.set(c, j * n));
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const lr = Math.log10(cols[1][i]);
    y[i] =
      0.9 -
      0.08 * (lr + 3) ** 2 +
      0.1 * cols[0][i] -
      0.2 * (cols[3][i] - 0.2) ** 2 +
      (codes.length ? 0.05 * codes[0][i] : 0) +
      0.03 * (u() - 0.5);
  }
  return { n, k, X, y };
}

function writeData(name, d) {
  const file = join(BUILD, `${name}.bin`);
  const all = new Float64Array(d.n * d.k + d.n);
  all.set(d.X);
  all.set(d.y, d.n * d.k);
  writeFileSync(file, Buffer.from(all.buffer));
  return file;
}

/** Runs a command, parses its last stdout line as JSON. */
export function timeChild(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0)
    throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr.trim().slice(-800)}`);
  const lines = r.stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]);
}

const SKLEARN = `
import json, resource, sys, time
import numpy as np
from sklearn.ensemble import ExtraTreesRegressor
path, n, k, trees, jobs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
a = np.fromfile(path, dtype='<f8')
X = a[:n * k].reshape(k, n).T.copy()   # C order, as a DataFrame's .values
y = a[n * k:].copy()
t = time.perf_counter()
c = time.process_time()
f = ExtraTreesRegressor(n_estimators=trees, random_state=0, n_jobs=jobs).fit(X, y)
seconds = time.perf_counter() - t
cpu = time.process_time() - c
imp = f.feature_importances_
print(json.dumps({"seconds": seconds, "cpuSeconds": cpu, "maxRssKiB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                  "importances": [float(v) for v in imp], "nodes": int(sum(e.tree_.node_count for e in f.estimators_))}))
`;

/** The first python3 that imports sklearn: Debian's first, then the PATH. */
export function findPython() {
  const candidates = ['/usr/bin/python3'];
  const which = spawnSync('which', ['-a', 'python3'], { encoding: 'utf8' });
  if (which.status === 0) candidates.push(...which.stdout.split('\n').filter(Boolean));
  for (const py of candidates) {
    if (!existsSync(py)) continue;
    const r = spawnSync(py, ['-c', 'import sklearn; print(sklearn.__version__)'], { encoding: 'utf8' });
    if (r.status === 0) return { python: py, version: r.stdout.trim() };
  }
  return null;
}

const mib = (kib) => `${(kib / 1024).toFixed(0)} MiB`;
const secs = (s) => `${s.toFixed(2)} s`;

/** Section: our forest vs scikit-learn on generated data. */
export async function benchForest({ trees, sizes, python }) {
  const cores = availableParallelism();
  for (const size of sizes) {
    const d = await makeData(size.n, size.numeric, size.categorical);
    const file = writeData(`data-${size.n}x${d.k}`, d);
    console.log(
      `\n## ${size.n.toLocaleString('en')} runs × ${d.k} columns (${size.numeric} numeric, ` +
        `categoricals ${size.categorical.join('+')} levels one-hot), ${trees} trees, seed 0`,
    );
    const rows = [];
    const child = join(ROOT, 'scripts', 'bench-child.mjs');
    const ours = (threads) => timeChild(process.execPath, [child, BUILD, file, d.n, d.k, trees, 0, threads]);
    rows.push(['ours, 1 thread', ours(1)]);
    if (cores > 1) rows.push([`ours, ${cores} threads`, ours(cores)]);
    if (python) {
      const sk = (jobs) => timeChild(python.python, ['-c', SKLEARN, file, d.n, d.k, trees, jobs]);
      rows.push(['scikit-learn n_jobs=1', sk(1)]);
      if (cores > 1) rows.push([`scikit-learn n_jobs=-1 (${cores} cores)`, sk(-1)]);
    }
    const base = rows.find(([name]) => name === 'scikit-learn n_jobs=1')?.[1];
    const ref = rows[0][1];
    console.log(
      '| fit | wall time | vs sklearn n_jobs=1 | CPU time | vs sklearn n_jobs=1 | peak memory (RSS) | nodes | max abs Δ importance vs ours 1 thread |',
    );
    console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const [name, r] of rows) {
      const diff = Math.max(...r.importances.map((v, j) => Math.abs(v - ref.importances[j])));
      const ratio = (a, b) => (base ? `${(a / b).toFixed(2)}×` : 'n/a');
      console.log(
        `| ${name} | ${secs(r.seconds)} | ${ratio(r.seconds, base?.seconds)} | ${secs(r.cpuSeconds)} | ` +
          `${ratio(r.cpuSeconds, base?.cpuSeconds)} | ${mib(r.maxRssKiB)} | ${r.nodes} | ${diff.toExponential(1)} |`,
      );
    }
    if (base) {
      const diff = Math.max(...base.importances.map((v, j) => Math.abs(v - ref.importances[j])));
      console.log(
        `importances ${diff <= 1e-9 ? 'identical' : 'DIFFER'} (max abs diff ${diff.toExponential(2)})`,
      );
      const one = ref.seconds / base.seconds;
      console.log(
        `goal (issue 11): one thread at most 0.5× scikit-learn's n_jobs=1: ${one <= 0.5 ? 'met' : 'NOT met'} (${one.toFixed(2)}×)`,
      );
      const all = rows.find(([name]) => name === `ours, ${cores} threads`)?.[1];
      const skAll = rows.find(([name]) => name.startsWith('scikit-learn n_jobs=-1'))?.[1];
      if (all && skAll) {
        const r = all.seconds / skAll.seconds;
        console.log(
          `goal (issue 11): all cores at most scikit-learn's n_jobs=-1: ${r <= 1 ? 'met' : 'NOT met'} (${r.toFixed(2)}×)`,
        );
      }
    }
  }
}

// Sections run in order. To time something else (e.g. the insights vs the base analysis on
// mnist-pytorch), add `async (ctx) => { ... }` here; ctx has { trees, python, quick, large, root, build },
// and timeChild(cmd, args) runs one measurement in its own process (last stdout line = JSON).
export const SECTIONS = [(ctx) => benchForest(ctx), (ctx) => benchInsights(ctx), (ctx) => benchCli(ctx)];

/**
 * The Python notebook's analysis (scripts/oracle/sweep_oracle.py: pandas, statsmodels, scikit-learn
 * n_jobs=1, as the notebook runs) on a runs CSV, timed from the start of the process (imports
 * included, as a notebook run pays them): { seconds, cpuSeconds, maxRssKiB }.
 */
export function timeNotebook(python, csv, target, params, trees) {
  const oracle = join(ROOT, 'scripts', 'oracle', 'sweep_oracle.py');
  const script =
    'import io, json, resource, runpy, sys, time, contextlib\n' +
    't = time.perf_counter(); c = time.process_time()\n' +
    `sys.argv = ["sweep_oracle.py", ${JSON.stringify(csv)}, "--target", ${JSON.stringify(target)}, ` +
    `"--params", ${JSON.stringify(params)}, "--trees", "${trees}"]\n` +
    'with contextlib.redirect_stdout(io.StringIO()):\n' +
    `    runpy.run_path(${JSON.stringify(oracle)}, run_name="__main__")\n` +
    'print(json.dumps({"seconds": time.perf_counter() - t, "cpuSeconds": time.process_time() - c, ' +
    '"maxRssKiB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))\n';
  return timeChild(python.python, ['-c', script]);
}

/**
 * A generated sweep as a CSV (fixed seed): `p` hyperparameters, every fifth categorical (3–5 levels),
 * every fifth numeric one conditional (blank unless the first categorical is `c0`, as a momentum only
 * an SGD run has), the others uniform, log-uniform or integer; a target from a few of them plus noise.
 */
export async function makeSweepCsv(file, n, p) {
  const { MT19937 } = await import(pathToFileURL(join(BUILD, 'src', 'forest', 'random.js')).href);
  const rng = new MT19937(2026);
  const u = () => rng.nextUint32() / 4294967296;
  const names = Array.from({ length: p }, (_, j) => `hp${j}`);
  const lines = [['run', ...names, 'loss'].join(',')];
  const row = new Array(p);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < p; j++) {
      if (j % 5 === 4) row[j] = `c${Math.floor(u() * (3 + (j % 3)))}`;
      else if (j % 5 === 1) row[j] = (10 ** (-5 + 4 * u())).toPrecision(4);
      else if (j % 5 === 2) row[j] = String(16 * (1 + Math.floor(u() * 32)));
      else if (j % 5 !== 3) row[j] = u().toFixed(4);
    }
    // the conditional ones once this run's categoricals are drawn
    for (let j = 3; j < p; j += 5) row[j] = p > 4 && row[4] !== 'c0' ? '' : (u() * 0.9).toFixed(3);
    const lr = p > 1 ? Math.log10(Number(row[1])) : 0;
    const loss =
      0.3 + 0.05 * (lr + 3) ** 2 + 0.1 * Number(row[0]) + (row[4] === 'c1' ? 0.04 : 0) + 0.02 * u();
    lines.push([`r${i}`, ...row, loss.toFixed(5)].join(','));
  }
  writeFileSync(file, lines.join('\n') + '\n');
  return names;
}

/**
 * The whole CLI (the bundle, dist/cli.js; `npm run build` first) on generated sweeps, beside the
 * Python notebook (scripts/oracle/sweep_oracle.py: pandas, statsmodels, scikit-learn, one thread as the
 * notebook runs): 5,000 runs × 20 hyperparameters with --no-insights and with the default report;
 * with --large also 100,000 × 50 with the default report (many minutes on 2 cores).
 */
export async function benchCli({ trees, python, quick, large }) {
  const cli = join(ROOT, 'dist', 'cli.js');
  if (!existsSync(cli)) {
    console.log('\n## CLI: skipped (no dist/cli.js: run npm run build)');
    return;
  }
  const child = join(ROOT, 'scripts', 'bench-cli-child.mjs');
  const cores = availableParallelism();
  const sizes = quick
    ? [[1000, 10]]
    : large
      ? [
          [5000, 20],
          [100000, 50],
        ]
      : [[5000, 20]];
  for (const [n, p] of sizes) {
    const csv = join(BUILD, `sweep-${n}x${p}.csv`);
    const names = await makeSweepCsv(csv, n, p);
    const params = names.join(',');
    const analyze = (extra) =>
      timeChild(process.execPath, [
        child,
        cli,
        'analyze',
        '--runs',
        csv,
        ...['--target', 'loss', '--params', params, '--trees', String(trees), '--quiet'],
        ...['--json', join(BUILD, `cli-${n}x${p}.json`), ...extra],
      ]);
    console.log(
      `\n## the CLI on a generated sweep: ${n.toLocaleString('en')} runs × ${p} hyperparameters ` +
        `(${p - Math.floor(p / 5)} numeric, ${Math.floor(p / 5)} categorical, some conditional), ${trees} trees, ${cores} threads`,
    );
    console.log('| run | wall time | CPU time | peak memory (RSS) | vs the Python notebook (wall) |');
    console.log('| --- | ---: | ---: | ---: | ---: |');
    const notebook = python && n <= 20000 ? timeNotebook(python, csv, 'loss', params, trees) : null;
    const rows = [];
    rows.push(['CLI --no-insights (the notebook analysis)', analyze(['--no-insights'])]);
    rows.push(['CLI, default report (with the insights)', analyze([])]);
    if (notebook) rows.push(['Python notebook (pandas + statsmodels + scikit-learn n_jobs=1)', notebook]);
    for (const [name, r] of rows) {
      const vs = notebook ? `${(r.seconds / notebook.seconds).toFixed(2)}×` : 'n/a';
      console.log(`| ${name} | ${secs(r.seconds)} | ${secs(r.cpuSeconds)} | ${mib(r.maxRssKiB)} | ${vs} |`);
    }
    const report = rows[1][1];
    if (n >= 100000) {
      const ok = report.seconds < 120 && report.maxRssKiB < 1024 * 1024;
      console.log(
        `goal (issue 11): the default report under 120 s and 1 GB: ${ok ? 'met' : 'NOT met'} ` +
          `(${secs(report.seconds)}, ${mib(report.maxRssKiB)})`,
      );
    } else if (notebook) {
      const base = rows[0][1];
      console.log(
        `goal (issue 11): the notebook's analysis at most the notebook's time: ` +
          `${base.seconds <= notebook.seconds ? 'met' : 'NOT met'} (${(base.seconds / notebook.seconds).toFixed(2)}×)`,
      );
    }
  }
}

/**
 * The insights' budget (issue 11: they add at most 1.5× the notebook's analysis time on
 * mnist-pytorch, 2,383 runs used): base analysis and insights on one thread and on all cores.
 * Best of three, each in its own process.
 */
export async function benchInsights({ trees, python }) {
  const dir = join(ROOT, 'examples', 'mnist-pytorch');
  const params =
    'activation,batch_size,dropout_rate,learning_rate,model,num_neurons_layer1,num_neurons_layer2';
  const child = join(ROOT, 'scripts', 'bench-insights-child.mjs');
  const cores = availableParallelism();
  const notebook = python ? timeNotebook(python, join(dir, 'runs.csv'), 'accuracy', params, trees) : null;
  for (const threads of cores > 1 ? [1, cores] : [1]) {
    const runs = [];
    for (let i = 0; i < 3; i++) {
      runs.push(
        timeChild(process.execPath, [
          child,
          BUILD,
          join(dir, 'runs.csv'),
          'accuracy',
          params,
          'maximize',
          trees,
          threads,
        ]),
      );
    }
    const best = runs.reduce((a, b) => (b.baseMs + b.insightsMs < a.baseMs + a.insightsMs ? b : a));
    const ratio = best.insightsMs / best.baseMs;
    console.log(
      `\n## insights vs base analysis: mnist-pytorch (${best.n} runs × ${best.k} columns, ${trees} trees, ` +
        `${threads} thread${threads > 1 ? 's' : ''})`,
    );
    console.log(`load + design       ${best.loadMs.toFixed(0).padStart(7)} ms`);
    console.log(
      `base analysis       ${best.baseMs.toFixed(0).padStart(7)} ms  (correlations, OLS, forest, Spearman, standardized OLS)`,
    );
    console.log(
      `insights            ${best.insightsMs.toFixed(0).padStart(7)} ms  (5-fold CV, permutation importance, advice, interactions)`,
    );
    console.log(
      `ratio               ${ratio.toFixed(2).padStart(7)}×    peak RSS ${(best.maxRssKiB / 1024).toFixed(0)} MiB`,
    );
    console.log(
      `goal (issue 11): the insights add at most 1.5× the base analysis: ${ratio <= 1.5 ? 'met' : 'NOT met'} ` +
        `(${ratio.toFixed(2)}×)`,
    );
    if (notebook) {
      console.log(
        `Python notebook     ${(notebook.seconds * 1000).toFixed(0).padStart(7)} ms  (sweep_oracle.py, imports ` +
          `included; the insights take ${(best.insightsMs / 1000 / notebook.seconds).toFixed(2)}× that)`,
      );
    }
  }
}

async function main() {
  const quick = flag('--quick');
  const large = flag('--large');
  const trees = Number(option('--trees', quick ? 50 : 250));
  const sizes = quick
    ? [
        { n: 1000, numeric: 14, categorical: [3, 3] },
        { n: 4000, numeric: 32, categorical: [4, 4] },
      ]
    : [
        { n: 5000, numeric: 14, categorical: [3, 3] },
        { n: 20000, numeric: 32, categorical: [4, 4] },
      ];
  mkdirSync(BUILD, { recursive: true });
  compile();
  const python = flag('--no-python') ? null : findPython();
  console.log(`# sweep-insights forest benchmark`);
  console.log(
    `node ${process.version}, ${availableParallelism()} cores, load average ` +
      `${loadavg()
        .map((v) => v.toFixed(1))
        .join(' ')} (other processes slow the wall times: compare CPU times too); ` +
      (python
        ? `scikit-learn ${python.version} (${python.python})`
        : 'scikit-learn: skipped (no python3 imports sklearn)'),
  );
  const ctx = { trees, sizes, python, quick, large, root: ROOT, build: BUILD };
  for (const section of SECTIONS) await section(ctx);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
