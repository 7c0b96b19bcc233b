/** The fixture news site's shared page frame: header, navigation and footer around each page's main element. */

/** Escapes text for HTML element content and double-quoted attribute values. */
export const escapeHtml = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The URL slug of a title: lower-case words joined by dashes. */
export const slugOf = (s: string): string => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');

const NAV_SECTIONS = ['Home', 'About the Command', 'Leadership', 'Media Room', 'Photos', 'Video', 'Press Releases', 'Contact Us'];

/** What differs between the site's pages; everything else is the shared frame. */
export interface FramedPage {
  /** The part of the title before " > U.S. Africa Command". */
  title: string;
  /** Kind of page, last part of the title (e.g. "Article"); left out when absent. */
  section?: string;
  /** Inner HTML of `<main id="main">`. */
  main: string;
  /** Extra elements for `<head>` (canonical link, scripts). */
  head?: string;
  /** Links added at the end of the navigation bar. */
  navLinks?: Array<{ href: string; text: string }>;
}

/** A whole page of the site: skip link, header with the seal, main navigation, `main` and the footer. */
export function framedPage(page: FramedPage): string {
  const extra = (page.navLinks ?? []).map((l) => `<li><a href="${escapeHtml(l.href)}">${escapeHtml(l.text)}</a></li>`);
  const nav = [...NAV_SECTIONS.map((s) => `<li><a href="/${slugOf(s)}">${s}</a></li>`), ...extra].join('\n        ');
  const section = page.section ? ` &gt; ${escapeHtml(page.section)}` : '';
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>${escapeHtml(page.title)} &gt; U.S. Africa Command${section}</title>
  ${page.head ?? ''}
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <style>body { font-family: sans-serif; margin: 0 } article { max-width: 760px; margin: 0 auto } .skip { position: absolute; left: -9999px }</style>
</head>
<body>
  <a class="skip" href="#main">Skip to main content</a>
  <header class="site-header">
    <a href="/"><img src="/images/africom-seal.png" alt="U.S. Africa Command seal" width="200" height="120"></a>
    <p class="site-name">United States Africa Command</p>
  </header>
  <nav class="site-nav" aria-label="Main">
    <ul>
        ${nav}
    </ul>
  </nav>
  <main id="main">
    ${page.main}
  </main>
  <footer class="site-footer">
    <p>U.S. Africa Command, Kelley Barracks, Stuttgart, Germany</p>
    <ul><li><a href="https://www.defense.gov/">Department of Defense</a></li><li><a href="/privacy">Privacy &amp; Security</a></li></ul>
  </footer>
</body>
</html>
`;
}
