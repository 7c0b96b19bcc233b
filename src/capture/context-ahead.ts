import type { Browser } from 'playwright';
import type { Logger } from 'pino';
import { closeCaptureContext, openCaptureContext, specKey, type CaptureContext, type CaptureContextSpec } from './capture-context.ts';

/** A prepared context not taken within this long is closed (its proxy too): an idle worker holds nothing open. */
export const PREPARED_IDLE_MS = 30_000;
/**
 * How long a capture waits for the context prepared for it (opening takes ~0.2 s, ~1 s on a loaded machine) before
 * it opens its own. A hostile page captured meanwhile (a download, a huge body) has been seen to leave the opening
 * hanging; the capture must not spend its whole deadline waiting on it.
 */
export const PREPARED_WAIT_MS = 5_000;

/**
 * Capture contexts of one browser, each opened one capture ahead: opening a context, its page and its egress proxy
 * (~0.2 s) then runs beside the capture before it instead of in front of the next. Isolation is unchanged: every
 * context is handed to exactly one capture and closed by it; at most one waits, unused, at a time.
 */
export interface ContextsAhead {
  /**
   * A context for one capture: the prepared one when it was opened for the same spec, else a fresh one. With
   * `prepareNext`, starts opening the next capture's context at once.
   */
  take(spec: CaptureContextSpec, prepareNext: boolean): Promise<CaptureContext>;
  /** Closes the prepared context, if any (also one still opening). Taking afterwards opens on demand, unprepared. */
  close(): Promise<void>;
}

interface Prepared {
  key: string;
  opening: Promise<CaptureContext | null>;
  timer: NodeJS.Timeout | undefined;
}

/** Prepares the contexts of `browser`'s captures one ahead; `close()` when the browser retires or goes away. */
export function contextsAhead(browser: Browser, logger: Logger, idleMs = PREPARED_IDLE_MS): ContextsAhead {
  let prepared: Prepared | undefined;
  let closed = false;

  const discard = async (p: Prepared): Promise<void> => {
    clearTimeout(p.timer);
    const opened = await p.opening;
    if (opened) await closeCaptureContext(opened);
  };

  // The prepared context once open, or null when it failed or is still opening after PREPARED_WAIT_MS (then it is
  // closed whenever it does open).
  const readyWithin = async (p: Prepared): Promise<CaptureContext | null> => {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), PREPARED_WAIT_MS)));
    const ready = await Promise.race([p.opening, late]).finally(() => clearTimeout(timer));
    if (ready !== 'late') return ready;
    logger.warn({ waitedMs: PREPARED_WAIT_MS }, 'prepared browser context still opening: opening another');
    void discard(p);
    return null;
  };

  const prepare = (spec: CaptureContextSpec): void => {
    const p: Prepared = {
      key: specKey(spec),
      // A failure here is the next capture's to meet, opening its own: nothing to report yet.
      opening: openCaptureContext(browser, spec, logger).catch(() => null),
      timer: undefined,
    };
    // Idle from when it is ready: a slow opening on a busy machine is not held against it.
    void p.opening.then(() => {
      if (prepared !== p) return;
      p.timer = setTimeout(() => {
        if (prepared !== p) return;
        prepared = undefined;
        void discard(p);
      }, idleMs);
      p.timer.unref();
    });
    prepared = p;
  };

  return {
    async take(spec, prepareNext) {
      const p = prepared;
      prepared = undefined;
      if (p) clearTimeout(p.timer);
      const usable = p?.key === specKey(spec) ? p : undefined;
      if (p && !usable) void discard(p);
      // Before waiting on this one, so a capture starting meanwhile finds the next already opening.
      if (prepareNext && !closed && browser.isConnected()) prepare(spec);
      const opened = usable ? await readyWithin(usable) : null;
      // Its page may have gone meanwhile (its renderer crashed, or the context was closed from outside).
      if (opened && browser.isConnected() && !opened.page.isClosed()) return opened;
      if (opened) await closeCaptureContext(opened);
      return openCaptureContext(browser, spec, logger);
    },
    async close() {
      closed = true;
      const p = prepared;
      prepared = undefined;
      if (p) await discard(p);
    },
  };
}
