import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBrowserHost, type BrowserHost } from '../../src/capture/browser.ts';
import { captureTarget } from '../../src/capture/capture.ts';
import { processMemoryBytes } from '../../src/capture/process-memory.ts';
import type { CaptureResult } from '../../src/page-data/capture-result.ts';
import type { CaptureLimits, CaptureRequest } from '../../src/capture/types.ts';
import { startHeldPages, type HeldPages } from '../helpers/held-pages.ts';
import { articlePage, startHostileSite, type HostileSite } from '../helpers/hostile-site.ts';
import { printFigure } from '../helpers/figures.ts';
import { chromiumPids } from '../helpers/processes.ts';
import { noRendererButTheNextContext } from '../helpers/renderers.ts';

const logger = pino({ level: 'silent' });
const MB = 2 ** 20;
/** Lower than the defaults (768 MB, 100 MiB), so the hostile pages are stopped in a few seconds on a busy machine. */
const MEMORY_MB = 200;
const CAPTURE_BYTES = 50_000_000;
const limits: CaptureLimits = { allowPrivateNetworks: true, maxPageBytes: 5_000_000, maxCaptureBytes: CAPTURE_BYTES, maxMediaBytes: 1_000_000, screenshotMaxHeight: 1_500 };
/**
 * What the tree may hold above its idle size besides the stopped renderer's limit: the innocent capture's renderer
 * (about 80 MB), the growth past the limit before the watch acts, and what the GPU and network processes take on
 * while pages load. The hog grows by about 0.7 GB a second: one quiet watch period lets it pass the limit by about
 * 200 MB, but on two busy cores a round comes late (seen: 1.0 GB over idle, in CI beside other test runs). Without
 * the watch the tree reached 2.3–4.3 GB, so this bound still tells a held ceiling from none.
 */
const TREE_MARGIN_MB = 1_000;
/**
 * The next capture's context, opened ahead while these captures run (src/capture/context-ahead.ts): a blank page's
 * renderer more than the idle tree, measured with none open. Still far under the 2.3–4.3 GB of an unwatched tree.
 */
const NEXT_CONTEXT_MB = 200;

let site: HostileSite;
let gate: HeldPages;
let host: BrowserHost;

beforeAll(async () => {
  site = await startHostileSite();
  gate = await startHeldPages(new URL(site.url('/')).origin);
  host = createBrowserHost({ chromiumPath: undefined, allowPrivateNetworks: true, captureMaxMemoryMb: MEMORY_MB }, logger);
  await host.get();
});
afterAll(async () => {
  await host?.close();
  await gate?.close();
  await site?.close();
});

function capture(url: string, timeoutMs: number, waitFor?: string): Promise<CaptureResult> {
  const req: CaptureRequest = { url, fetcher: 'browser', timeoutMs, ignore: [], waitFor };
  return captureTarget(host, req, limits, logger);
}

/** PSS of every Chromium process below this test process, in bytes. */
async function treeBytes(): Promise<number> {
  const sizes = await Promise.all((await chromiumPids(process.pid)).map(processMemoryBytes));
  return sizes.reduce((a, b) => a + b, 0);
}

/** Samples the Chromium tree's PSS until `stop` is called; resolves with the highest sample. */
function samplePeak(): { stop(): Promise<number> } {
  let going = true;
  let peak = 0;
  const sampling = (async () => {
    while (going) {
      peak = Math.max(peak, await treeBytes());
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  return {
    async stop() {
      going = false;
      await sampling;
      return peak;
    },
  };
}

it('reads a large honest page whole under these limits: 1,000 paragraphs, 20 photos and a script holding 200,000 objects', async () => {
  const result = await capture(site.url('/heavy-normal'), 45_000);
  expect(result.error).toBeNull();
  expect(result.facts?.media).toHaveLength(20);
  expect(result.facts?.blocks.length).toBeGreaterThan(1_000);
});

describe('pages that try to exhaust memory, each stopped long before the deadline without harming a capture beside it', () => {
  const OVER_MEMORY = new RegExp(`^the page held \\d+ MB of memory, over the ${MEMORY_MB} MB one capture may use \\(SCRUBWATCH_CAPTURE_MAX_MEMORY\\); its renderer was stopped$`);
  const OVER_BYTES = new RegExp(`^the page and what it loaded came to more than ${CAPTURE_BYTES} bytes \\(decoded\\), the limit on one capture \\(SCRUBWATCH_CAPTURE_MAX_BYTES\\)`);

  it.each([
    ['/memory-hog', 'a script allocating without end', OVER_MEMORY],
    ['/iframe-stream', 'a frame whose document never ends', OVER_MEMORY],
    ['/image-bomb', 'a gzip-compressed image inflating without end', OVER_BYTES],
  ])('%s (%s): too_large, its renderer gone, the tree within bounds', async (path, _what, message) => {
    expect(await noRendererButTheNextContext(host)).toEqual([]);
    const idle = await treeBytes();
    // The innocent page is read once its script's request, held at the gate, is let through: after the other ends.
    const beside = `/beside${path}`;
    site.html(beside, articlePage('Beside', ['An honest page captured meanwhile.'], `<script>fetch('/release${path}').finally(() => document.body.insertAdjacentHTML('beforeend', '<p id="released">Released</p>'));</script>`));
    gate.hold(`/release${path}`);
    const peak = samplePeak();
    const innocentCapture = capture(gate.url(beside), 45_000, '#released');
    await gate.arrived(`/release${path}`);
    const hostile = await capture(site.url(path), 45_000);
    gate.release(`/release${path}`);
    const innocent = await innocentCapture;
    const peakBytes = await peak.stop();
    printFigure('memory', `${path}: ${hostile.error?.code} after ${hostile.durationMs} ms (${hostile.error?.message}); Chromium tree ${Math.round(idle / MB)} MB idle, peak ${Math.round(peakBytes / MB)} MB`);

    expect(hostile.error?.code).toBe('too_large');
    expect(hostile.error?.message).toMatch(message);
    expect(hostile.durationMs).toBeLessThan(20_000);
    expect(innocent.error).toBeNull();
    expect(innocent.facts?.title).toBe('Beside');
    expect(innocent.html).toContain('<p id="released">Released</p>');
    expect(innocent.screenshot).not.toBeNull();
    expect(peakBytes / MB).toBeLessThan(idle / MB + MEMORY_MB + TREE_MARGIN_MB + NEXT_CONTEXT_MB);
    expect(await noRendererButTheNextContext(host)).toEqual([]);
  });
});
