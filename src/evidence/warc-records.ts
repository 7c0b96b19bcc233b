import { WARCRecord, WARCSerializer } from 'warcio';
import type { RecordedExchange } from '../page-data/exchange.ts';

/** WARC 1.1 throughout, digests as `sha256:<hex>` (what the WACZ tools and `scrubwatch verify` read). */
const WARC_VERSION = 'WARC/1.1';
const DIGEST = { algo: 'sha-256', prefix: 'sha256:', base32: false } as const;
export const REVISIT_PROFILE = 'http://netpreserve.org/warc/1.1/revisit/identical-payload-digest';

/**
 * Headers that describe the framing on the wire, not the body kept: the body is stored decoded, so these are dropped
 * and Content-Length is set to the decoded size, as browsertrix-crawler does. HTTP/2 pseudo-headers are not headers.
 */
const FRAMING = new Set(['content-encoding', 'transfer-encoding', 'content-length']);

export function responseHeaders(exchange: RecordedExchange, bodyBytes: number): Array<[string, string]> {
  const kept = exchange.responseHeaders.filter(([name]) => !name.startsWith(':') && !FRAMING.has(name.toLowerCase()));
  return [...kept, ['Content-Length', String(bodyBytes)]];
}

/** `GET /path?q HTTP/1.1`: a request line names the path, not the whole URL. */
function requestLine(exchange: RecordedExchange): string {
  const url = new URL(exchange.url);
  return `${exchange.method} ${url.pathname}${url.search} ${exchange.httpVersion}`;
}

function statusLine(exchange: RecordedExchange): string {
  return `${exchange.httpVersion} ${exchange.status} ${exchange.statusText}`.trim();
}

/** Headers as warcio takes them: duplicates (Set-Cookie, Link …) joined, since a record keeps one line per name. */
function headerObject(headers: Array<[string, string]>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of headers) {
    if (name.startsWith(':')) continue;
    const key = Object.keys(out).find((k) => k.toLowerCase() === name.toLowerCase()) ?? name;
    out[key] = out[key] === undefined ? value : `${out[key]}, ${value}`;
  }
  return out;
}

const truncation = { too_large: 'length', unavailable: 'unspecified' } as const;

/** The `response` record of an exchange, its decoded body as payload (empty when the body was not kept). */
export function responseRecord(exchange: RecordedExchange, body: Buffer | null): WARCRecord {
  const payload = body ?? Buffer.alloc(0);
  const omitted = exchange.bodyOmitted === 'too_large' || exchange.bodyOmitted === 'unavailable' ? exchange.bodyOmitted : body === null && exchange.body ? 'unavailable' : null;
  return WARCRecord.create({
    url: exchange.url,
    date: exchange.startedAt,
    type: 'response',
    warcVersion: WARC_VERSION,
    warcHeaders: omitted ? { 'WARC-Truncated': truncation[omitted] } : {},
    httpHeaders: headerObject(responseHeaders(exchange, payload.length)),
    statusline: statusLine(exchange),
  }, [payload]);
}

/** The `revisit` record of an exchange whose body is already in the WARC under `first` (identical payload digest). */
export function revisitRecord(exchange: RecordedExchange, first: { url: string; date: string; payloadDigest: string }, bodyBytes: number): WARCRecord {
  return WARCRecord.create({
    url: exchange.url,
    date: exchange.startedAt,
    type: 'revisit',
    warcVersion: WARC_VERSION,
    refersToUrl: first.url,
    refersToDate: first.date,
    warcHeaders: { 'WARC-Profile': REVISIT_PROFILE, 'WARC-Payload-Digest': first.payloadDigest },
    httpHeaders: headerObject(responseHeaders(exchange, bodyBytes)),
    statusline: statusLine(exchange),
  }, []);
}

/** The `request` record of an exchange, concurrent to its response. */
export function requestRecord(exchange: RecordedExchange, responseId: string): WARCRecord {
  return WARCRecord.create({
    url: exchange.url,
    date: exchange.startedAt,
    type: 'request',
    warcVersion: WARC_VERSION,
    warcHeaders: { 'WARC-Concurrent-To': responseId },
    httpHeaders: headerObject(exchange.requestHeaders),
    statusline: requestLine(exchange),
  }, []);
}

/** A `resource` record: bytes scrubwatch kept that were not an HTTP exchange (screenshot, text, rendered HTML). */
export function resourceRecord(url: string, date: string, contentType: string, data: Buffer): WARCRecord {
  return WARCRecord.create({ url, date, type: 'resource', warcVersion: WARC_VERSION, warcHeaders: { 'Content-Type': contentType } }, [data]);
}

/** The `metadata` record: scrubwatch's findings, as JSON. */
export function metadataRecord(url: string, date: string, findings: unknown): WARCRecord {
  const data = Buffer.from(JSON.stringify(findings, null, 2), 'utf8');
  return WARCRecord.create({ url, date, type: 'metadata', warcVersion: WARC_VERSION, warcHeaders: { 'Content-Type': 'application/json' } }, [data]);
}

/** The `warcinfo` record that opens the file, naming the software that wrote it. */
export function warcinfoRecord(date: string, software: string): WARCRecord {
  return WARCRecord.createWARCInfo({ filename: 'data.warc.gz', warcVersion: WARC_VERSION, date }, {
    software,
    format: 'WARC File Format 1.1',
    conformsTo: 'https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/',
  });
}

/** A record as one gzip member with its digests computed (per-record gzip, so each can be read from its offset). */
export async function serializeRecord(record: WARCRecord): Promise<Uint8Array> {
  return WARCSerializer.serialize(record, { gzip: true, digest: DIGEST });
}

export function recordId(record: WARCRecord): string {
  return record.warcHeaders.headers.get('WARC-Record-ID') ?? '';
}
