#!/usr/bin/env node
// The command-line entry: `node dist/cli.js analyze ...`. Everything happens in src/cli/main.ts.
import { main } from './cli/main.js';

const code = await main(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
  stderrIsTty: Boolean(process.stderr.isTTY),
  stdoutColumns: process.stdout.isTTY ? process.stdout.columns : undefined,
});
process.exitCode = code;
