import type { Logger } from 'pino';

/**
 * Runs `work` every `intervalMs` in the background until stop(); a run still going when the next is
 * due is not overlapped, and a failed run is logged and tried again at the next tick.
 */
export function createPoller(work: () => Promise<unknown>, opts: { name: string; logger: Logger; enabled: () => boolean }) {
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<unknown> | null = null;
  return {
    start(intervalMs: number) {
      if (timer || !opts.enabled()) return;
      timer = setInterval(() => {
        if (running) return;
        running = work()
          .catch((err) => opts.logger.error({ err }, `${opts.name} run failed`))
          .finally(() => {
            running = null;
          });
      }, intervalMs);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = null;
      await running;
    },
  };
}
