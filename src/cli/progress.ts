/** Progress on stderr, only when it is a terminal and the work takes more than a moment. */
export interface Progress {
  update: (message: string) => void;
  done: () => void;
}

export function progressReporter(enabled: boolean, write: (text: string) => void, delayMs = 1000): Progress {
  if (!enabled) return { update: () => {}, done: () => {} };
  const started = Date.now();
  let shown = false;
  let last = '';
  return {
    update(message) {
      last = message;
      if (Date.now() - started < delayMs && !shown) return;
      shown = true;
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      write(`\r\x1b[2K[${seconds}s] ${last}`);
    },
    done() {
      if (shown) write('\r\x1b[2K');
    },
  };
}
