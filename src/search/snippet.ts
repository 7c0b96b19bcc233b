import { MARK_END, MARK_START } from '../db/search-pages.ts';

/** An excerpt around a hit, and where in it the matched words are (offsets in JavaScript string units). */
export interface Snippet {
  text: string;
  highlights: Array<{ start: number; end: number }>;
}

/** Reads a ts_headline excerpt marked with MARK_START/MARK_END into plain text and the spans to highlight. */
export function readSnippet(marked: string): Snippet {
  const highlights: Snippet['highlights'] = [];
  let text = '';
  let start = -1;
  for (const c of marked.replace(/\s+/g, ' ').trim()) {
    if (c === MARK_START) start = text.length;
    else if (c === MARK_END) {
      if (start >= 0 && text.length > start) highlights.push({ start, end: text.length });
      start = -1;
    } else text += c;
  }
  return { text, highlights: mergeAdjacent(highlights, text) };
}

/** ts_headline marks each word of a phrase alone; "Assimi Goita" reads better as one highlight. */
function mergeAdjacent(spans: Snippet['highlights'], text: string): Snippet['highlights'] {
  const out: Snippet['highlights'] = [];
  for (const span of spans) {
    const last = out[out.length - 1];
    if (last && /^\s*$/.test(text.slice(last.end, span.start))) last.end = span.end;
    else out.push({ ...span });
  }
  return out;
}
