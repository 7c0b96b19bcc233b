import { createHash, randomBytes } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { fetch, type Response } from 'undici';
import { TimestampAuthorityError } from '../errors/index.ts';
import { checkTimestampToken, nonceInteger } from './timestamp-token.ts';

/** An RFC 3161 authority and how long it has to answer (SCRUBWATCH_TSA_URL, SCRUBWATCH_TSA_TIMEOUT). */
export interface TimestampAuthority {
  url: string;
  timeoutMs: number;
}

// A TimeStampResp is a few kilobytes (a signature and a certificate chain); more is not an answer to trust.
const MAX_RESPONSE_BYTES = 256 * 1024;
const SHA256 = '2.16.840.1.101.3.4.2.1';

async function readCapped(response: Response): Promise<Buffer> {
  const declared = Number(response.headers.get('content-length') ?? '0');
  if (declared > MAX_RESPONSE_BYTES) throw new TimestampAuthorityError('too_large', `it announced ${declared} bytes, more than ${MAX_RESPONSE_BYTES}`);
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of response.body ?? []) {
    total += chunk.byteLength;
    if (total > MAX_RESPONSE_BYTES) throw new TimestampAuthorityError('too_large', `its answer passed ${MAX_RESPONSE_BYTES} bytes`);
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks);
}

async function post(authority: TimestampAuthority, body: Buffer): Promise<Buffer> {
  const signal = AbortSignal.timeout(authority.timeoutMs);
  try {
    const response = await fetch(authority.url, {
      method: 'POST',
      headers: { 'content-type': 'application/timestamp-query', accept: 'application/timestamp-reply' },
      body,
      redirect: 'error',
      signal,
    });
    if (!response.ok) {
      await response.body?.cancel();
      throw new TimestampAuthorityError('unreachable', `${authority.url} answered HTTP ${response.status}`);
    }
    return await readCapped(response);
  } catch (err) {
    if (err instanceof TimestampAuthorityError) throw err;
    if (signal.aborted) throw new TimestampAuthorityError('timeout', `${authority.url} did not answer within ${authority.timeoutMs} ms`, { cause: err });
    throw new TimestampAuthorityError('unreachable', `${authority.url} could not be reached`, { cause: err });
  }
}

/**
 * Asks the authority to timestamp `data` (the datapackage.json bytes: the request carries their SHA-256) and returns
 * its TimeStampToken (DER), checked: granted, for this data and this request's nonce, signed by the certificate it carries. Anything else throws
 * TimestampAuthorityError, within the authority's time limit and a byte cap.
 */
export async function requestTimestamp(authority: TimestampAuthority, data: Buffer): Promise<Buffer> {
  const digest = createHash('sha256').update(data).digest();
  const nonce = nonceInteger(randomBytes(8));
  const request = new pkijs.TimeStampReq({
    version: 1,
    messageImprint: new pkijs.MessageImprint({
      hashAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: SHA256, algorithmParams: new asn1js.Null() }),
      hashedMessage: new asn1js.OctetString({ valueHex: digest }),
    }),
    nonce,
    certReq: true,
  });
  const answer = await post(authority, Buffer.from(request.toSchema().toBER()));
  let response: pkijs.TimeStampResp;
  try {
    response = pkijs.TimeStampResp.fromBER(new Uint8Array(answer));
  } catch (err) {
    throw new TimestampAuthorityError('malformed', `${authority.url} did not answer with an RFC 3161 TimeStampResp`, { cause: err });
  }
  const status = response.status.status;
  if (status !== pkijs.PKIStatus.granted && status !== pkijs.PKIStatus.grantedWithMods) {
    const text = response.status.statusStrings?.map((s) => s.valueBlock.value).join('; ') ?? 'no reason given';
    throw new TimestampAuthorityError('refused', `${authority.url} refused with status ${status} (${text.slice(0, 200)})`);
  }
  if (response.timeStampToken === undefined) throw new TimestampAuthorityError('malformed', `${authority.url} granted but sent no token`);
  const token = Buffer.from(response.timeStampToken.toSchema().toBER());
  const check = await checkTimestampToken(token, data);
  if (!check.valid) throw new TimestampAuthorityError('mismatch', check.problem ?? 'the token does not check');
  if (check.nonce !== Buffer.from(nonce.valueBlock.valueHexView).toString('hex')) {
    throw new TimestampAuthorityError('mismatch', 'the token answers another request (its nonce differs)');
  }
  return token;
}
