import type { Logger } from 'pino';
import type { CaptureFailure } from '../page-data/capture-result.ts';
import { childPids, chromiumProcessType, processMemoryBytes, processTree, residentBytes } from './process-memory.ts';

/** A renderer ended for holding more memory than one capture may. */
export interface RendererKill {
  pid: number;
  /** Its PSS when it was read, in bytes. */
  bytes: number;
  limitBytes: number;
  /** When it was killed (epoch ms). */
  at: number;
}

/** The capture error of a page whose renderer was killed: `too_large`, saying it was memory and the limit. */
export function overMemory(kill: RendererKill): CaptureFailure {
  const mb = (bytes: number): number => Math.round(bytes / 2 ** 20);
  return {
    code: 'too_large',
    message: `the page held ${mb(kill.bytes)} MB of memory, over the ${mb(kill.limitBytes)} MB one capture may use (SCRUBWATCH_CAPTURE_MAX_MEMORY); its renderer was stopped`,
  };
}

/**
 * Watches the memory of each renderer of one browser while captures run, and kills a renderer that holds more
 * than `limitBytes`. A renderer serves one browser context only (contexts never share one, and with site isolation
 * off every frame of a page is in its page's renderer), so the kill ends exactly the capture that grew and no
 * other; that capture's page sees a crash and asks `claim` whether memory was why.
 */
export interface RendererMemoryWatch {
  /** A capture starts on this browser: the watch runs while at least one does. */
  enter(): void;
  leave(): void;
  /**
   * The earliest kill made since `since` (epoch ms) and within the last few seconds that no capture has claimed,
   * now claimed: what a capture whose page crashed asks. Null when no kill explains the crash.
   */
  claim(since: number): RendererKill | null;
  close(): void;
}

/**
 * How often renderers are read while captures run: each round is a few small reads (about 1 ms of CPU with four
 * renderers). A page can allocate 700 MB a second (a measured memory hog), so once a renderer is past half the limit
 * the rounds come five times as often, and it passes the limit by less before it is stopped.
 */
export const WATCH_EVERY_MS = 250;
/** A crash this long after a kill is not blamed on it. */
const CLAIM_WITHIN_MS = 10_000;

/**
 * The renderer processes of the browser whose main process is `browserPid`. Chromium forks them from its zygote,
 * so only the zygotes' children are read each round (found once, with the browser's own children); a kernel
 * without /proc/<pid>/task/<tid>/children falls back to walking all of /proc.
 */
function rendererFinder(browserPid: number): () => Promise<number[]> {
  // Only a "renderer" answer is remembered: a child just forked from the zygote still shows the zygote's command
  // line until it renames itself, so any other answer is asked again next round.
  const renderers = new Set<number>();
  let zygotes: number[] = [];
  const typeOf = async (pid: number): Promise<string | null> => {
    if (renderers.has(pid)) return 'renderer';
    const type = await chromiumProcessType(pid);
    if (type === 'renderer') renderers.add(pid);
    return type;
  };
  const ofType = async (pids: number[], type: string): Promise<number[]> =>
    (await Promise.all(pids.map(async (pid) => ((await typeOf(pid)) === type ? pid : null)))).filter((pid) => pid !== null);
  const candidates = async (): Promise<number[]> => {
    if (zygotes.length === 0) {
      const children = await childPids(browserPid);
      if (children === null) return processTree(browserPid);
      zygotes = await ofType(children, 'zygote');
    }
    return (await Promise.all(zygotes.map(async (zygote) => (await childPids(zygote)) ?? []))).flat();
  };
  return async () => {
    const pids = await candidates();
    for (const pid of renderers) if (!pids.includes(pid)) renderers.delete(pid);
    return ofType(pids, 'renderer');
  };
}

export function watchRendererMemory(browserPid: number, limitBytes: number, logger: Logger, everyMs = WATCH_EVERY_MS): RendererMemoryWatch {
  const findRenderers = rendererFinder(browserPid);
  const kills: (RendererKill & { claimed: boolean })[] = [];
  let active = 0;
  let timer: NodeJS.Timeout | undefined;
  /** Whether rounds are going (a timer set, or a round reading). */
  let watching = false;
  let closed = false;

  /** Whether the renderer is past half the limit (then the next round comes sooner). */
  const check = async (pid: number): Promise<boolean> => {
    // RSS is one small read and never below PSS: only a renderer over the limit by RSS has its PSS read.
    const resident = await residentBytes(pid);
    if (resident <= limitBytes) return resident > limitBytes / 2;
    const bytes = await processMemoryBytes(pid);
    if (bytes <= limitBytes) return true;
    kills.push({ pid, bytes, limitBytes, at: Date.now(), claimed: false });
    while (kills.length > 0 && Date.now() - kills[0]!.at > CLAIM_WITHIN_MS) kills.shift();
    logger.warn({ pid, memoryMb: Math.round(bytes / 2 ** 20), maxMemoryMb: Math.round(limitBytes / 2 ** 20) }, 'renderer over the capture memory limit: killed');
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // It ended meanwhile.
    }
    return false;
  };
  const round = async (): Promise<void> => {
    let growing = false;
    try {
      growing = (await Promise.all((await findRenderers()).map(check))).some(Boolean);
    } catch (err) {
      logger.debug({ err: (err as Error).message }, 'renderer memory could not be read');
    }
    if (active > 0 && !closed) schedule(growing ? everyMs / 5 : everyMs);
    else watching = false;
  };
  const schedule = (ms: number): void => {
    timer = setTimeout(() => void round(), ms);
    timer.unref();
  };

  return {
    enter() {
      active += 1;
      if (watching || closed) return;
      watching = true;
      schedule(everyMs);
    },
    leave() {
      active = Math.max(0, active - 1);
    },
    claim(since) {
      const kill = kills.find((k) => !k.claimed && k.at >= since && Date.now() - k.at <= CLAIM_WITHIN_MS);
      if (!kill) return null;
      kill.claimed = true;
      return { pid: kill.pid, bytes: kill.bytes, limitBytes: kill.limitBytes, at: kill.at };
    },
    close() {
      closed = true;
      clearTimeout(timer);
    },
  };
}
