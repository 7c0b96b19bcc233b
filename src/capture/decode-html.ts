/** How far into a document a `<meta charset>` may be found (the HTML standard's prescan reads 1024 bytes). */
const PRESCAN_BYTES = 1024;

/**
 * Decodes an HTML body in the order the HTML standard gives browsers, so both fetchers read the same text: a
 * byte-order mark wins, then the charset of the Content-Type header, then a `<meta charset>` or
 * `<meta http-equiv="content-type">` near the top, then UTF-8 when the bytes are valid UTF-8, else windows-1252
 * (what browsers assume for unlabelled legacy pages). A page whose label is wrong (a header saying UTF-8 over
 * windows-1252 bytes) reads as it does in a browser: the bytes that are not UTF-8 become U+FFFD.
 */
export function decodeHtml(body: Uint8Array, contentType: string | null): string {
  const label = byteOrderMark(body) ?? charsetOf(contentType) ?? metaCharset(body);
  if (label !== null) {
    try {
      return new TextDecoder(label).decode(body);
    } catch {
      // An unknown label falls through to sniffing, as in browsers.
    }
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    return new TextDecoder('windows-1252').decode(body);
  }
}

function byteOrderMark(body: Uint8Array): string | null {
  if (body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf) return 'utf-8';
  if (body[0] === 0xfe && body[1] === 0xff) return 'utf-16be';
  if (body[0] === 0xff && body[1] === 0xfe) return 'utf-16le';
  return null;
}

function charsetOf(contentType: string | null): string | null {
  const match = /charset\s*=\s*["']?([\w.:-]+)/i.exec(contentType ?? '');
  return match?.[1] ?? null;
}

function metaCharset(body: Uint8Array): string | null {
  // latin1 maps bytes one to one, so ASCII markup reads right whatever the real encoding is.
  const head = Buffer.from(body.buffer, body.byteOffset, Math.min(body.byteLength, PRESCAN_BYTES)).toString('latin1');
  const direct = /<meta[^>]+charset\s*=\s*["']?([\w.:-]+)/i.exec(head);
  return direct?.[1] ?? null;
}
