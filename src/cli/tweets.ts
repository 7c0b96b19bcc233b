import type { Command } from 'commander';
import { listWatchedTweets, type WatchedTweet } from '../tweets/list-tweets.ts';
import { output, withPool, type CommonFlags } from './runtime.ts';

function tweetLines(t: WatchedTweet): string {
  const who = t.lastSeen?.author ? `@${t.lastSeen.author}` : 'unknown author';
  const verdict = t.lastVerdict ? `${t.lastVerdict.signal ?? t.lastVerdict.outcome} at ${t.lastVerdict.at}` : 'not probed yet';
  return [
    `#${t.id} [${t.lifecycle}]${t.state === 'paused' ? ' (paused)' : ''} ${t.url} — ${who}; last verdict ${verdict}`,
    t.lastSeen?.text ? `  "${t.lastSeen.text.slice(0, 200)}"` : null,
    ...t.embeddedIn.map((p) => `  embedded in #${p.targetId} ${p.url}`),
  ]
    .filter((l) => l !== null)
    .join('\n');
}

export function registerTweets(program: Command): void {
  program
    .command('tweets')
    .description('list watched tweets: their state, what they last said, and the pages that embed them')
    .option('--tag <tag>', 'only tweets with this tag')
    .option('--json', 'print an array of tweets as JSON')
    .action(async (flags: CommonFlags & { tag?: string }) => {
      await withPool(async (pool) => {
        const list = await listWatchedTweets(pool, { tag: flags.tag });
        output(flags, list, (l) => (l.length ? l.map(tweetLines).join('\n') : 'no tweets watched yet: add one with `scrubwatch targets add <tweet-url>`, or watch a page that embeds one'));
      });
    });
}
