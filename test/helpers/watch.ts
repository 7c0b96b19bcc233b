import { addTarget } from '../../src/targets/manage-targets.ts';
import { runCapture } from '../../src/watch/capture-target.ts';
import type { Context } from '../../src/context.ts';
import type { NewTargetInput } from '../../src/targets/target-input.ts';
import { flintlockArticle, slugOf, type ArticleSpec, type FixtureSite } from '../../src/demo/fixture-site.ts';
import type { SavedCapture } from '../../src/watch/save-capture.ts';

/** The Flintlock article with photos of its own, so one test pulling a file does not touch another's page. */
export function articleFor(path: string, changes: Partial<ArticleSpec> = {}): ArticleSpec {
  const slug = slugOf(path);
  return {
    ...flintlockArticle,
    photos: flintlockArticle.photos.map((p, i) => ({ ...p, file: `${slug}-${i}.png` })),
    ...changes,
  };
}

/** The article without a word of `phrase`: the paragraphs and photos naming it taken out. */
export function withoutPhrase(spec: ArticleSpec, phrase: string): ArticleSpec {
  return { ...spec, paragraphs: spec.paragraphs.filter((p) => !p.includes(phrase)), photos: spec.photos.filter((p) => !p.caption.includes(phrase)) };
}

/** A watched page of the fixture site, captured through the real capture job, inline. */
export interface WatchedPage {
  targetId: number;
  path: string;
  capture(): Promise<SavedCapture>;
  /** Captures `n` times and returns every alert kind raised, in order. */
  captureTimes(n: number): Promise<string[]>;
}

let run = 0;

export async function watchPage(ctx: Context, site: FixtureSite, path: string, spec: ArticleSpec, options: Partial<NonNullable<NewTargetInput['options']>> = {}): Promise<WatchedPage> {
  site.article(path, spec);
  const target = await addTarget(ctx, { url: site.url(path), every: '6h', options: { phrases: ['Assimi Goita'], ...options } });
  const capture = () => runCapture(ctx, target.id, `test-${target.id}-${++run}`);
  return {
    targetId: target.id,
    path,
    capture,
    async captureTimes(n) {
      const kinds: string[] = [];
      for (let i = 0; i < n; i++) kinds.push(...(await capture()).alerts.map((a) => a.kind));
      return kinds;
    },
  };
}
