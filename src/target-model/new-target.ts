import type { Fetcher } from './fetchers.ts';
import type { Schedule } from './schedule.ts';
import type { TargetOptions } from './target-options.ts';

/** A validated, normalised target ready to insert. */
export interface NewTarget {
  /** `tweet` when the URL names a tweet (then `url` is its canonical form), else `page`. */
  kind: 'page' | 'tweet';
  url: string;
  tweetId: string | null;
  name: string | null;
  tags: string[];
  schedule: Schedule;
  fetcher: Fetcher;
  options: TargetOptions;
}
