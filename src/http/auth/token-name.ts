import { z } from 'zod';
import { InvalidInputError } from '../../errors.ts';

/** Whose a token is: a label for people, trimmed, at most 200 characters — the same from the API and the CLI. */
export const tokenNameSchema = z.string().trim().min(1).max(200);

/** A token name typed on the command line, or an InvalidInputError naming the field. */
export function parseTokenName(text: string): string {
  const parsed = tokenNameSchema.safeParse(text);
  if (parsed.success) return parsed.data;
  throw new InvalidInputError('name', `name: ${parsed.error.issues[0]!.message}`);
}
