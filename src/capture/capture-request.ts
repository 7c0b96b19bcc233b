import type { Config } from '../config.ts';
import type { CaptureLimits, CaptureRequest } from './types.ts';

/** The options of a target a capture reads (see TargetOptions in src/targets/target-input.ts). */
export interface CaptureOptions {
  timeoutMs?: number | undefined;
  waitFor?: string | undefined;
  ignore: string[];
}

/** The capture request and limits for a target, from its options and the process configuration. */
export function captureRequestFor(
  target: { url: string; fetcher: CaptureRequest['fetcher']; options: CaptureOptions },
  config: Config,
): { request: CaptureRequest; limits: CaptureLimits } {
  return {
    request: {
      url: target.url,
      fetcher: target.fetcher,
      timeoutMs: target.options.timeoutMs ?? config.captureTimeoutMs,
      waitFor: target.options.waitFor,
      ignore: target.options.ignore,
    },
    limits: {
      allowPrivateNetworks: config.allowPrivateNetworks,
      allowedNetworks: config.allowedNetworks,
      dnsServers: config.dnsServers,
      maxPageBytes: config.maxPageBytes,
      maxCaptureBytes: config.captureMaxBytes,
      maxMediaBytes: config.maxMediaBytes,
      screenshotMaxHeight: config.screenshotMaxHeight,
    },
  };
}
