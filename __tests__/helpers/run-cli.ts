/** The CLI run in process (src/cli/main.ts, no dist/ rebuild needed), its output collected. */
import { main } from '../../src/cli/main.js';

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `args` with `env` as the whole environment (none by default) and stderr not a terminal. */
export async function runCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    env,
    stderrIsTty: false,
  });
  return { code, stdout, stderr };
}
