import { createHash } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';

const SHA256 = '2.16.840.1.101.3.4.2.1';
const TST_INFO = '1.2.840.113549.1.9.16.1.4';
const SHORT_NAMES: Record<string, string> = {
  '2.5.4.3': 'CN',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '1.2.840.113549.1.9.1': 'emailAddress',
};

/** What a timestamp token says, once checked; `problem` says why `valid` is false. */
export interface TimestampCheck {
  valid: boolean;
  /** The subject name of the certificate that signed the token, e.g. `CN=Example TSA, O=Example`; null if none. */
  authority: string | null;
  /** The time the authority vouches for (TSTInfo genTime), ISO 8601; null when the token cannot be read. */
  time: string | null;
  /** TSTInfo's nonce in hex, for matching an answer to its request. */
  nonce: string | null;
  problem: string | null;
}

/** A certificate's subject as `CN=…, O=…`, in the certificate's order. */
export function subjectName(cert: pkijs.Certificate): string {
  return cert.subject.typesAndValues
    .map((tv) => `${SHORT_NAMES[tv.type] ?? tv.type}=${String((tv.value.valueBlock as { value?: unknown }).value ?? '')}`)
    .join(', ');
}

function invalid(problem: string, known: Partial<TimestampCheck> = {}): TimestampCheck {
  return { valid: false, authority: null, time: null, nonce: null, ...known, problem };
}

function readTstInfo(token: Buffer): { signed: pkijs.SignedData; tst: pkijs.TSTInfo } | string {
  let info: pkijs.ContentInfo;
  try {
    info = pkijs.ContentInfo.fromBER(new Uint8Array(token));
  } catch {
    return 'the timestamp token is not a CMS structure';
  }
  if (info.contentType !== pkijs.ContentInfo.SIGNED_DATA) return 'the timestamp token is not CMS SignedData';
  try {
    const signed = new pkijs.SignedData({ schema: info.content });
    const eContent = signed.encapContentInfo.eContent;
    if (signed.encapContentInfo.eContentType !== TST_INFO || eContent === undefined) return 'the timestamp token holds no TSTInfo';
    return { signed, tst: pkijs.TSTInfo.fromBER(eContent.getValue()) };
  } catch {
    return 'the timestamp token\'s TSTInfo cannot be read';
  }
}

/**
 * Checks an RFC 3161 TimeStampToken (DER) against the `data` it should stamp (the datapackage.json bytes): the
 * message imprint is their SHA-256, and the CMS signature checks against the certificate the token carries. Whether that authority is
 * one to trust is not decided here (no trust store): `authority` names it for the reader.
 */
export async function checkTimestampToken(token: Buffer, data: Buffer): Promise<TimestampCheck> {
  const digest = createHash('sha256').update(data).digest();
  const read = readTstInfo(token);
  if (typeof read === 'string') return invalid(read);
  const { signed, tst } = read;
  const known = { time: tst.genTime.toISOString(), nonce: tst.nonce === undefined ? null : Buffer.from(tst.nonce.valueBlock.valueHexView).toString('hex') };
  const imprint = tst.messageImprint;
  if (imprint.hashAlgorithm.algorithmId !== SHA256) return invalid('the timestamp stamps a hash other than SHA-256', known);
  if (!Buffer.from(imprint.hashedMessage.valueBlock.valueHexView).equals(digest)) {
    return invalid('the timestamp stamps other data than this datapackage.json', known);
  }
  let result: pkijs.SignedDataVerifyResult;
  try {
    result = await signed.verify({ signer: 0, data: new Uint8Array(data).buffer, checkChain: false, extendedMode: true });
  } catch (err) {
    const cert = (err as { signerCertificate?: pkijs.Certificate | null }).signerCertificate;
    const message = (err as { message?: unknown }).message;
    return invalid(`the timestamp's signature does not check (${typeof message === 'string' ? message : 'unreadable'})`, {
      ...known,
      authority: cert ? subjectName(cert) : null,
    });
  }
  const authority = result.signerCertificate ? subjectName(result.signerCertificate) : null;
  if (!result.signatureVerified || authority === null) return invalid('the timestamp\'s signature does not check', { ...known, authority });
  return { valid: true, authority, ...known, problem: null };
}

/** A positive INTEGER for a request's nonce. */
export function nonceInteger(bytes: Buffer): asn1js.Integer {
  const positive = Buffer.from(bytes);
  positive[0] = positive[0]! & 0x7f;
  return new asn1js.Integer({ valueHex: positive });
}
