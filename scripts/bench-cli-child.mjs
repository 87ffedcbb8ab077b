// One measurement for scripts/bench.mjs: the bundled CLI (dist/cli.js) in this process, as a user runs
// it; prints its wall time and this process's peak memory (worker threads included) as the last line.
// usage: node scripts/bench-cli-child.mjs CLI.js ARGS...
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [cli, ...args] = process.argv.slice(2);
process.argv = [process.argv[0], resolve(cli), ...args];
const t0 = performance.now();
process.on('exit', (code) => {
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage();
  process.stdout.write(
    '\n' +
      JSON.stringify({
        seconds,
        cpuSeconds: (cpu.user + cpu.system) / 1e6,
        maxRssKiB: process.resourceUsage().maxRSS,
        exitCode: code,
      }) +
      '\n',
  );
});
await import(pathToFileURL(resolve(cli)).href);
