import { Option, type Command } from 'commander';
import { getSavedSearch, listSavedSearchesPage } from '../db/saved-searches.ts';
import { reindexArchive } from '../search/reindex.ts';
import { removeSavedSearch, saveSearch } from '../search/saved-searches.ts';
import { SEARCH_SCOPES, searchArchive } from '../search/search-archive.ts';
import { NotFoundError } from '../errors/index.ts';
import { requireNarrowing } from './narrowing.ts';
import { createStageProgress } from './progress.ts';
import { parseCursor, parseLimit, refuseWatchOnlyFlags, searchNarrowing, searchRequest, type SearchFlags } from './search-flags.ts';
import { marksFor, reindexText, savedSearchesText, searchResultText, watchText } from './search-format.ts';
import { jsonText } from './terminal-text.ts';
import { output, parseId, withPool, type CommonFlags } from './runtime.ts';

async function search(query: string, flags: SearchFlags): Promise<void> {
  if (flags.watch) {
    refuseWatchOnlyFlags(flags);
    const narrowing = searchNarrowing(flags);
    await withPool(async (pool) => {
      const kept = await saveSearch(pool, { query, ...narrowing, createdBy: 'cli', ownerTokenId: null });
      output(flags, { savedSearch: kept.search, created: kept.created }, watchText);
    });
    return;
  }
  const req = searchRequest(query, flags);
  await withPool(async (pool) => {
    await requireNarrowing(pool, req);
    const result = await searchArchive(pool, req);
    // The terminal form is made safe piece by piece (search-format.ts): the match marks are escapes of our own.
    process.stdout.write(flags.json ? `${jsonText(result)}\n` : `${searchResultText(result, req.scope, marksFor(process.stdout), req.cursor !== undefined)}\n`);
  });
}

/**
 * `scrubwatch search QUERY` and its subcommands `saved`, `unwatch` and `reindex`. A query that is one of those words is
 * searched as a one-word phrase: `scrubwatch search '"reindex"'`.
 */
export function registerSearch(program: Command): void {
  const cmd = program
    .command('search')
    .description('search every page scrubwatch holds: which mention a name now, which ever did, and which no longer do')
    .argument('<query>', 'words, a "quoted phrase", OR, -word to exclude, word* for a prefix (quote the whole query for the shell)')
    // Options stand before a subcommand's name or after the query, so `search saved --json` reaches `saved`.
    .enablePositionalOptions()
    // `help` is a word to search for; `search --help` still prints the help.
    .helpCommand(false)
    .addOption(new Option('--scope <scope>', 'now: pages that match now (default); ever: that ever matched; gone: that matched and no longer do').choices(SEARCH_SCOPES))
    .option('--target <id>', 'only this target')
    .option('--tag <tag>', 'only targets with this tag')
    .option('--source <id>', 'only the targets this source lists')
    .option('--since <date>', 'now: captured since; ever and gone: last seen matching since (like 2026-01-01)')
    .option('--limit <n>', 'results on a page (1-200, default 20)')
    .option('--cursor <next>', 'the page after the one that printed this `next`')
    .option('--watch', 'keep the query: a page that stops matching raises phrase_removed (narrow with --target, --tag, --source)')
    .option('--json', 'print {items, next} as JSON (with --watch: {savedSearch, created})')
    .addHelpText(
      'after',
      `\nA query that starts with - goes after --: scrubwatch search -- '-football Goita'\nThe word saved, unwatch or reindex is searched as a phrase: scrubwatch search '"reindex"'`,
    )
    .action(search);

  cmd
    .command('saved')
    .description('list saved searches (kept with `search QUERY --watch` or POST /api/searches)')
    .option('--limit <n>', 'saved searches on a page (1-200, default 20)')
    .option('--cursor <next>', 'the page after the one that printed this `next`')
    .option('--json', 'print {items, next} as JSON')
    .action(async (flags: CommonFlags & { limit?: string; cursor?: string }) => {
      const limit = parseLimit(flags.limit);
      const after = parseCursor(flags.cursor);
      await withPool(async (pool) => {
        const rows = await listSavedSearchesPage(pool, { after, limit: limit + 1 });
        const items = rows.slice(0, limit);
        const page = { items, next: rows.length > limit ? items[items.length - 1]!.id : null };
        output(flags, page, (p) => savedSearchesText(p, after !== undefined));
      });
    });

  cmd
    .command('unwatch <id>')
    .description('remove a saved search; the alerts it raised stay')
    .option('--json', 'print the removed saved search as JSON')
    .action(async (id: string, flags: CommonFlags) => {
      const searchId = parseId(id, 'saved search id');
      await withPool(async (pool) => {
        const kept = await getSavedSearch(pool, searchId);
        if (!kept) throw new NotFoundError('saved search', searchId, 'scrubwatch search saved');
        await removeSavedSearch(pool, searchId);
        output(flags, kept, (s) => `removed saved search #${s.id} ${s.query}`);
      });
    });

  cmd
    .command('reindex')
    .description('index every snapshot already stored (after upgrading to a version with search); idempotent')
    .option('--json', 'print {snapshots, texts, pages, durationMs} at the end, and no progress')
    .action(async (flags: CommonFlags) => {
      await withPool(async (pool) => {
        const progress = createStageProgress(!flags.json);
        const report = await reindexArchive(pool, progress);
        progress.end();
        output(flags, report, reindexText);
      });
    });
}
