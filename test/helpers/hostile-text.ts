/**
 * Pages whose text is hard to decode or to store, served by the hostile site (test/helpers/hostile-site.ts) at
 * `/charset/<name>` and `/unstorable`.
 */

/** Paragraphs of plain text, enough for the outcome classifier to count a page as a page. */
export const filler = (topic: string): string[] =>
  Array.from({ length: 4 }, (_, i) => `${topic}, paragraph ${i + 1}: the ministry published this notice for residents of the district and it stays online.`);

/**
 * Pages in legacy encodings: the bytes served, the Content-Type sent, and the title and first paragraph a browser
 * shows for them. `misdeclared` says UTF-8 in its header over windows-1252 bytes, so the é is not UTF-8 and shows
 * as U+FFFD; `header-over-meta` has a meta saying UTF-8 but a header saying windows-1251, which wins;
 * `bom-over-header` starts with a UTF-8 byte-order mark, which wins over its header's windows-1252.
 */
export const CHARSET_PAGES: Record<
  string,
  { contentType: string; head: string; title: string; paragraph: string; titleHex: string; paragraphHex: string; bom?: boolean }
> = {
  'shift-jis': {
    contentType: 'text/html; charset=Shift_JIS',
    head: '',
    title: '日本語のお知らせ',
    paragraph: '住民の皆様へのお知らせです',
    titleHex: '93fa967b8cea82cc82a8926d82e782b9',
    paragraphHex: '8f5a96af82cc8a46976c82d682cc82a8926d82e782b982c582b7',
  },
  'windows-1251': {
    contentType: 'text/html; charset=windows-1251',
    head: '',
    title: 'Объявление для жителей',
    paragraph: 'Министерство сообщает',
    titleHex: 'cee1faffe2ebe5ede8e520e4ebff20e6e8f2e5ebe5e9',
    paragraphHex: 'cce8ede8f1f2e5f0f1f2e2ee20f1eeeee1f9e0e5f2',
  },
  misdeclared: {
    contentType: 'text/html; charset=utf-8',
    head: '<meta charset="windows-1252">',
    title: 'Caf\uFFFD notice',
    paragraph: 'The caf\uFFFD is open',
    titleHex: Buffer.from('Caf\xe9 notice', 'latin1').toString('hex'),
    paragraphHex: Buffer.from('The caf\xe9 is open', 'latin1').toString('hex'),
  },
  'header-over-meta': {
    contentType: 'text/html; charset=windows-1251',
    head: '<meta charset="utf-8">',
    title: 'Объявление для жителей',
    paragraph: 'Министерство сообщает',
    titleHex: 'cee1faffe2ebe5ede8e520e4ebff20e6e8f2e5ebe5e9',
    paragraphHex: 'cce8ede8f1f2e5f0f1f2e2ee20f1eeeee1f9e0e5f2',
  },
  'bom-over-header': {
    contentType: 'text/html; charset=windows-1252',
    head: '',
    title: 'Café notice',
    paragraph: 'The café is open',
    titleHex: Buffer.from('Café notice', 'utf8').toString('hex'),
    paragraphHex: Buffer.from('The café is open', 'utf8').toString('hex'),
    bom: true,
  },
};

export function charsetPage(name: string): { body: Buffer; contentType: string } | null {
  const page = CHARSET_PAGES[name];
  if (!page) return null;
  const ascii = (text: string): Buffer => Buffer.from(text, 'latin1');
  const body = Buffer.concat([
    Buffer.from(page.bom ? 'efbbbf' : '', 'hex'),
    ascii(`<!doctype html><html><head>${page.head}<title>`),
    Buffer.from(page.titleHex, 'hex'),
    ascii('</title></head><body><article><h1>'),
    Buffer.from(page.titleHex, 'hex'),
    ascii('</h1><p>'),
    Buffer.from(page.paragraphHex, 'hex'),
    ascii(`</p>${filler('Legacy encoding').map((p) => `<p>${p}</p>`).join('')}</article></body></html>`),
  ]);
  return { body, contentType: page.contentType };
}

/**
 * A UTF-8 page holding what Postgres cannot store: NUL bytes in its title and text, the UTF-8 form of a lone
 * surrogate (invalid bytes), `&#0;` and `&#xD800;` references, and a script writing NUL and unpaired surrogates
 * into the DOM. `version` changes a paragraph, so two captures make a change record with these texts in it.
 */
export function unstorablePage(version = 1): Buffer {
  const ascii = (text: string): Buffer => Buffer.from(text, 'latin1');
  return Buffer.concat([
    ascii('<!doctype html><html><head><meta charset="utf-8"><title>Notice\0 with a NUL</title></head><body><article>'),
    ascii('<h1>Notice\0 heading</h1><p>A NUL byte \0 here, a surrogate in bytes '),
    Buffer.from('eda080', 'hex'),
    ascii(` there, references &#0; and &#xD800; end. Version ${version}.</p>`),
    ascii(`${filler('Unstorable').map((p) => `<p>${p}</p>`).join('')}<p id="scripted"></p></article>`),
    ascii(`<script>document.getElementById('scripted').textContent = 'Written by a script: NUL \\u0000, lone \\uD800 and \\uDC00, version ${version}.';`),
    ascii("document.title += ' \\u0000\\uD83D';</script></body></html>"),
  ]);
}

