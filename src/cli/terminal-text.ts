import { CONTROL_CHARACTERS, codePointName } from '../operator-text.ts';

function visible(character: string): string {
  return `\\u${codePointName(character).slice(2).toLowerCase()}`;
}

/**
 * Text for a terminal: every control character (see CONTROL_CHARACTERS) shown as its `\u001b` escape instead of
 * acting on the terminal, except the line breaks and tabs the output is laid out with. Page titles, URLs, error
 * messages and names come from hostile pages and from anyone holding a token: this runs on everything the CLI
 * prints for people.
 */
export function terminalText(text: string): string {
  return text.replace(CONTROL_CHARACTERS, (c) => (c === '\n' || c === '\t' ? c : visible(c)));
}

/** The characters JSON.stringify leaves as they are although they are controls: DEL, C1 and bidirectional ones. */
const RAW_IN_JSON = /[\u007f-\u009f\u202a-\u202e\u2066-\u2069]/gu;

/**
 * One JSON document, indented, with every control character escaped: JSON.stringify escapes only C0 controls, and
 * the rest (which can occur only inside strings) are written as `\u` escapes, which parse to the same value.
 */
export function jsonText(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(RAW_IN_JSON, visible);
}
