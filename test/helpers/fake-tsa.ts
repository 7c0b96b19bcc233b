import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';

/**
 * How the fake authority answers: `good` a real RFC 3161 token, `garbage` bytes that are no TimeStampResp,
 * `slow` nothing for a minute, `huge` an endless body, `refuse` status rejection, `other-data` a token for another
 * digest, `no-nonce` a token without the request's nonce.
 */
export type TsaBehaviour = 'good' | 'garbage' | 'slow' | 'huge' | 'refuse' | 'other-data' | 'no-nonce';

export interface FakeTsa {
  url: string;
  /** The subject of its certificate, what `verify` reports as the authority. */
  subject: string;
  behaviour: TsaBehaviour;
  requests: number;
  close(): Promise<void>;
}

const TST_INFO = '1.2.840.113549.1.9.16.1.4';
export const FAKE_TSA_SUBJECT = 'CN=scrubwatch test TSA, O=scrubwatch tests';

async function makeCertificate(keys: CryptoKeyPair): Promise<pkijs.Certificate> {
  const cert = new pkijs.Certificate();
  cert.version = 2;
  cert.serialNumber = new asn1js.Integer({ value: 4242 });
  for (const name of [cert.issuer, cert.subject]) {
    name.typesAndValues.push(new pkijs.AttributeTypeAndValue({ type: '2.5.4.3', value: new asn1js.Utf8String({ value: 'scrubwatch test TSA' }) }));
    name.typesAndValues.push(new pkijs.AttributeTypeAndValue({ type: '2.5.4.10', value: new asn1js.Utf8String({ value: 'scrubwatch tests' }) }));
  }
  cert.notBefore.value = new Date(Date.now() - 86_400_000);
  cert.notAfter.value = new Date(Date.now() + 86_400_000);
  // The key purpose RFC 3161 requires of a TSA's certificate (id-kp-timeStamping), critical.
  const purposes = new pkijs.ExtKeyUsage({ keyPurposes: ['1.3.6.1.5.5.7.3.8'] });
  cert.extensions = [new pkijs.Extension({ extnID: '2.5.29.37', critical: true, extnValue: purposes.toSchema().toBER(false), parsedValue: purposes })];
  await cert.subjectPublicKeyInfo.importKey(keys.publicKey);
  await cert.sign(keys.privateKey, 'SHA-256');
  return cert;
}

async function stamp(request: pkijs.TimeStampReq, behaviour: TsaBehaviour, cert: pkijs.Certificate, key: CryptoKey, serial: number): Promise<Buffer> {
  if (behaviour === 'refuse') {
    const refused = new pkijs.TimeStampResp({
      status: new pkijs.PKIStatusInfo({ status: pkijs.PKIStatus.rejection, statusStrings: [new asn1js.Utf8String({ value: 'policy says no' })] }),
    });
    return Buffer.from(refused.toSchema().toBER(false));
  }
  const imprint =
    behaviour === 'other-data'
      ? new pkijs.MessageImprint({ hashAlgorithm: request.messageImprint.hashAlgorithm, hashedMessage: new asn1js.OctetString({ valueHex: new Uint8Array(32).fill(7) }) })
      : request.messageImprint;
  const tst = new pkijs.TSTInfo({
    version: 1,
    policy: '1.3.6.1.4.1.99999.1',
    messageImprint: imprint,
    serialNumber: new asn1js.Integer({ value: serial }),
    genTime: new Date(),
    ...(behaviour === 'no-nonce' || request.nonce === undefined ? {} : { nonce: request.nonce }),
  });
  const signed = new pkijs.SignedData({
    version: 3,
    encapContentInfo: new pkijs.EncapsulatedContentInfo({ eContentType: TST_INFO, eContent: new asn1js.OctetString({ valueHex: tst.toSchema().toBER(false) }) }),
    signerInfos: [new pkijs.SignerInfo({ version: 1, sid: new pkijs.IssuerAndSerialNumber({ issuer: cert.issuer, serialNumber: cert.serialNumber }) })],
    certificates: [cert],
  });
  await signed.sign(key, 0, 'SHA-256');
  const response = new pkijs.TimeStampResp({
    status: new pkijs.PKIStatusInfo({ status: pkijs.PKIStatus.granted }),
    timeStampToken: new pkijs.ContentInfo({ contentType: pkijs.ContentInfo.SIGNED_DATA, content: signed.toSchema(true) }),
  });
  return Buffer.from(response.toSchema().toBER(false));
}

/**
 * A real RFC 3161 authority over HTTP on 127.0.0.1, signing with an ECDSA P-256 key and a self-signed certificate
 * it makes at start (pkijs over WebCrypto); `behaviour` can be changed between requests.
 */
export async function startFakeTsa(behaviour: TsaBehaviour = 'good'): Promise<FakeTsa> {
  const keys = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
  const cert = await makeCertificate(keys);
  const sockets = new Set<Socket>();
  let serial = 1;
  const tsa = { behaviour, requests: 0 } as FakeTsa;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      tsa.requests++;
      const mode = tsa.behaviour;
      if (mode === 'slow') return; // never answers; the client's deadline must end it
      if (mode === 'huge') {
        res.writeHead(200, { 'content-type': 'application/timestamp-reply' });
        const block = Buffer.alloc(64 * 1024, 0x30);
        const pump = () => {
          while (res.write(block)) if (res.destroyed) return;
          res.once('drain', pump);
        };
        return pump();
      }
      if (mode === 'garbage') {
        res.writeHead(200, { 'content-type': 'application/timestamp-reply' });
        return res.end('<html>this is not a timestamp</html>');
      }
      stamp(pkijs.TimeStampReq.fromBER(new Uint8Array(Buffer.concat(chunks))), mode, cert, keys.privateKey, serial++).then(
        (body) => {
          res.writeHead(200, { 'content-type': 'application/timestamp-reply', 'content-length': body.length });
          res.end(body);
        },
        () => res.writeHead(500).end(),
      );
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  tsa.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/tsr`;
  tsa.subject = FAKE_TSA_SUBJECT;
  tsa.close = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    });
  return tsa;
}
