import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFixtureSite, type FixtureSite } from '../../src/demo/fixture-site.ts';
import { listAlerts } from '../../src/db/alerts.ts';
import { signInSession } from '../helpers/sessions.ts';
import { useUiServer } from '../helpers/ui.ts';
import { readZip, sha256Hex } from '../helpers/wacz.ts';
import { articleFor, watchPage } from '../helpers/watch.ts';

/** The packages for reviewers: streamed by the API on a token, and by the alert page's link on the session. */
describe('evidence packages over HTTP', () => {
  const rig = useUiServer();
  let site: FixtureSite;
  let dir: string;
  let alertId: number;
  let snapshotId: number;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'scrubwatch-evidence-api-'));
    site = await startFixtureSite();
    const path = '/news/evidence-api';
    const page = await watchPage(rig.server.ctx, site, path, articleFor(path));
    snapshotId = (await page.capture()).snapshot.id;
    site.gone(path, 404);
    await page.captureTimes(2);
    alertId = (await listAlerts(rig.server.ctx.pool, { targetId: page.targetId, kind: 'page_removed' }))[0]!.id;
  }, 180_000);
  afterAll(async () => {
    await site?.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** The package's entries, and that datapackage.json's hashes hold. */
  async function entriesOf(body: Buffer): Promise<string[]> {
    const file = join(dir, `${sha256Hex(body)}.wacz`);
    await writeFile(file, body);
    const zip = await readZip(file);
    const manifest = JSON.parse(zip.get('datapackage.json')!.data.toString('utf8')) as { resources: Array<{ path: string; hash: string }> };
    for (const r of manifest.resources) expect(r.hash).toBe(`sha256:${sha256Hex(zip.get(r.path)!.data)}`);
    return [...zip.keys()].sort();
  }

  const ENTRIES = ['archive/data.warc.gz', 'datapackage-digest.json', 'datapackage.json', 'indexes/index.cdxj', 'pages/pages.jsonl'];

  it("streams an alert's package as an attachment to a reviewer", { timeout: 60_000 }, async () => {
    const r = await rig.server.app.inject({ method: 'GET', url: `/api/alerts/${alertId}/evidence.wacz`, headers: rig.server.as('reviewer') });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.headers['content-type']).toBe('application/wacz');
    expect(r.headers['content-disposition']).toBe(`attachment; filename="scrubwatch-alert-${alertId}.wacz"`);
    expect(await entriesOf(r.rawPayload)).toEqual(ENTRIES);
  });

  it("streams one snapshot's package", { timeout: 60_000 }, async () => {
    const r = await rig.server.app.inject({ method: 'GET', url: `/api/snapshots/${snapshotId}/capture.wacz`, headers: rig.server.as('operator') });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.headers['content-type']).toBe('application/wacz');
    expect(await entriesOf(r.rawPayload)).toEqual(ENTRIES);
  });

  it('answers 404 for an unknown id and 403 to a role that may not read snapshots', async () => {
    const missing = await rig.server.app.inject({ method: 'GET', url: '/api/alerts/987654/evidence.wacz', headers: rig.server.as('reviewer') });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ error: 'not_found' });
    const researcher = await rig.server.app.inject({ method: 'GET', url: `/api/alerts/${alertId}/evidence.wacz`, headers: rig.server.as('researcher') });
    expect(researcher.statusCode).toBe(403);
  });

  it('documents both routes in the OpenAPI document', async () => {
    const doc = (await rig.server.app.inject({ method: 'GET', url: '/openapi.json' })).json() as { paths: Record<string, { get?: { responses: Record<string, { content?: Record<string, unknown> }> } }> };
    expect(Object.keys(doc.paths['/api/alerts/{id}/evidence.wacz']!.get!.responses['200']!.content!)).toEqual(['application/wacz']);
    expect(Object.keys(doc.paths['/api/snapshots/{id}/capture.wacz']!.get!.responses['200']!.content!)).toEqual(['application/wacz']);
  });

  it('links the package from the alert page, and serves it on the session', { timeout: 60_000 }, async () => {
    const { cookie } = await signInSession(rig.server.baseUrl, rig.server.tokens.reviewer);
    const page = await (await fetch(`${rig.server.baseUrl}/alerts/${alertId}`, { headers: { cookie } })).text();
    expect(page).toContain(`<a href="/alerts/${alertId}/evidence.wacz" download>Download evidence (WACZ)</a>`);
    const r = await fetch(`${rig.server.baseUrl}/alerts/${alertId}/evidence.wacz`, { headers: { cookie } });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('application/wacz');
    expect(await entriesOf(Buffer.from(await r.arrayBuffer()))).toEqual(ENTRIES);
  });
});
