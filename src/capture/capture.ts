import type { Logger } from 'pino';
import type { BrowserHost } from './browser.ts';
import { capturePage } from './capture-page.ts';
import { fetchHttp } from './fetch-http.ts';
import type { CaptureResult } from '../page-data/capture-result.ts';
import type { CaptureLimits, CaptureRequest } from './types.ts';

/**
 * Captures one target with the fetcher it asks for: the shared browser (launched on first use) or plain HTTP.
 * The single entry point of capturing. Failures of the page end up in `result.error`; it throws only when the
 * browser cannot be started or died (ServiceUnavailableError, BrowserCrashedError) or the URL is malformed
 * (InvalidInputError).
 */
export async function captureTarget(
  host: BrowserHost,
  req: CaptureRequest,
  limits: CaptureLimits,
  logger: Logger,
): Promise<CaptureResult> {
  if (req.fetcher === 'http') return fetchHttp(req, limits, logger);
  // A lease, so a browser being recycled stays open until this capture is done with it.
  const lease = await host.acquire();
  try {
    return await capturePage(lease.browser, req, limits, logger, lease);
  } finally {
    lease.release();
  }
}
