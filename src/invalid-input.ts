import type { z } from 'zod';
import { InvalidInputError } from './errors/index.ts';

type RawIssue = z.core.$ZodRawIssue;

function sizeOf(issue: RawIssue, bound: number | bigint): string {
  const n = Number(bound);
  switch (issue.origin) {
    case 'string':
      return n === 1 ? '1 character' : `${n} characters`;
    case 'array':
    case 'set':
      return n === 1 ? '1 value' : `${n} values`;
    default:
      return String(n);
  }
}

const TYPE_WORDS: Record<string, string> = {
  number: 'a number',
  int: 'a whole number',
  string: 'text',
  boolean: 'true or false',
  array: 'a list',
  object: 'an object',
};

/**
 * A validation problem in words a person acts on ("must be at least 1", "must be one of browser, http"), in place
 * of the validator's own ("Too small: expected number to be >=1"). Messages a schema gives itself are kept;
 * undefined leaves zod's.
 */
export function issueInWords(issue: RawIssue): string | undefined {
  switch (issue.code) {
    case 'too_small': {
      if (issue.origin === 'string' && Number(issue.minimum) === 1) return 'must not be empty';
      return issue.origin === 'string' || issue.origin === 'array' ? `must have at least ${sizeOf(issue, issue.minimum)}` : `must be at least ${String(issue.minimum)}`;
    }
    case 'too_big':
      return issue.origin === 'string' || issue.origin === 'array' ? `must have at most ${sizeOf(issue, issue.maximum)}` : `must be at most ${String(issue.maximum)}`;
    case 'invalid_type':
      if (issue.input === undefined) return 'is required';
      return `must be ${TYPE_WORDS[issue.expected] ?? issue.expected}`;
    case 'invalid_value':
      return issue.values.length === 1 ? `must be ${String(issue.values[0])}` : `must be one of ${issue.values.map(String).join(', ')}`;
    case 'unrecognized_keys':
      return `has fields it does not take: ${issue.keys.join(', ')}`;
    default:
      return undefined;
  }
}

/**
 * Validates `value` with `schema`, returning the parsed value. The first problem becomes an InvalidInputError whose
 * `field` is its dotted path (after `prefix`) and whose message is `<field>: <what is wrong, in words>`: the form the
 * API answers with, and the CLI turns into the flag the user typed.
 */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, prefix: readonly string[] = []): z.output<S> {
  const parsed = schema.safeParse(value, { error: issueInWords });
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const field = [...prefix, ...issue.path.map(String)].join('.') || 'input';
  throw new InvalidInputError(field, `${field}: ${issue.message}`);
}
