import type { ArticleSpec } from '../../src/demo/article-html.ts';

/**
 * The media a reader must find in a fixture article: each photo, at `urlOf` its file's path, with how it loaded
 * (`null` from a fetcher that does not load images).
 */
export function articleMedia(spec: ArticleSpec, urlOf: (path: string) => string, load: { loaded: boolean | null; status: number | null }) {
  return spec.photos.map((p) => ({ kind: 'image', url: urlOf(`/images/${p.file}`), alt: p.alt, caption: p.caption, ...load }));
}

/** The embed a reader must find for a fixture article's tweet, read from its blockquote (the widget never runs). */
export function articleEmbeds(spec: ArticleSpec) {
  const tweet = spec.tweet;
  return [
    {
      statusId: tweet?.statusId,
      author: tweet?.author,
      url: `https://twitter.com/${tweet?.author}/status/${tweet?.statusId}`,
      text: tweet?.text,
      date: tweet?.date,
      rendered: false,
      error: false,
    },
  ];
}

/** Items without their boxes: where a thing was drawn is asserted on its own (test/capture/page-boxes.test.ts). */
export function unboxed<T extends { box?: unknown }>(items: T[] | undefined): Array<Omit<T, 'box'>> {
  return (items ?? []).map((item) => {
    const copy = { ...item };
    delete copy.box;
    return copy;
  });
}
