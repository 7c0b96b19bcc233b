import type { LinkItem, PageFacts } from '../page-data/page-facts.ts';

/** File types a fact sheet, order, report, data set or archive is published as, matched on the URL's path. */
const DOCUMENT_EXTENSIONS = /\.(?:pdf|docx?|xlsx?|pptx?|odt|ods|odp|rtf|csv|tsv|json|xml|zip|7z|gz|tgz|kmz|kml|geojson|epub)$/i;
/**
 * Link texts that say the link is a document whatever its URL looks like: "Download the report", "Fact sheet",
 * "Data set", or a file type noted in brackets, "Strategy (PDF, 2 MB)". A bare "PDF" is not enough: "About PDF"
 * links to a help page.
 */
const DOCUMENT_LABELS = /\b(?:download(?:s|able)?|data ?sets?|fact ?sheets?)\b|\(\s*(?:pdf|docx?|xlsx?|pptx?|csv|zip)\b/i;

function pathOf(url: string): string {
  try {
    return decodeURIComponent(new URL(url).pathname);
  } catch {
    return '';
  }
}

/** Whether a link names a document: a file type documents come in, or a label that says it is one. */
export function isDocumentLink(link: LinkItem): boolean {
  return DOCUMENT_EXTENSIONS.test(pathOf(link.url)) || DOCUMENT_LABELS.test(link.text);
}

/**
 * The documents a page links from its main content, in page order. Links in navigation, the page's header and
 * footer, asides and hidden parts are never documents (extractPageFacts leaves them without `main`), and neither
 * is a link back to the page itself.
 */
export function linkedDocuments(facts: PageFacts | null): LinkItem[] {
  if (!facts) return [];
  const self = new Set([facts.canonicalUrl].filter((u): u is string => u !== null));
  return facts.links.filter((l) => l.main === true && !self.has(l.url) && isDocumentLink(l));
}
