/** How a page target is captured: `browser` (Chromium, the default) or `http` (a plain fetch, no JavaScript). */
export const FETCHERS = ['browser', 'http'] as const;
export type Fetcher = (typeof FETCHERS)[number];
