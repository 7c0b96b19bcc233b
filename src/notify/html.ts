/** HTML that has been escaped (or built only from escaped parts): safe to put in a page as is. */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

/** Escapes text for HTML element content and double-quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

type HtmlValue = string | number | null | undefined | SafeHtml | HtmlValue[];

function render(value: HtmlValue): string {
  if (value === null || value === undefined) return '';
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(String(value));
}

/**
 * A tagged template that escapes every interpolated value unless it is already SafeHtml (another `html` result):
 * text from captured pages (titles, removed paragraphs) never becomes markup in a message.
 */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  return new SafeHtml(strings.reduce((out, s, i) => out + s + (i < values.length ? render(values[i]!) : ''), ''));
}

/** Only http(s) links are put in an href; anything else (javascript:, data:) becomes `#`. */
export function safeHref(url: string): string {
  return /^https?:\/\//i.test(url) ? url : '#';
}
