import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, useCliRig } from '../helpers/cli.ts';
import { CONTROLS } from '../helpers/hostile-strings.ts';
import { makeTarget, raise } from '../notify/raise.ts';
import { parseNewTarget, type NewTargetInput } from '../../src/targets/target-input.ts';
import { parseTokenName } from '../../src/http/auth/token-name.ts';
import { triageNoteSchema } from '../../src/review/triage-alert.ts';
import { jsonText, terminalText } from '../../src/cli/terminal-text.ts';
import { InvalidInputError } from '../../src/errors/index.ts';

/** A character that acts on a terminal, anywhere in what the CLI printed (a line break or a tab is layout). */
const ACTS_ON_TERMINAL = /(?![\n\t])[\p{Cc}\u202a-\u202e\u2066-\u2069]/u;

function thrown(fn: () => unknown): unknown {
  try {
    fn();
    return null;
  } catch (err) {
    return err;
  }
}

describe('terminal escapes: refused where operators give text, shown harmlessly wherever the CLI prints', () => {
  it('every operator text field refuses each control character naming the field; a triage note keeps its lines and tabs', () => {
    const url = 'https://example.org/x';
    for (const text of CONTROLS) {
      const inputs: [NewTargetInput, string][] = [
        [{ url, name: text }, 'name'],
        [{ url, options: { waitFor: text } }, 'options.waitFor'],
        [{ url, options: { ignore: ['nav', text] } }, 'options.ignore.1'],
        [{ url, options: { phrases: [text] } }, 'options.phrases.0'],
        [{ url, options: { notFound: [text] } }, 'options.notFound.0'],
      ];
      for (const [input, field] of inputs) {
        const err = thrown(() => parseNewTarget(input, '6h'));
        expect(err, `${field} ${JSON.stringify(text)}`).toBeInstanceOf(InvalidInputError);
        expect(err).toMatchObject({ field, message: expect.stringMatching(new RegExp(`^${field.replace(/\./g, '\\.')}: contains (a control character|a bidirectional-text control|a line break)`)) });
      }
      expect(thrown(() => parseTokenName(text))).toMatchObject({ field: 'name' });
      expect(triageNoteSchema.safeParse(text).success, JSON.stringify(text)).toBe(false);
    }
    expect(triageNoteSchema.parse('first line\nsecond\r\n\tindented')).toBe('first line\nsecond\r\n\tindented');
    expect(thrown(() => parseTokenName('a\nb'))).toMatchObject({ message: 'name: contains a line break; write it on one line' });
  });

  it('terminalText shows each control as its \\u escape and keeps line breaks and tabs; jsonText escapes what JSON.stringify leaves raw', () => {
    expect(terminalText('a\u001b]0;owned\u0007\n\tb\u009b\u202e')).toBe('a\\u001b]0;owned\\u0007\n\tb\\u009b\\u202e');
    for (const text of CONTROLS) {
      expect(terminalText(text)).not.toMatch(ACTS_ON_TERMINAL);
      const json = jsonText({ text });
      expect(json).not.toMatch(ACTS_ON_TERMINAL);
      expect(JSON.parse(json)).toEqual({ text });
    }
  });

  describe('through the CLI', () => {
    const rig = useCliRig();
    const names: string[] = [];

    beforeAll(async () => {
      // Rows as an older scrubwatch, or an imported export, may hold them: written past today's validation.
      for (const text of CONTROLS) {
        const id = await makeTarget(rig.db.pool);
        await rig.db.pool.query('update targets set name = $2, options = jsonb_build_object($3::text, jsonb_build_array($2::text)) where id = $1', [id, text, 'phrases']);
        names.push(text);
      }
      const alert = await raise(rig.db.pool, 1, 'page_removed');
      // A summary quotes what the page said: a hostile page's title.
      await rig.db.pool.query('update alerts set summary = $2 where id = $1', [alert.id, `page "${CONTROLS[0]!}${CONTROLS[1]!}" was removed`]);
    });

    it('targets list, targets show and alerts print names, phrases and summaries with their controls made visible', async () => {
      const list = await runCli(['targets', 'list'], rig.env);
      expect(list.code, list.stderr).toBe(0);
      expect(list.stdout).not.toMatch(ACTS_ON_TERMINAL);
      expect(list.stdout.trim().split('\n')).toHaveLength(CONTROLS.length);
      expect(list.stdout).toContain('title\\u001b]0;owned\\u0007');
      expect(list.stdout).toContain('evil\\u202etxt.exe\\u202c');
      const show = await runCli(['targets', 'show', '3'], rig.env);
      expect(show.stdout).toContain('watched phrases: "csi\\u009b31mred"');
      expect(show.stdout).not.toMatch(ACTS_ON_TERMINAL);
      const alerts = await runCli(['alerts'], rig.env);
      expect(alerts.stdout).toContain('page "title\\u001b]0;owned\\u0007\\u001b[2J\\u001b[3Jcleared" was removed');
      expect(alerts.stdout).not.toMatch(ACTS_ON_TERMINAL);
    });

    it('--json carries the same text exactly, every control escaped', async () => {
      const list = await runCli(['targets', 'list', '--json'], rig.env);
      expect(list.stdout).not.toMatch(ACTS_ON_TERMINAL);
      const targets = JSON.parse(list.stdout) as { name: string; options: { phrases: string[] } }[];
      expect(targets.map((t) => t.name)).toEqual(names);
      expect(targets.map((t) => t.options.phrases[0])).toEqual(names);
    });

    it('refuses a control character in a flag (exit 2, naming the flag), and error lines show what was typed harmlessly', async () => {
      const refused = await runCli(['targets', 'add', 'https://example.org/named', '--name', CONTROLS[0]!], rig.env);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toBe('scrubwatch: --name contains a control character (U+001B), which would act on the terminal or page that shows it instead of being shown; remove it\n');
      const badId = await runCli(['targets', 'show', CONTROLS[1]!], rig.env);
      expect(badId.code).toBe(2);
      expect(badId.stderr).toBe('scrubwatch: target id must be a positive whole number, got "\\u001b[2J\\u001b[3Jcleared"\n');
      const unknownFlag = await runCli(['targets', 'list', `--${CONTROLS[0]!}`], rig.env);
      expect(unknownFlag.code).toBe(2);
      expect(unknownFlag.stderr).toMatch(/^scrubwatch: unknown option '--title\\u001b\]0;owned\\u0007'/);
      expect(unknownFlag.stderr).not.toMatch(ACTS_ON_TERMINAL);
    });
  });
});
