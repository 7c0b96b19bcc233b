/**
 * What a page says, read from its DOM (src/extract) and compared by the detector (src/detect): plain data, kept
 * in every snapshot. Below capture, extract and detect, so each can name it without importing the others.
 */

/**
 * Where an element was drawn, in the full-page screenshot's pixels (CSS pixels at device scale factor 1, from the
 * document's top left), clipped to the screenshot. Read by the browser only (the plain-HTTP fetcher lays nothing
 * out), and never compared: a layout shift is not a change (src/detect/snapshot-content.ts, diff-snapshots.ts).
 */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export type TextBlockKind = 'heading' | 'paragraph' | 'caption' | 'list-item' | 'quote' | 'preformatted';

export interface TextBlock {
  kind: TextBlockKind;
  /** Whitespace-collapsed visible text. */
  text: string;
  /** Whether a readability pass counts the block as part of the article; absent on snapshots stored before this existed. */
  main?: boolean;
  /** Where the block was drawn; absent when unknown (plain HTTP, not drawn, below the screenshot, stored before). */
  box?: Box;
}

export interface MediaItem {
  kind: 'image' | 'video';
  /** Absolute URL of the file (for images, the source the browser chose). */
  url: string;
  alt: string | null;
  caption: string | null;
  /** Whether the file loaded and decoded (images: naturalWidth > 0); null when unknown (http fetcher). */
  loaded: boolean | null;
  /** HTTP status of the file's response, when it was requested. */
  status: number | null;
  /** SHA-256 of the stored file, set by the store when the file was kept as evidence. */
  sha256?: string | null;
  /**
   * Perceptual hash of the stored photo (src/detect/perceptual-hash.ts), set by the store beside `sha256`: what
   * tells a different picture under the same URL from the same one re-encoded. Absent on snapshots stored before.
   */
  perceptualHash?: string | null;
  /** Where the photo or video was drawn (as TextBlock's). */
  box?: Box;
}

export interface LinkItem {
  url: string;
  text: string;
  /**
   * True when the link sits in the main content (not in navigation, the page's header or footer, an aside or
   * anything hidden); absent otherwise, and on snapshots stored before this was read.
   */
  main?: true;
  /** Where a main-content link was drawn (as TextBlock's): what outlines a removed document link. */
  box?: Box;
}

/**
 * What asking for a linked document (src/extract/documents.ts) answered at one capture. Kept in the facts, so the
 * next capture can ask again conditionally and the detector can tell a document that stopped answering.
 */
export interface DocumentCheck {
  url: string;
  /** HTTP status of the last answer, after redirects; null when none came (refused, network failure, time out). */
  status: number | null;
  /** Where the redirects ended (the URL itself when there were none). */
  finalUrl: string;
  /** SHA-256 of the stored file; null when it was not read (over the size cap, or not answering 200). */
  sha256: string | null;
  etag: string | null;
  lastModified: string | null;
  /** The file's length in bytes, as read or as declared. */
  length: number | null;
}

export interface EmbeddedTweet {
  /** The tweet's numeric status id, as a string. */
  statusId: string;
  /** Author handle without the @, when the link names one. */
  author: string | null;
  url: string;
  /** The blockquote's fallback text. */
  text: string | null;
  /** The date line of the blockquote, as written. */
  date: string | null;
  /** Whether the embed script turned it into a rendered iframe. */
  rendered: boolean;
  /**
   * Whether the embed script marked it `twitter-tweet-error` — what it does for a deleted, protected or suspended
   * tweet. Absent on snapshots from before this was read.
   */
  error?: boolean;
  /** Where the embed (its blockquote or rendered frame) was drawn (as TextBlock's). */
  box?: Box;
}

/** What a page says, read from its DOM: the facts the change record compares. */
export interface PageFacts {
  title: string | null;
  canonicalUrl: string | null;
  /** Main-content blocks, in document order. */
  blocks: TextBlock[];
  media: MediaItem[];
  links: LinkItem[];
  embeds: EmbeddedTweet[];
  /** What the documents linked from the main content answered; absent when none was asked. */
  documents?: DocumentCheck[];
  /**
   * What was left out of a page too big to read whole, one line each (a list cut at its cap, main content not
   * told apart in a document of too many elements; see src/extract/caps.ts). Absent when nothing was.
   */
  truncated?: string[];
}
