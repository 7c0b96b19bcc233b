/**
 * `text` whole, or cut at the last word boundary before `max` characters, with `…` (counted in `max`). Never
 * mid-word — unless a single word fills more than half of `max`, which is cut where the limit falls — and never
 * re-cased: what an alert stores and shows of a page's text reads as the page had it.
 */
export function cutAtWord(text: string, max: number): string {
  if (text.length <= max) return text;
  let space = -1;
  for (let i = max - 1; i > 0; i--) {
    if (/\s/u.test(text[i]!)) {
      space = i;
      break;
    }
  }
  return `${text.slice(0, space > max / 2 ? space : max - 1).trimEnd()}…`;
}
