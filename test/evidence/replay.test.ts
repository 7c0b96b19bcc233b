import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ready } from '../helpers/context-rig.ts';
import { useFixtureRig } from '../helpers/fixture-rig.ts';
import { launchUiBrowser } from '../helpers/ui.ts';
import { articleFor, watchPage } from '../helpers/watch.ts';
import { startReplayClient, type ReplayClient } from '../helpers/replay-client.ts';
import { flintlockArticle } from '../../src/demo/fixture-site.ts';
import { recordingForSnapshot } from '../../src/db/capture-exchanges.ts';
import { planAlertPackage } from '../../src/evidence/evidence-snapshots.ts';
import { packageDeps } from '../../src/evidence/package-deps.ts';
import { writePackageFile } from '../../src/evidence/package-file.ts';
import { loadPackageSigner } from '../../src/evidence/sign-package.ts';
import type { Alert } from '../../src/db/alerts.ts';

const GOITA = flintlockArticle.paragraphs.find((p) => p.includes('Goita'))!;
const PATH = '/news/flintlock-2019';

/**
 * Waits for the wall clock's next second. A package's index dates records to the second (CDXJ), and replay finds a
 * page by the nearest date: a capture started in the same second as the previous one could not be told from it.
 */
async function untilNextSecond(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 1_000 - (Date.now() % 1_000) + 10));
}

/** `20261207154400`: an ISO time as replay URLs and CDXJ lines write it. */
const fourteenDigits = (iso: string) => iso.replace(/\D/g, '').slice(0, 14);

describe('an evidence package replays in the real ReplayWeb.page', () => {
  const rig = useFixtureRig();
  let browser: Browser;
  let client: ReplayClient | undefined;
  let dir: string;
  let url: string;
  /** For each alert: its package, and the times of the page as the snapshots in it received it. */
  const packages: Record<'phrase' | 'page', { alert: Alert; file: string; beforeTs: string; afterTs: string }> = {} as never;

  /** The time the snapshot's recording received the page itself (the WARC-Date of its response record). */
  const documentTs = async (snapshotId: number): Promise<string> => {
    const recording = await recordingForSnapshot(rig.ctx.pool, snapshotId);
    const document = recording?.exchanges.find((e) => e.url === url && e.resourceType === 'document');
    if (document === undefined) throw new Error(`snapshot #${snapshotId} has no recorded exchange for ${url}`);
    return fourteenDigits(document.startedAt);
  };

  const exportAlert = async (alert: Alert, name: string): Promise<string> => {
    const file = join(dir, name);
    const { config, logger, pool } = rig.ctx;
    const report = await writePackageFile(file, () => planAlertPackage(pool, alert.id), (scratch) => packageDeps(pool, config, logger, scratch));
    expect(report.signed).toBe(true);
    return file;
  };

  beforeAll(async () => {
    browser = await launchUiBrowser();
    dir = await mkdtemp(join(tmpdir(), 'scrubwatch-replay-'));
    rig.site.home();
    // Only the range photo: the other's caption names Col. Goita too, and would keep the phrase on the page.
    const spec = articleFor(PATH);
    const photos = spec.photos.slice(1);
    const page = await watchPage(rig.ctx, rig.site, PATH, { ...spec, photos });
    url = rig.site.url(PATH);
    const baseline = await page.capture();
    await untilNextSecond();

    rig.site.article(PATH, { ...spec, photos, paragraphs: spec.paragraphs.filter((p) => p !== GOITA) });
    const cut = [await page.capture(), await page.capture()];
    const phrase = cut[1]!.alerts.find((a) => a.kind === 'phrase_removed');
    expect(phrase, 'cutting the paragraph is confirmed as phrase_removed').toBeDefined();
    await untilNextSecond();

    rig.site.gone(PATH, 404);
    const gone = [await page.capture(), await page.capture()];
    const removed = gone[1]!.alerts.find((a) => a.kind === 'page_removed');
    expect(removed, 'the 404 is confirmed as page_removed').toBeDefined();

    packages.phrase = { alert: phrase!, file: await exportAlert(phrase!, 'phrase-removed.wacz'), beforeTs: await documentTs(baseline.snapshot.id), afterTs: await documentTs(cut[0]!.snapshot.id) };
    packages.page = { alert: removed!, file: await exportAlert(removed!, 'page-removed.wacz'), beforeTs: await documentTs(cut[1]!.snapshot.id), afterTs: await documentTs(gone[0]!.snapshot.id) };
    client = await startReplayClient(browser, { phrase: packages.phrase.file, page: packages.page.file });
  }, 150_000);

  afterAll(async () => {
    await client?.close();
    await browser?.close();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('phrase_removed: the before-page shows the paragraph naming Col. Goita, the after-page the article without it', async () => {
    const { beforeTs, afterTs } = packages.phrase;
    expect(afterTs > beforeTs).toBe(true);
    const replay = ready(client, 'replay test', 'client');
    const before = await replay.open('phrase', url, beforeTs);
    expect(before.frameUrl).toContain(`/${beforeTs}mp_/${url}`);
    expect(before.status).toBe(200);
    expect(before.title).toContain(flintlockArticle.title);
    expect(before.text).toContain(GOITA);

    const after = await replay.open('phrase', url, afterTs);
    expect(after.frameUrl).toContain(`/${afterTs}mp_/${url}`);
    expect(after.status).toBe(200);
    expect(after.text).toContain(flintlockArticle.paragraphs[0]);
    expect(after.text).not.toContain('Goita');

    const verification = await replay.verification('phrase');
    const signer = await loadPackageSigner(rig.ctx.pool, rig.ctx.config, rig.ctx.logger);
    expect(verification.signatureValid).toBe(true);
    expect(verification.shown.publicKey).toBe(signer.publicKey);
  }, 300_000);

  it('page_removed: the before-page shows the article, the after-page the site’s 404', async () => {
    const { beforeTs, afterTs } = packages.page;
    expect(afterTs > beforeTs).toBe(true);
    const replay = ready(client, 'replay test', 'client');
    const before = await replay.open('page', url, beforeTs);
    expect(before.status).toBe(200);
    expect(before.title).toContain(flintlockArticle.title);
    expect(before.text).toContain(flintlockArticle.paragraphs[0]);

    const after = await replay.open('page', url, afterTs);
    expect(after.frameUrl).toContain(`/${afterTs}mp_/${url}`);
    expect(after.status).toBe(404);
    // The site's own not-found page, as received: not ReplayWeb.page's "Archived Page Not Found".
    expect(after.title).toBe('Page not found');
    expect(after.text).toContain('The page you requested (error 404) could not be found.');
    expect((await replay.verification('page')).signatureValid).toBe(true);
  }, 300_000);
});
