import { processTreeMemoryBytes } from '../../src/capture/process-memory.ts';

/**
 * Samples the memory (PSS, as the browser host's recycling counts it) of `pid` and every process under it — a
 * worker and its Chromium — every `everyMs` until stopped; returns the peak and the last sample, in bytes.
 */
export function sampleTreePss(pid: number, everyMs = 250): { stop(): Promise<{ peak: number; last: number }> } {
  let peak = 0;
  let last = 0;
  const take = async () => {
    last = await processTreeMemoryBytes(pid);
    peak = Math.max(peak, last);
  };
  let pending = take();
  const timer = setInterval(() => {
    pending = pending.then(take);
  }, everyMs);
  return {
    async stop() {
      clearInterval(timer);
      await pending.then(take);
      return { peak, last };
    },
  };
}
