import { createHash } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { ArticleSpec } from './article-html.ts';
import { escapeHtml, framedPage } from './site-chrome.ts';

/** The bare "Page not found" page the site answers a hard 404 or 410 with. */
export const notFoundPage = (status: number): string => `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Page not found</title></head>
<body><main><h1>Page not found</h1><p>The page you requested (error ${status}) could not be found.</p></main></body></html>
`;

/** The site's templated not-found page, in the full site frame: what a soft 404 answers with status 200. */
export const softNotFoundPage = (): string =>
  framedPage({
    title: 'Page not found',
    main: `<div class="error-page">
      <h1>Page not found</h1>
      <p>The page you requested no longer exists. It may have been moved, or removed from this site.</p>
      <p>Use the navigation above or return to the <a href="/">U.S. Africa Command home page</a>.</p>
    </div>`,
  });

/** Akamai's entity-encoding of a URL in its block page: every character but letters and digits as `&#N;`. */
const akamaiEncode = (s: string): string => s.replace(/[^A-Za-z0-9]/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * An Akamai edge's "Access Denied" page for `url`, shaped like the real ones (snapshot-quality/akamai-ghost-0.0):
 * a few hundred bytes with the URL and an error reference, no trace of the site itself.
 */
export function accessDeniedPage(url: string): string {
  const hex = createHash('sha256').update(url).digest('hex');
  const reference = `18.${hex.slice(0, 8)}.1775931942.${hex.slice(8, 16)}`;
  return `<HTML><HEAD>
<TITLE>Access Denied</TITLE>
</HEAD><BODY>
<H1>Access Denied</H1>
 
You don't have permission to access "${akamaiEncode(url)}" on this server.<P>
Reference&#32;${akamaiEncode(`#${reference}`)}
<P>${akamaiEncode(`https://errors.edgesuite.net/${reference}`)}</P>
</BODY>
</HTML>
`;
}

/** The small page an overloaded or broken server (nginx-style) answers a 5xx with. */
export function serverErrorPage(status: number): string {
  const reason = `${status} ${STATUS_CODES[status] ?? 'Server Error'}`;
  return `<html>
<head><title>${reason}</title></head>
<body>
<center><h1>${reason}</h1></center>
<hr><center>nginx</center>
</body>
</html>
`;
}

/** A listing of the site's articles (home page or section page), newest definition first. */
export function listingPage(heading: string, articles: { path: string; spec: ArticleSpec }[]): string {
  const teasers = [...articles].reverse().map(({ path, spec }) => {
    const lead = spec.paragraphs[0];
    return `<article class="teaser">
        <h2><a href="${escapeHtml(path)}">${escapeHtml(spec.title)}</a></h2>
        <p class="date">${escapeHtml(spec.date)}</p>
        ${lead === undefined ? '' : `<p>${escapeHtml(lead)}</p>`}
      </article>`;
  });
  return framedPage({
    title: heading,
    main: `<section class="listing">
      <h1>${escapeHtml(heading)}</h1>
      ${teasers.length > 0 ? teasers.join('\n      ') : '<p>No stories yet.</p>'}
    </section>`,
  });
}
