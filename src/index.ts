/** The GitHub Action's entry (bundled to dist/index.js, run by the runner with node24). */
import { run } from './action/main.js';

// setFailed has set 1; the action's own codes say more (2 usage, 3 remote, 4 internal).
run().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(err);
    process.exitCode = 4;
  },
);
