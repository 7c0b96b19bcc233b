import { escapeHtml, framedPage, slugOf } from './site-chrome.ts';
import { lazyImageScript, renderBodyScript } from './article-scripts.ts';

export { slugOf } from './site-chrome.ts';

/** A photo of an article, served by the fixture site at `/images/<file>`. */
export interface PhotoSpec {
  file: string;
  alt: string;
  caption: string;
}

/** A tweet embedded in an article the way Twitter's embed code writes it. */
export interface TweetSpec {
  statusId: string;
  author: string;
  text: string;
  date: string;
  /**
   * How the embed looks once Twitter's script ran: the bare `fallback` blockquote (the script never ran, as
   * offline), `rendered` into an iframe (the tweet is up), or `error` (the script marked the blockquote
   * `twitter-tweet-error`: deleted, protected or suspended). Default `fallback`.
   */
  render?: 'fallback' | 'rendered' | 'error';
}

/** A video player embedded in an article as an iframe (e.g. a DVIDS or YouTube embed URL). */
export interface VideoSpec {
  /** The player's URL, used as the iframe's src as is. */
  src: string;
  /** The iframe's title attribute, also written as the figure's caption. */
  title: string;
}

/** A document an article links to, served by the fixture site at `/files/<file>` (e.g. `fact-sheet.pdf`). */
export interface DocumentSpec {
  file: string;
  /** The link's text. */
  text: string;
}

/** An article page of the fixture site. The optional fields default to the plain page the site always served. */
export interface ArticleSpec {
  title: string;
  byline: string;
  date: string;
  paragraphs: string[];
  photos: PhotoSpec[];
  tweet: TweetSpec | null;
  /** Titles of related stories, listed in the page's sidebar. */
  related: string[];
  /** A "Number of views: N" line inside the article: a counter that changes between captures. */
  views?: number;
  /** A "Last updated: <text>" line inside the article. */
  updated?: string;
  /** Titles listed in a "Related stories" box inside the article (a `div.related-stories`), after the lead and its photos. */
  inlineRelated?: string[];
  /**
   * Photos come after all the paragraphs, as `<img data-src loading="lazy" class="lazy">` that a script gives a
   * `src` once they scroll into view. With enough paragraphs they start below the fold.
   */
  lazyPhotos?: boolean;
  /** The paragraphs are not in the HTML: a script inserts them from embedded JSON ~300 ms after DOMContentLoaded. */
  renderWithJs?: boolean;
  /** Video players embedded in the article, after the paragraphs and photos. */
  videos?: VideoSpec[];
  /** Documents linked from the article, in a list after its paragraphs. */
  documents?: DocumentSpec[];
  /** Documents linked from the site's navigation bar on this page (never the article's own). */
  navDocuments?: DocumentSpec[];
}

/** A US Africa Command news story about Flintlock 2019, shaped like the real ones. */
export const flintlockArticle: ArticleSpec = {
  title: 'Flintlock 2019 begins in Burkina Faso and Mauritania',
  byline: 'By Staff Sgt. Jennifer Lawson, U.S. Africa Command Public Affairs',
  date: 'Feb. 18, 2019',
  paragraphs: [
    'OUAGADOUGOU, Burkina Faso – Flintlock 2019, U.S. Africa Command’s premier annual special operations exercise, opened today with a ceremony in Ouagadougou attended by military leaders from more than 30 African and partner nations.',
    'Roughly 2,000 service members will train together at sites in Burkina Faso and Mauritania over the next three weeks, focusing on counter-terrorism, border security and the coordination of multinational operations across the Sahel.',
    'Col. Assimi Goita, commander of Mali’s special forces, said the exercise allowed his soldiers to rehearse the cross-border cooperation that the fight against violent extremist organizations requires.',
    'U.S. Army Maj. Gen. J. Marcus Hicks, commander of Special Operations Command Africa, said African partners lead the exercise while U.S. and European forces provide training and support.',
    'Flintlock has been conducted annually since 2005 and is sponsored by U.S. Africa Command and led by Special Operations Command Africa.',
  ],
  photos: [
    {
      file: 'goita-flintlock.png',
      alt: 'Col. Assimi Goita speaks with soldiers during Flintlock 2019',
      caption: 'Col. Assimi Goita, commander of Malian special forces, speaks with soldiers at the Flintlock 2019 opening ceremony in Ouagadougou, Burkina Faso, Feb. 18, 2019. (U.S. Army photo by Spc. Cody Hart)',
    },
    {
      file: 'flintlock-range.png',
      alt: 'Mauritanian and U.S. soldiers on a firing range',
      caption: 'Mauritanian soldiers train alongside U.S. Army Green Berets on a range near Atar, Mauritania, during Flintlock 2019. (U.S. Army photo by Sgt. Mark Rivera)',
    },
  ],
  tweet: {
    statusId: '1097535219338194944',
    author: 'USAfricaCommand',
    text: 'Flintlock 2019 kicks off in Burkina Faso and Mauritania: more than 30 nations training together to counter violent extremism in the Sahel. #Flintlock2019',
    date: 'February 18, 2019',
  },
  related: [
    'Special operations forces wrap up Flintlock 2018 in Niger',
    'AFRICOM commander visits troops in Mauritania',
    'Partner nations plan Flintlock 2020 in Senegal',
  ],
};


const figureOf = (p: PhotoSpec, lazy: boolean): string => {
  const source = lazy ? `data-src="/images/${p.file}" loading="lazy" class="lazy"` : `src="/images/${p.file}"`;
  return `<figure class="photo">
        <img ${source} alt="${escapeHtml(p.alt)}" width="200" height="120">
        <figcaption>${escapeHtml(p.caption)}</figcaption>
      </figure>`;
};

const videoOf = (v: VideoSpec): string => `<figure class="video">
        <iframe src="${escapeHtml(v.src)}" title="${escapeHtml(v.title)}" width="560" height="315" frameborder="0" allowfullscreen></iframe>
        <figcaption>${escapeHtml(v.title)}</figcaption>
      </figure>`;

const tweetOf = (t: TweetSpec): string =>
  t.render === 'rendered'
    ? `<div class="twitter-tweet twitter-tweet-rendered"><iframe id="twitter-widget-0" title="X Post" src="https://platform.twitter.com/embed/Tweet.html?dnt=false&amp;id=${t.statusId}" data-tweet-id="${t.statusId}" width="550" height="420" frameborder="0"></iframe></div>`
    : `<blockquote class="twitter-tweet${t.render === 'error' ? ' twitter-tweet-error' : ''}" data-lang="en"><p lang="en" dir="ltr">${escapeHtml(t.text)}</p>&mdash; U.S. Africa Command (@${t.author}) <a href="https://twitter.com/${t.author}/status/${t.statusId}?ref_src=twsrc%5Etfw">${escapeHtml(t.date)}</a></blockquote>
      <script async src="https://platform.twitter.com/widgets.js" charset="utf-8"></script>`;

const documentList = (docs: DocumentSpec[]): string =>
  `<ul class="documents">${docs.map((d) => `<li><a href="/files/${escapeHtml(d.file)}">${escapeHtml(d.text)}</a></li>`).join('')}</ul>`;

const storyList = (titles: string[]): string =>
  titles.map((r) => `<li><a href="/news/${slugOf(r)}">${escapeHtml(r)}</a></li>`).join('\n        ');

/** A whole article page: nav, header, the article, a related-stories aside and a footer, as a news site serves it. */
export function articleHtml(spec: ArticleSpec): string {
  const lazy = spec.lazyPhotos === true;
  const figures = spec.photos.map((p) => figureOf(p, lazy)).join('\n      ');
  const [leadText, ...restText] = spec.paragraphs;
  const lead = leadText === undefined ? [] : [leadText];
  const paragraphs = (texts: string[], id: string): string =>
    spec.renderWithJs ? `<div id="${id}"></div>` : texts.map((p) => `<p>${escapeHtml(p)}</p>`).join('\n      ');
  const meta = [
    spec.updated === undefined ? '' : `<p class="updated">Last updated: ${escapeHtml(spec.updated)}</p>`,
    spec.views === undefined ? '' : `<p class="views">Number of views: ${spec.views}</p>`,
  ].filter((line) => line !== '');
  const inlineRelated = spec.inlineRelated
    ? `<div class="related-stories">
        <h2>Related stories</h2>
        <ul>
        ${storyList(spec.inlineRelated)}
        </ul>
      </div>`
    : '';
  const article = [
    `<h1>${escapeHtml(spec.title)}</h1>`,
    `<p class="byline">${escapeHtml(spec.byline)}</p>`,
    `<p class="date"><time>${escapeHtml(spec.date)}</time></p>`,
    ...meta,
    paragraphs(lead, 'article-lead'),
    lazy ? '' : figures,
    inlineRelated,
    paragraphs(restText, 'article-rest'),
    lazy ? `${figures}\n      ${lazyImageScript()}` : '',
    (spec.videos ?? []).map(videoOf).join('\n      '),
    spec.documents?.length ? documentList(spec.documents) : '',
    spec.tweet ? tweetOf(spec.tweet) : '',
    spec.renderWithJs ? renderBodyScript({ 'article-lead': lead, 'article-rest': restText }) : '',
    '<div class="share" hidden><p>Share this article on social media</p></div>',
  ].filter((part) => part !== '');
  return framedPage({
    title: spec.title,
    section: 'Article',
    head: `<link rel="canonical" href="/news/${slugOf(spec.title)}">`,
    navLinks: (spec.navDocuments ?? []).map((d) => ({ href: `/files/${d.file}`, text: d.text })),
    main: `<article class="news-article">
      ${article.join('\n      ')}
    </article>
    <aside class="related">
      <h2>Related stories</h2>
      <ul>
        ${storyList(spec.related)}
      </ul>
    </aside>`,
  });
}
