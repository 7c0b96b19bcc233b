import type { ServerResponse } from 'node:http';
import { constants, createDeflateRaw } from 'node:zlib';
import { solidPng } from '../../src/demo/png.ts';

/**
 * Pages that try to exhaust the capturing machine's memory, served by the hostile site (hostile-site.ts):
 *
 * - `/memory-hog`: an article whose script allocates 32 MB every turn of its event loop, for ever, and whose load
 *   event never fires (a photo from `/hang/`), so a capture waits on it
 * - `/iframe-stream`: an article framing `/endless-document`, HTML paragraphs streamed for as long as it is read
 * - `/image-bomb`: an article whose photo `/bomb.png` is a PNG header then zeros for ever, sent gzip-compressed:
 *   a megabyte on the wire inflates to a gigabyte
 * - `/heavy-normal`: what a large but honest page costs: 1,000 paragraphs, 20 photos and a script holding 200,000 objects
 */
export const HEAVY_PAGES = ['/memory-hog', '/iframe-stream', '/image-bomb', '/heavy-normal'] as const;

const page = (title: string, body: string): string =>
  `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title></head><body><article><h1>${title}</h1>
<p>${title}: the ministry published this notice for residents of the district and it stays online.</p>${body}</article></body></html>`;

const PAGES: Record<string, string> = {
  // The photo never answers (the hostile site's /hang/), so the load event never fires and the capture waits on.
  '/memory-hog': page('Memory hog', `<img src="/hang/hog.png" alt="Hog" width="10" height="10"><script>const kept = []; (function grow() { for (let i = 0; i < 4; i++) kept.push(new Array(1 << 20).fill(Math.random())); setTimeout(grow, 0); })();</script>`),
  '/iframe-stream': page('Iframe stream', '<iframe src="/endless-document"></iframe>'),
  '/image-bomb': page('Image bomb', '<figure><img src="/bomb.png" alt="Bomb" width="100" height="100"><figcaption>Inflates</figcaption></figure>'),
  '/heavy-normal': page(
    'Heavy normal',
    Array.from({ length: 1_000 }, (_, i) => `<p>Paragraph ${i + 1} of an honest page, with enough words in it to be read as part of the article.</p>`).join('') +
      Array.from({ length: 20 }, (_, i) => `<img src="/photo/${i}.png" alt="Photo ${i}" width="640" height="480">`).join('') +
      `<script>window.kept = Array.from({ length: 200000 }, (_, i) => ({ i, text: 'item ' + i }));</script>`,
  ),
};

const STREAM = Buffer.from('<p>Endless words of a framed page that never stops, streamed as fast as it is read.</p>\n'.repeat(200));
const GZIP_HEADER = Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]);
const ZEROS = 16 * 2 ** 20;

/** A deflate block of ZEROS zero bytes ending in a full flush: byte-aligned and self-contained, so it can repeat. */
async function zeroBlock(): Promise<Buffer> {
  const deflate = createDeflateRaw({ level: 9 });
  const out: Buffer[] = [];
  deflate.on('data', (chunk: Buffer) => out.push(chunk));
  deflate.write(Buffer.alloc(ZEROS));
  await new Promise<void>((resolve) => deflate.flush(constants.Z_FULL_FLUSH, () => resolve()));
  deflate.close();
  return Buffer.concat(out);
}

/** A PNG signature and header (10,000 px square), then an IDAT chunk that claims 2 GB: the decoder waits for it. */
function pngStart(): Buffer {
  const chunk = (type: string, data: Buffer, length = data.length): Buffer => {
    const head = Buffer.alloc(8);
    head.writeUInt32BE(length, 0);
    head.write(type, 4, 'latin1');
    return Buffer.concat([head, data]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(10_000, 0);
  ihdr.writeUInt32BE(10_000, 4);
  ihdr[8] = 8;
  ihdr[9] = 6;
  return Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), chunk('IHDR', ihdr), Buffer.alloc(4), chunk('IDAT', Buffer.alloc(0), 0x7ffffff0)]);
}

/** Writes `chunk` to `res` for as long as the client reads, only as fast as it reads. */
function endless(res: ServerResponse, chunk: Buffer): void {
  const more = (): void => {
    while (!res.destroyed) if (!res.write(chunk)) return void res.once('drain', more);
  };
  more();
}

/** Serves the heavy pages: `handle` answers a path it knows and returns true. */
export async function heavyPages(): Promise<{ handle(path: string, res: ServerResponse): boolean }> {
  const block = await zeroBlock();
  const start = pngStart();
  // The PNG's first bytes in a stored (uncompressed) deflate block, then zeros that inflate without end.
  const stored = Buffer.from([0, start.length & 0xff, start.length >> 8, ~start.length & 0xff, (~start.length >> 8) & 0xff]);
  return {
    handle(path, res) {
      if (path === '/endless-document') {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        endless(res, STREAM);
        return true;
      }
      if (path === '/bomb.png') {
        res.writeHead(200, { 'content-type': 'image/png', 'content-encoding': 'gzip' });
        res.write(Buffer.concat([GZIP_HEADER, stored, start]));
        endless(res, block);
        return true;
      }
      const body = /^\/photo\/\d+\.png$/.test(path) ? solidPng(path, 640, 480) : PAGES[path];
      if (body === undefined) return false;
      res.writeHead(200, { 'content-type': typeof body === 'string' ? 'text/html; charset=utf-8' : 'image/png' });
      res.end(body);
      return true;
    },
  };
}
