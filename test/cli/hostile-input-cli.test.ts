import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { testEnv } from '../helpers/context.ts';
import { deletePrefixKeys, uniquePrefix } from '../helpers/queue-prefix.ts';
import { runCli } from '../helpers/cli.ts';
import { TEN_THOUSAND, UNSTORABLE, VERBATIM, tableNames } from '../helpers/hostile-strings.ts';
import { parseNewTarget, type NewTargetInput } from '../../src/targets/target-input.ts';
import { InvalidInputError } from '../../src/errors/index.ts';

const URL_OK = 'http://127.0.0.1:9/cli-hostile';

/** Command lines the CLI must refuse with exit code 2, and what the one-line message must say, naming the flag. */
const REFUSED: readonly (readonly [string[], RegExp])[] = [
  [['targets', 'add', 'javascript:alert(document.cookie)'], /^url: .*javascript:/],
  [['targets', 'add', 'file:///etc/passwd'], /^url: .*file:/],
  [['targets', 'add', 'data:text/html,<script>alert(1)</script>'], /^url: .*data:/],
  [['targets', 'add', "'; drop table targets; --"], /^url: /],
  [['targets', 'add', `${URL_OK}/1`, '--cron', '61 * * * *'], /^--cron "61 \* \* \* \*" is not a valid pattern/],
  [['targets', 'add', `${URL_OK}/3`, '--every', "6h'; --"], /^--every "6h'; --" is not a duration/],
  [['targets', 'add', `${URL_OK}/4`, '--name', TEN_THOUSAND], /^--name must have at most 300 characters$/],
  [['targets', 'add', `${URL_OK}/5`, '--wait-for', TEN_THOUSAND], /^--wait-for must have at most 500 characters$/],
  [['targets', 'add', `${URL_OK}/6`, '--ignore', ' '], /^--ignore must not be empty$/],
  [['targets', 'add', `${URL_OK}/7`, '--not-found', "'); drop table targets; --"], /^--not-found is not a valid regular expression/],
  [['targets', 'add', `${URL_OK}/8`, '--tag', "'; drop table targets; --"], /^--tag must be 1-64 letters/],
  [['targets', 'show', "1' or 1=1"], /^target id must be a positive whole number/],
  [['targets', 'remove', '99999999999999999999'], /^target id must be a positive whole number/],
  [['subscriptions', 'add', '--name', 'w', '--webhook', 'javascript:alert(1)'], /can receive webhooks/],
  [['subscriptions', 'add', '--name', 'e', '--email', "'; drop table subscriptions; --"], /^--email is not an email address/],
  [['subscriptions', 'add', '--name', 'd', '--email', 'a@example.org', '--digest', '1 or 1=1'], /^--digest must be a duration/],
  [['subscriptions', 'add', '--name', TEN_THOUSAND, '--feed'], /^--name must have at most 200 characters$/],
  [['tokens', 'create', '--role', "admin'; --"], /^option '--role <role>' argument 'admin'; --' is invalid\. Allowed choices are admin, operator, reviewer, researcher\./],
  [['tokens', 'create', '--role', 'reviewer', '--name', TEN_THOUSAND], /^--name must have at most 200 characters$/],
  [['tokens', 'create', '--role', 'reviewer', '--name', '   '], /^--name must not be empty$/],
];

describe('hostile input through the CLI: exit 2 naming the field, or stored verbatim', () => {
  let db: TestDatabase;
  let env: Record<string, string>;
  let prefix: string;
  let tablesBefore: string[];

  beforeAll(async () => {
    db = await createTestDatabase();
    prefix = uniquePrefix();
    env = testEnv(db.url, prefix);
    tablesBefore = await tableNames(db.pool);
  });
  afterAll(async () => {
    await deletePrefixKeys(prefix);
    await db?.drop();
  });

  it('refuses each bad flag or argument with exit code 2 and one line naming it', { timeout: 300_000 }, async () => {
    const failures: string[] = [];
    for (const [args, names] of REFUSED) {
      const run = await runCli(args, env);
      // Commander's own refusals (a value not among a flag's choices) add the hint to --help on a line of their own.
      const lines = run.stderr.trim().split('\n').filter((l) => l !== '(run with --help for usage)');
      const line = lines[0]!.replace(/^scrubwatch: /, '');
      if (run.code !== 2 || !names.test(line) || lines.length !== 1 || run.stdout !== '') {
        failures.push(`${args.join(' ').slice(0, 80)} → exit ${run.code}: ${run.stderr.slice(0, 200)}`);
      }
    }
    expect(failures).toEqual([]);
    const { rows } = await db.pool.query<{ targets: number; subscriptions: number; tokens: number }>(
      'select (select count(*) from targets)::int as targets, (select count(*) from subscriptions)::int as subscriptions, (select count(*) from api_tokens)::int as tokens',
    );
    expect(rows[0]).toEqual({ targets: 0, subscriptions: 0, tokens: 0 });
  });

  it('stores SQL, markup, emoji and RTL text verbatim in every text flag, and the tables are all still there', { timeout: 120_000 }, async () => {
    const [sql, quoted, , , markup, , emoji, rtl] = VERBATIM;
    const added = await runCli(['targets', 'add', URL_OK, '--name', sql!, '--wait-for', markup!, '--ignore', emoji!, '--phrase', rtl!, '--phrase', quoted!, '--not-found', sql!, '--json'], env);
    expect(added.code, added.stderr).toBe(0);
    const target = JSON.parse(added.stdout) as { id: number; name: string; options: Record<string, unknown> };
    const expected = { name: sql, options: expect.objectContaining({ waitFor: markup, ignore: [emoji], phrases: [rtl, quoted], notFound: [sql] }) };
    expect(target).toMatchObject(expected);
    const listed = await runCli(['targets', 'list', '--json'], env);
    expect(JSON.parse(listed.stdout)).toEqual([expect.objectContaining({ id: target.id, ...expected })]);

    const subscribed = await runCli(['subscriptions', 'add', '--name', quoted!, '--feed', '--json'], env);
    expect(subscribed.code, subscribed.stderr).toBe(0);
    expect(JSON.parse(subscribed.stdout)).toMatchObject({ name: quoted, channel: 'feed' });

    const token = await runCli(['tokens', 'create', '--role', 'researcher', '--name', `${rtl} ${emoji} ${sql}`, '--json'], env);
    expect(token.code, token.stderr).toBe(0);
    expect(JSON.parse(token.stdout)).toMatchObject({ name: `${rtl} ${emoji} ${sql}`, role: 'researcher' });

    const { rows } = await db.pool.query<{ name: string }>('select name from targets union all select name from subscriptions union all select name from api_tokens');
    expect(rows.map((r) => r.name)).toEqual([sql, quoted, `${rtl} ${emoji} ${sql}`]);
    expect(await tableNames(db.pool)).toEqual(tablesBefore);
  });

  it('a NUL or a lone surrogate cannot be typed as an argument, but a file of targets can hold one: the same validation refuses it naming the field', () => {
    for (const text of UNSTORABLE) {
      const inputs: [NewTargetInput, string][] = [
        [{ url: URL_OK, name: text }, 'name'],
        [{ url: URL_OK, options: { waitFor: text } }, 'options.waitFor'],
        [{ url: URL_OK, options: { ignore: ['nav', text] } }, 'options.ignore.1'],
        [{ url: URL_OK, options: { phrases: [text] } }, 'options.phrases.0'],
        [{ url: URL_OK, options: { notFound: [text] } }, 'options.notFound.0'],
      ];
      for (const [input, field] of inputs) {
        const thrown = (() => {
          try {
            parseNewTarget(input, '6h');
            return null;
          } catch (err) {
            return err;
          }
        })();
        expect(thrown, `${field} ${JSON.stringify(text)}`).toBeInstanceOf(InvalidInputError);
        expect(thrown).toMatchObject({ field, message: expect.stringMatching(new RegExp(`^${field.replace(/\./g, '\\.')}: contains a (NUL|lone)`)) });
      }
    }
  });
});
