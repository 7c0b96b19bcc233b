import { chromium, type Browser } from 'playwright';
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import { ServiceUnavailableError } from '../errors/index.ts';
import { startEgressProxy, type EgressProxy } from './egress-proxy.ts';
import { findChromium, type ChromiumLocation } from './find-chromium.ts';
import { browserPid, processTree, processTreeMemoryBytes } from './process-memory.ts';
import { watchRendererMemory, type RendererKill, type RendererMemoryWatch } from './renderer-memory.ts';
import { contextsAhead, type ContextsAhead } from './context-ahead.ts';
import type { CaptureContext, CaptureContextSpec } from './capture-context.ts';

export { findChromium, type ChromiumLocation, type ChromiumSource } from './find-chromium.ts';

const LAUNCH_ARGS = [
  // Workers run as root in containers, where Chromium's sandbox cannot start.
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
  '--disable-quic',
  // WebRTC may only use the proxy (TCP), so a page cannot reach around the egress proxy over UDP. Headless
  // Chromium reads the first switch, headed Chrome the second.
  '--webrtc-ip-handling-policy=disable_non_proxied_udp',
  '--force-webrtc-ip-handling-policy=disable_non_proxied_udp',
  // Every frame of a page in its page's renderer: one renderer per capture, whose memory the watch can cap and
  // whose DevTools session sees every frame's bytes. Isolation between the sites of one page guards nothing here:
  // a capture's context holds no cookies or logins, and each capture has its own context (never a shared renderer).
  '--disable-site-isolation-trials',
];
const LAUNCH_TIMEOUT_MS = 30_000;

/** A browser lent to one capture; `release` (once, in `finally`) lets a retired browser close after its last one. */
export interface BrowserLease {
  browser: Browser;
  release(): void;
  /** The renderer killed for memory that explains a page crash since `since` (see RendererMemoryWatch.claim). */
  memoryKill(since: number): RendererKill | null;
  /**
   * The capture's own fresh context, opened ahead when the last capture on this browser began (context-ahead.ts);
   * the next one starts opening now. Call once; the capture closes it.
   */
  openContext(spec: CaptureContextSpec): Promise<CaptureContext>;
}

/**
 * The browser of a process: launched on first use, relaunched after a crash, replaced by a fresh one after
 * `browserRecycleCaptures` captures or once its process tree holds more than `browserMaxMemoryMb` — without
 * disturbing captures in flight: new captures go to the new browser, the old one closes when its last capture
 * ends. While captures run, a renderer holding more than `captureMaxMemoryMb` is killed (renderer-memory.ts).
 * Closed once on shutdown.
 */
export interface BrowserHost {
  /** The running browser, launching it if needed; concurrent callers share one launch. */
  get(): Promise<Browser>;
  /** The browser for one capture, counted towards recycling; replaces a browser that is due first. */
  acquire(): Promise<BrowserLease>;
  /** Closes every browser so no Chromium process remains. Safe to call twice; `get()` afterwards throws. */
  close(): Promise<void>;
  /** How many contexts were handed to captures (lease.openContext) since the host was made. */
  contextsOpened(): number;
}

/** One launched Chromium and the captures it served. */
interface Slot {
  browser: Browser;
  pid: number | null;
  captures: number;
  active: number;
  retired: boolean;
  /** Set when its memory was found over the limit: the next capture goes to a fresh browser. */
  overMemory: boolean;
  /** When its memory was last read (0: never). */
  memoryCheckedAt: number;
  checkingMemory: boolean;
  /** Caps each renderer's memory while captures run; null when Chromium did not say its pid. */
  renderers: RendererMemoryWatch | null;
  /** Its captures' contexts, each opened one capture ahead; closed when it retires or goes away. */
  ahead: ContextsAhead;
}

const MB = 1024 * 1024;
/** Memory is read after a capture ends, at most this often (reading /proc for a tree takes tens of milliseconds). */
const MEMORY_CHECK_EVERY_MS = 2_000;
/** A retiring browser that does not close in this long is killed. */
const CLOSE_TIMEOUT_MS = 10_000;

/**
 * Creates the BrowserHost for `config.chromiumPath`. Nothing is launched until the first `get()`. Chromium is
 * launched behind an egress proxy with the config's network policy (private networks refused when not given), so
 * even a context opened without a proxy of its own cannot reach a refused address; captures use their own proxy.
 */
export function createBrowserHost(
  config: Pick<Config, 'chromiumPath'> &
    Partial<Pick<Config, 'allowPrivateNetworks' | 'allowedNetworks' | 'dnsServers' | 'browserRecycleCaptures' | 'browserMaxMemoryMb' | 'captureMaxMemoryMb'>>,
  logger: Logger,
): BrowserHost {
  let location: ChromiumLocation | undefined;
  let current: Slot | undefined;
  const retiring = new Set<Slot>();
  const closing = new Set<Promise<void>>();
  let launching: Promise<Browser> | undefined;
  let closed = false;
  const recycleCaptures = config.browserRecycleCaptures ?? 200;
  const maxMemoryBytes = (config.browserMaxMemoryMb ?? 1024) * MB;
  const captureMaxMemoryBytes = (config.captureMaxMemoryMb ?? 768) * MB;
  let egress: EgressProxy | undefined;
  let contextsOpened = 0;

  async function launch(): Promise<Browser> {
    if (!location) {
      location = findChromium(config.chromiumPath);
      logger.info({ path: location.path, source: location.source }, 'chromium found');
    }
    let launched: Browser;
    try {
      const { allowPrivateNetworks = false, allowedNetworks, dnsServers } = config;
      egress ??= await startEgressProxy({ allowPrivateNetworks, allowedNetworks, dnsServers }, logger);
      launched = await chromium.launch({
        executablePath: location.path,
        args: LAUNCH_ARGS,
        timeout: LAUNCH_TIMEOUT_MS,
        // The process's own shutdown closes the browser after the captures in flight end; Playwright's default
        // would close it on the first signal, under them.
        handleSIGINT: false,
        handleSIGTERM: false,
        handleSIGHUP: false,
        // `<-loopback>` also sends loopback addresses through the proxy, which Chromium would otherwise bypass.
        proxy: { server: egress.url, bypass: '<-loopback>' },
      });
    } catch (err) {
      throw new ServiceUnavailableError('chromium', `Chromium at ${location.path} failed to start: ${(err as Error).message}`, {
        cause: err,
      });
    }
    const pid = await browserPid(launched).catch(() => null);
    const renderers = pid === null ? null : watchRendererMemory(pid, captureMaxMemoryBytes, logger);
    const slot: Slot = { browser: launched, pid, captures: 0, active: 0, retired: false, overMemory: false, memoryCheckedAt: 0, checkingMemory: false, renderers, ahead: contextsAhead(launched, logger) };
    launched.on('disconnected', () => {
      renderers?.close();
      void slot.ahead.close();
      if (current === slot) current = undefined;
      const expected = slot.retired || closed;
      retiring.delete(slot);
      if (!expected) logger.warn({ path: location?.path, pid }, 'browser disconnected; the next capture relaunches it');
    });
    logger.info({ version: launched.version(), pid }, 'browser launched');
    if (closed) {
      // close() ran while this launch was in flight; do not leave an orphan behind.
      await launched.close();
      throw new ServiceUnavailableError('chromium', 'the browser host was closed while Chromium was starting');
    }
    current = slot;
    return launched;
  }

  async function running(): Promise<Slot> {
    if (closed) throw new ServiceUnavailableError('chromium', 'the browser host is closed; the process is shutting down');
    if (current?.browser.isConnected()) return current;
    launching ??= launch().finally(() => {
      launching = undefined;
    });
    await launching;
    if (!current) throw new ServiceUnavailableError('chromium', 'the browser went away right after it started');
    return current;
  }

  /** Closes a browser and makes sure its processes are gone (a browser that will not close is killed). */
  function shut(slot: Slot): Promise<void> {
    const done = (async () => {
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<'late'>((resolve) => {
        timer = setTimeout(() => resolve('late'), CLOSE_TIMEOUT_MS);
      });
      const closedInTime = slot.browser.close().catch((err: unknown) => logger.warn({ err }, 'browser close failed'));
      if ((await Promise.race([closedInTime, late])) === 'late' && slot.pid !== null) {
        logger.warn({ pid: slot.pid, closeTimeoutMs: CLOSE_TIMEOUT_MS }, 'browser did not close: killing it');
        for (const pid of await processTree(slot.pid)) {
          try {
            process.kill(pid, 'SIGKILL');
          } catch {
            // Gone meanwhile.
          }
        }
      }
      clearTimeout(timer);
      retiring.delete(slot);
    })();
    closing.add(done);
    void done.finally(() => closing.delete(done));
    return done;
  }

  /** New captures go to a fresh browser from now on; this one closes when its last capture ends. */
  function retire(slot: Slot, reason: 'captures' | 'memory'): void {
    if (slot.retired) return;
    slot.retired = true;
    if (current === slot) current = undefined;
    retiring.add(slot);
    void slot.ahead.close();
    logger.info({ pid: slot.pid, reason, captures: slot.captures, inFlight: slot.active }, 'browser recycled');
    if (slot.active === 0) void shut(slot);
  }

  function checkMemory(slot: Slot): void {
    const pid = slot.pid;
    if (pid === null || slot.checkingMemory || Date.now() - slot.memoryCheckedAt < MEMORY_CHECK_EVERY_MS) return;
    slot.checkingMemory = true;
    void processTreeMemoryBytes(pid)
      .then((bytes) => {
        if (bytes <= maxMemoryBytes || slot.retired) return;
        slot.overMemory = true;
        logger.info({ pid, memoryMb: Math.round(bytes / MB), maxMemoryMb: maxMemoryBytes / MB }, 'browser over its memory limit');
      })
      .finally(() => {
        slot.checkingMemory = false;
        slot.memoryCheckedAt = Date.now();
      });
  }

  return {
    async get() {
      return (await running()).browser;
    },
    async acquire() {
      let slot = await running();
      // A loop: another capture may have retired this browser while we waited for it.
      while (slot.retired || slot.captures >= recycleCaptures || slot.overMemory) {
        retire(slot, slot.overMemory ? 'memory' : 'captures');
        slot = await running();
      }
      slot.captures += 1;
      slot.active += 1;
      slot.renderers?.enter();
      let released = false;
      return {
        browser: slot.browser,
        memoryKill: (since) => slot.renderers?.claim(since) ?? null,
        openContext(spec) {
          contextsOpened += 1;
          // Only where the next capture will run: not on a browser about to be recycled.
          const stays = !closed && !slot.retired && !slot.overMemory && slot.captures < recycleCaptures;
          return slot.ahead.take(spec, stays);
        },
        release() {
          if (released) return;
          released = true;
          slot.active -= 1;
          slot.renderers?.leave();
          if (slot.retired) {
            if (slot.active === 0 && slot.browser.isConnected()) void shut(slot);
          } else {
            checkMemory(slot);
          }
        },
      };
    },
    async close() {
      closed = true;
      await launching?.catch(() => undefined);
      const slots = [...(current ? [current] : []), ...retiring];
      current = undefined;
      for (const slot of slots) slot.retired = true;
      await Promise.all(slots.map((slot) => slot.ahead.close()));
      await Promise.all([...slots.map(shut), ...closing]);
      await egress?.close();
    },
    contextsOpened: () => contextsOpened,
  };
}
