// One measurement of the benchmark (scripts/bench.mjs) in its own process, so that maxRSS is this
// fit's peak: loads a data file written by bench.mjs, fits the forest, prints one JSON line.
// usage: node scripts/bench-child.mjs MODULE_DIR DATA.bin N K TREES SEED THREADS
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [moduleDir, dataFile, nArg, kArg, treesArg, seedArg, threadsArg] = process.argv.slice(2);
const n = Number(nArg);
const k = Number(kArg);
const { fitExtraTreesAsync, toFeatureMatrix } = await import(
  pathToFileURL(join(resolve(moduleDir), 'src', 'forest', 'forest.js')).href
);
const buf = readFileSync(dataFile);
const all = new Float64Array(buf.buffer, buf.byteOffset, n * k + n);
const X = toFeatureMatrix(all.slice(0, n * k), n, k);
const y = all.slice(n * k);
const cpu0 = process.cpuUsage();
const t0 = performance.now();
const forest = await fitExtraTreesAsync(X, y, {
  trees: Number(treesArg),
  seed: Number(seedArg),
  threads: Number(threadsArg),
});
const seconds = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
const importances = Array.from(forest.featureImportances());
const nodes = forest.trees.reduce((s, t) => s + t.nodeCount, 0);
process.stdout.write(
  JSON.stringify({ seconds, cpuSeconds, maxRssKiB: process.resourceUsage().maxRSS, importances, nodes }) +
    '\n',
);
