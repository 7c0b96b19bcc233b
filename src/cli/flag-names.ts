/**
 * The flag each field of the domain's input is typed as. Validation names fields as the API does (`options.confirm`,
 * `tags.0`); a person at the command line typed `--confirm` and `--tag`, so the CLI names those instead. A field
 * missing here is a positional argument (`url`, `file`) or has no flag, and keeps its own name.
 */
const FLAG_OF_FIELD: Readonly<Record<string, string>> = {
  name: '--name',
  every: '--every',
  cron: '--cron',
  fetcher: '--fetcher',
  tags: '--tag',
  'options.waitFor': '--wait-for',
  'options.ignore': '--ignore',
  'options.phrases': '--phrase',
  'options.confirm': '--confirm',
  'options.notFound': '--not-found',
  'options.watchEmbeds': '--no-embeds',
  'options.archive': '--archive',
  'options.fullEvery': '--full-every',
  webhook: '--webhook',
  slack: '--slack',
  email: '--email',
  target: '--target',
  kinds: '--kind',
  kind: '--kind',
  minSeverity: '--min-severity',
  digest: '--digest',
  role: '--role',
  format: '--format',
  include: '--include',
  exclude: '--exclude',
  targetsEvery: '--targets-every',
  phrases: '--phrase',
  maxTargets: '--max-targets',
  since: '--since',
  onlyMatching: '--only-matching',
  complete: '--complete',
  ignoreRobots: '--ignore-robots',
  nextSelector: '--next-selector',
  pages: '--pages',
};

/** The flag a field is typed as (`tags.3` is `--tag`), the field itself when it is a flag already, else null. */
export function flagOf(field: string): string | null {
  if (field.startsWith('--')) return field;
  return FLAG_OF_FIELD[field.replace(/\.\d+$/, '')] ?? null;
}

/**
 * A validation message as the CLI says it: one that starts with its field (`options.confirm: must be at least 1`,
 * `every "5s" is out of range`) starts with the flag instead (`--confirm must be at least 1`).
 */
export function inFlagTerms(field: string, message: string): string {
  const flag = flagOf(field);
  if (flag === null) return message;
  for (const separator of [': ', ' ']) {
    if (message.startsWith(`${field}${separator}`)) return `${flag} ${message.slice(field.length + separator.length)}`;
  }
  return message;
}
