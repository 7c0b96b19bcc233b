import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll } from 'vitest';
import { ready } from './context-rig.ts';

/** How the fake oEmbed endpoint answers for one tweet: up (with its words), or a bare status. */
export type OembedAnswer = { status: 200; author: string; text: string; date: string } | { status: 403 | 404 | 429 | 500 | 503; retryAfter?: number };

/** A local stand-in for Twitter's public oEmbed endpoint, answering per tweet id as the test says. */
export interface FakeOembed {
  /** The base URL for SCRUBWATCH_OEMBED_URL. */
  url: string;
  answer(tweetId: string, answer: OembedAnswer): void;
  /** When each request for a tweet arrived (ms since epoch), and the `url` it asked about. */
  requests(tweetId?: string): Array<{ at: number; url: string }>;
  close(): Promise<void>;
}

export async function startFakeOembed(): Promise<FakeOembed> {
  const answers = new Map<string, OembedAnswer>();
  const seen: Array<{ at: number; url: string; id: string }> = [];
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://oembed');
    const asked = url.searchParams.get('url') ?? '';
    const id = /\/status(?:es)?\/(\d+)/.exec(asked)?.[1] ?? '';
    seen.push({ at: Date.now(), url: asked, id });
    const answer = answers.get(id) ?? { status: 404 };
    if (url.pathname !== '/oembed' || url.searchParams.get('omit_script') !== 'true') {
      res.writeHead(400).end('bad request');
      return;
    }
    if (answer.status !== 200) {
      res.writeHead(answer.status, answer.status === 429 && answer.retryAfter !== undefined ? { 'retry-after': String(answer.retryAfter) } : {}).end();
      return;
    }
    const html = `<blockquote class="twitter-tweet"><p lang="en" dir="ltr">${answer.text}</p>&mdash; U.S. Africa Command (@${answer.author}) <a href="https://twitter.com/${answer.author}/status/${id}?ref_src=twsrc%5Etfw">${answer.date}</a></blockquote>\n`;
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(
      JSON.stringify({ url: `https://twitter.com/${answer.author}/status/${id}`, author_name: 'U.S. Africa Command', author_url: `https://twitter.com/${answer.author}`, html, width: 550, height: null, type: 'rich', cache_age: '3153600000', provider_name: 'Twitter', provider_url: 'https://twitter.com', version: '1.0' }),
    );
  };
  const server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/oembed`,
    answer: (id, a) => answers.set(id, a),
    requests: (id) => seen.filter((r) => id === undefined || r.id === id).map(({ at, url }) => ({ at, url })),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/**
 * A fake oEmbed for the calling test file (or describe block): started before its tests — and before a rig
 * registered after this call reads its URL into the environment — and closed after. Read it inside tests and hooks.
 */
export function useFakeOembed(): () => FakeOembed {
  let oembed: FakeOembed | undefined;
  beforeAll(async () => {
    oembed = await startFakeOembed();
  });
  afterAll(async () => {
    await oembed?.close();
  });
  return () => ready(oembed, 'fake oEmbed', 'server');
}
