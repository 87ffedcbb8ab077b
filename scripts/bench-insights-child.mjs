// One measurement for scripts/bench.mjs: the base analysis (the notebook's statistics: correlations,
// OLS, 250 extra trees, Spearman, standardized OLS) and the insights (5-fold CV, permutation
// importance, advice, interactions) on one dataset, in this process. Prints one JSON line.
// usage: node scripts/bench-insights-child.mjs BUILD_DIR RUNS.csv TARGET PARAMS GOAL TREES [THREADS]
// (THREADS: worker threads for the forests and the permutations, default 1; 0 = one per core)
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [buildDir, runs, target, params, goal, treesArg, threadsArg = '1'] = process.argv.slice(2);
const load = (rel) => import(pathToFileURL(join(resolve(buildDir), rel)).href);
const { readRunsFile } = await load('src/sources/read-runs.js');
const { buildDesign } = await load('src/design/build-design.js');
const { computeResult } = await load('src/analysis/compute-result.js');
const { computeInsightsAsync } = await load('src/insights/compute-insights.js');

const trees = Number(treesArg);
const threads = Number(threadsArg);
const t0 = performance.now();
const design = buildDesign(await readRunsFile(runs), { target, params: params.split(',') });
const t1 = performance.now();
const { result } = await computeResult(design, { trees, seed: 0, threads });
const t2 = performance.now();
const insights = await computeInsightsAsync(design, {
  goal,
  trees,
  seed: 0,
  threads,
  logScaled: result.ols_standardized?.log_scaled,
});
const t3 = performance.now();
process.stdout.write(
  JSON.stringify({
    n: design.n,
    k: design.k,
    loadMs: t1 - t0,
    baseMs: t2 - t1,
    insightsMs: t3 - t2,
    cvR2: insights.quality.cvR2,
    maxRssKiB: process.resourceUsage().maxRSS,
  }) + '\n',
);
