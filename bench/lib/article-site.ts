import { startFixtureSite, type ArticleSpec, type FixtureSite } from '../../src/demo/fixture-site.ts';
import { prose } from './prose.ts';

/** An article of about 30 KB of text, three photos and an embedded tweet, like the military news pages watched. */
export function benchArticle(n: number): ArticleSpec {
  const paragraphs: string[] = [];
  for (let size = 0, i = 0; size < 30_000; i++) {
    const p = prose(n * 1000 + i + 1, 60 + (i % 40));
    paragraphs.push(p);
    size += p.length;
  }
  return {
    title: `Exercise report ${n}: partner forces train across the Sahel`,
    byline: 'By Staff Sgt. Bench Writer, Public Affairs',
    date: 'Feb. 18, 2019',
    paragraphs,
    photos: [1, 2, 3].map((k) => ({ file: `bench-${n}-${k}.png`, alt: `Photo ${k} of report ${n}`, caption: `Soldiers train, photo ${k} of report ${n}.` })),
    tweet: { statusId: String(1097500000000000000n + BigInt(n)), author: 'USAfricaCommand', text: `Report ${n} is live.`, date: 'February 18, 2019' },
    related: ['Flintlock 2019 closes', 'Partners train in Niger'],
  };
}

/** The fixture site with `count` bench articles at /news/report-<n>. */
export async function startArticleSite(count: number): Promise<{ site: FixtureSite; urls: string[] }> {
  const site = await startFixtureSite();
  const urls: string[] = [];
  for (let n = 1; n <= count; n++) {
    site.article(`/news/report-${n}`, benchArticle(n));
    urls.push(site.url(`/news/report-${n}`));
  }
  return { site, urls };
}

/**
 * A script-dependent article: the same kind of text as benchArticle, but the page's HTML holds only its title
 * and a JSON data block, and a script writes the paragraphs into the page after load — so a plain-HTTP
 * extraction sees none of the text the browser shows. `cut` drops that paragraph from the data.
 */
export function scriptArticleHtml(n: number, cut?: number): string {
  const spec = benchArticle(n);
  const paragraphs = spec.paragraphs.filter((_, i) => i !== cut);
  const data = JSON.stringify({ title: spec.title, byline: spec.byline, paragraphs }).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${spec.title}</title></head>
<body><main><article id="story"><h1>${spec.title}</h1><p class="byline">Loading…</p></article></main>
<script type="application/json" id="story-data">${data}</script>
<script>
window.addEventListener('load', () => {
  const story = JSON.parse(document.getElementById('story-data').textContent);
  const article = document.getElementById('story');
  article.querySelector('.byline').textContent = story.byline;
  for (const text of story.paragraphs) {
    const p = document.createElement('p');
    p.textContent = text;
    article.appendChild(p);
  }
});
</script></body></html>`;
}
