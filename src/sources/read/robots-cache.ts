import type { Logger } from 'pino';
import robotsParserModule, { type Robot } from 'robots-parser';
import type { SourceProblem } from '../discovered.ts';
import type { TextResult } from './discovery-fetch.ts';
import { problem } from './problem.ts';

/** The product token robots.txt groups are matched against (robots-parser matches the token, not the whole UA). */
const ROBOTS_AGENT = 'scrubwatch';

// robots-parser is CommonJS (`module.exports = function`) typed as an ES default export: Node hands the function
// itself to a default import, which its types call `.default`.
const robotsParser = robotsParserModule as unknown as (url: string, contents: string) => Robot;

/** What the cache needs: robots.txt read as text (without a robots check of its own), by a deadline. */
export interface RobotsCacheOptions {
  ignore: boolean;
  logger: Logger;
  read: (url: string, deadline?: number) => Promise<TextResult>;
}

/** An origin's robots.txt as read once: its rules (null: allow all) and why it could not be read, if so. */
interface RobotsEntry {
  robot: Robot | null;
  problem: SourceProblem | null;
}

/**
 * robots.txt, read once per origin per fetcher (so once per source read) and parsed with robots-parser. A missing
 * robots.txt (4xx) allows everything; one that cannot be read (5xx, network) allows everything too, logged: a
 * discovery read is a handful of requests, not a crawl, and the pages it finds are captured under the usual rules.
 */
export class RobotsCache {
  private readonly byOrigin = new Map<string, Promise<RobotsEntry>>();

  constructor(private readonly options: RobotsCacheOptions) {}

  /** A `robots_disallowed` problem when robots.txt forbids `url` to scrubwatch; null when it may be read. */
  async check(url: string, opts: { robots?: boolean; deadline?: number }): Promise<SourceProblem | null> {
    if (this.options.ignore || opts.robots === false) return null;
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return null;
    }
    if (parsed.pathname === '/robots.txt') return null;
    const { robot } = await this.entry(parsed.origin, opts.deadline);
    if (robot === null || robot.isAllowed(url, ROBOTS_AGENT) !== false) return null;
    return problem('robots_disallowed', url, `${parsed.origin}/robots.txt disallows it; a source whose operator decides otherwise takes --ignore-robots`);
  }

  /** The `Sitemap:` lines of `url`'s origin's robots.txt, and why none could be read, if so. */
  async sitemaps(url: string, deadline?: number): Promise<{ sitemaps: string[]; problem: SourceProblem | null }> {
    const entry = await this.entry(new URL(url).origin, deadline);
    return { sitemaps: entry.robot?.getSitemaps() ?? [], problem: entry.problem };
  }

  private entry(origin: string, deadline: number | undefined): Promise<RobotsEntry> {
    let entry = this.byOrigin.get(origin);
    if (entry === undefined) {
      entry = this.load(origin, deadline);
      this.byOrigin.set(origin, entry);
    }
    return entry;
  }

  private async load(origin: string, deadline: number | undefined): Promise<RobotsEntry> {
    const url = `${origin}/robots.txt`;
    const read = await this.options.read(url, deadline);
    if (!read.ok) {
      // No robots.txt (an error status) is the common case and allows all; anything else is worth a log line.
      if (read.problem.code === 'http_status') return { robot: null, problem: null };
      this.options.logger.info({ url, code: read.problem.code, reason: read.problem.message }, 'robots.txt unreadable, reading as allowed');
      return { robot: null, problem: read.problem };
    }
    return { robot: robotsParser(url, read.text), problem: null };
  }
}
