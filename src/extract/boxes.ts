import type { Box, PageFacts } from '../page-data/page-facts.ts';

/** The drawn area of a full-page screenshot, in its pixels. */
export interface ScreenshotArea {
  width: number;
  height: number;
}

/**
 * `box` cut to `area`, in whole pixels; undefined when nothing of it is left, or when it is not a box at all. The
 * page's scripts run beside the extraction and may replace getBoundingClientRect, so nothing about a box is trusted.
 */
export function boxWithin(box: Box | undefined, area: ScreenshotArea): Box | undefined {
  if (!box) return undefined;
  const { x, y, width, height } = box;
  if (![x, y, width, height].every((n) => typeof n === 'number' && Number.isFinite(n))) return undefined;
  const left = Math.max(0, Math.floor(x));
  const top = Math.max(0, Math.floor(y));
  const right = Math.min(area.width, Math.ceil(x + width));
  const bottom = Math.min(area.height, Math.ceil(y + height));
  return right > left && bottom > top ? { x: left, y: top, width: right - left, height: bottom - top } : undefined;
}

/**
 * Every box of `facts` cut to the screenshot that goes with them (its height is capped), in place: what lies
 * wholly below the cap, or outside the page, loses its box.
 */
export function clipBoxes(facts: PageFacts, area: ScreenshotArea): void {
  const items: Array<{ box?: Box }> = [...facts.blocks, ...facts.media, ...facts.links, ...facts.embeds];
  for (const item of items) {
    if (item.box === undefined) continue;
    const box = boxWithin(item.box, area);
    if (box) item.box = box;
    else delete item.box;
  }
}
