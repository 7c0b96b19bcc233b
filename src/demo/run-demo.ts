import type { Context } from '../context.ts';
import { migrate } from '../db/migrate.ts';
import { listAlerts, type Alert } from '../db/alerts.ts';
import type { Target } from '../db/targets.ts';
import { addTarget } from '../targets/manage-targets.ts';
import { runCapture } from '../watch/capture-target.ts';
import { demoRunTag, jobIds } from '../queue/vocabulary.ts';
import { flintlockArticle, startFixtureSite, type ArticleSpec } from './fixture-site.ts';

/** The story the demo tells, as it goes: one line per step. */
export type DemoNarrator = (line: string) => void;

export interface DemoResult {
  siteUrl: string;
  targets: Target[];
  alerts: Alert[];
}

const GOITA_PARAGRAPH = flintlockArticle.paragraphs.find((p) => p.includes('Goita'))!;

const galleryPage: ArticleSpec = {
  ...flintlockArticle,
  title: 'Photos: Flintlock 2019 opens in Ouagadougou',
  paragraphs: ['Scenes from the opening ceremony of Flintlock 2019, U.S. Africa Command’s premier annual special operations exercise, held in Ouagadougou, Burkina Faso, on Feb. 18, 2019.'],
  tweet: null,
};

const partnershipArticle: ArticleSpec = {
  ...flintlockArticle,
  title: 'Malian special forces train alongside U.S. Green Berets',
  paragraphs: [
    'ATAR, Mauritania – Malian special forces soldiers completed three weeks of marksmanship, medical and mission-planning training with U.S. Army Green Berets during Flintlock 2019.',
    GOITA_PARAGRAPH,
    'Instructors said the Malian unit would carry the lessons back to operations in central and northern Mali, where violent extremist groups remain active.',
  ],
  // The photo of Col. Goita stays when his paragraph is cut: his name survives in its caption and alt text.
  photos: flintlockArticle.photos,
  tweet: null,
};

/**
 * The whole story in about a minute: starts the bundled fixture military-news site, watches three of its pages,
 * captures them, then takes the Flintlock article down, pulls a photo from the gallery and cuts the paragraph
 * naming Col. Assimi Goita from a third page whose photo caption still names him (a mention cut while the name
 * survives elsewhere); captures twice more (a removal is raised once confirmed) and
 * returns the alerts. Demo targets are added paused and captured by the demo alone: never put on the queue, so a
 * worker running on the same database (`scrubwatch start`) never takes one of their captures and the story is
 * the same whichever processes run; nor does anything go on watching the fixture site once it is gone.
 */
export async function runDemo(ctx: Context, say: DemoNarrator): Promise<DemoResult> {
  await migrate(ctx.pool);
  const site = await startFixtureSite();
  const targets: Target[] = [];
  try {
    site.home();
    site.article('/news/flintlock-2019', flintlockArticle);
    site.article('/photos/flintlock-2019-opening', galleryPage);
    site.article('/news/malian-special-forces-train', partnershipArticle);
    say(`fixture news site running at ${site.origin}`);
    const tag = demoRunTag(new Date());
    for (const [path, name] of [
      ['/news/flintlock-2019', 'Flintlock 2019 article'],
      ['/photos/flintlock-2019-opening', 'Flintlock 2019 photo page'],
      ['/news/malian-special-forces-train', 'Malian special forces article'],
    ] as const) {
      // The demo needs no network: the tweet its pages embed would be probed at the real oEmbed endpoint.
      const target = await addTarget(ctx, { url: site.url(path), name, tags: ['demo', tag], every: '6h', options: { phrases: ['Assimi Goita'], confirm: 2, watchEmbeds: false } }, { paused: true });
      targets.push(target);
      say(`watching #${target.id} ${name} (${target.url})`);
    }
    const captureAll = async (label: string) => {
      for (const t of targets) {
        const saved = await runCapture(ctx, t.id, jobIds.demo(tag, label, t.id));
        const kinds = saved.alerts.map((a) => a.kind);
        say(`  #${t.id} HTTP ${saved.snapshot.status ?? saved.snapshot.error?.code} → ${saved.lifecycle}${kinds.length ? `, raised ${kinds.join(', ')}` : ''}`);
      }
    };
    say('capturing the pages as they are (the baseline)…');
    await captureAll('baseline');

    say('now the site quietly takes things down:');
    site.gone('/news/flintlock-2019', 404);
    say('  - the Flintlock 2019 article is deleted (404)');
    site.article('/photos/flintlock-2019-opening', { ...galleryPage, photos: galleryPage.photos.slice(1) });
    say('  - the photo of Col. Assimi Goita is pulled from the photo page');
    site.article('/news/malian-special-forces-train', { ...partnershipArticle, paragraphs: partnershipArticle.paragraphs.filter((p) => p !== GOITA_PARAGRAPH) });
    say('  - the paragraph naming Col. Assimi Goita is cut from the third article, though his photo’s caption there still names him');

    say('capturing again: the first sighting makes each removal a suspicion…');
    await captureAll('sighting');
    say('capturing once more: the second sighting confirms them…');
    await captureAll('confirm');
    const alerts: Alert[] = [];
    for (const t of targets) alerts.push(...(await listAlerts(ctx.pool, { targetId: t.id })).reverse());
    return { siteUrl: site.origin, targets, alerts };
  } finally {
    await site.close();
  }
}
