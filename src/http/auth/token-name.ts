import { z } from 'zod';
import { parseInput } from '../../invalid-input.ts';
import { operatorText } from '../../operator-text.ts';

/** Whose a token is: a label for people, trimmed, at most 200 characters — the same from the API and the CLI. */
export const tokenNameSchema = operatorText(z.string().trim().min(1).max(200));

/** A token name from the command line or an API body, or an InvalidInputError naming the field `name`. */
export function parseTokenName(text: string): string {
  return parseInput(tokenNameSchema, text, ['name']);
}
