import { X509Certificate, createPrivateKey, generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { isIP } from 'node:net';

/** A certificate and its key (PEM), and the certificate's SHA-256 fingerprint as browsers show it. */
export interface SelfSignedCertificate {
  cert: string;
  key: string;
  fingerprint256: string;
}

/**
 * Makes a self-signed certificate (ECDSA P-256, SHA-256) for the headless server's own
 * names and addresses, with node:crypto alone: the X.509 structure is a few fixed ASN.1
 * fields, written here in DER, and signed with the new key. A person checks the printed
 * fingerprint against the one their browser shows the first time, then trusts it.
 */
export function makeSelfSignedCertificate(names: string[], options: { validDays?: number; nowMs?: number } = {}): SelfSignedCertificate {
  if (names.length === 0) throw new Error('A certificate needs at least one host name or address.');
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const nowMs = options.nowMs ?? Date.now();
  const notBefore = new Date(nowMs - 86_400_000);
  const notAfter = new Date(nowMs + (options.validDays ?? 365) * 86_400_000);
  const serial = randomBytes(16);
  serial[0] = serial[0]! & 0x7f; // a positive INTEGER
  const subject = seq(set(seq(oid('2.5.4.3'), utf8(`Idlegrid headless ${names[0]!}`.slice(0, 64)))));
  const ecdsaWithSha256 = seq(oid('1.2.840.10045.4.3.2'));
  const altNames = seq(
    ...names.map((name) => {
      const bare = name.replace(/^\[|\]$/g, '');
      return isIP(bare) ? tagged(0x87, ipBytes(bare)) : tagged(0x82, Buffer.from(bare, 'ascii'));
    }),
  );
  const extensions = seq(
    extension('2.5.29.19', true, seq(boolTrue())), // basicConstraints: its own anchor, as `openssl req -x509` makes
    extension('2.5.29.37', false, seq(oid('1.3.6.1.5.5.7.3.1'))), // extendedKeyUsage: serverAuth
    extension('2.5.29.17', false, altNames), // subjectAltName: what browsers check
  );
  const tbs = seq(
    tagged(0xa0, integer(Buffer.from([2]))), // v3
    integer(serial),
    ecdsaWithSha256,
    subject,
    seq(time(notBefore), time(notAfter)),
    subject,
    publicKey.export({ type: 'spki', format: 'der' }),
    tagged(0xa3, extensions),
  );
  const signature = sign('sha256', tbs, privateKey);
  const der = seq(tbs, ecdsaWithSha256, bitString(signature));
  const cert = `-----BEGIN CERTIFICATE-----\n${der.toString('base64').replace(/.{1,64}/g, '$&\n')}-----END CERTIFICATE-----\n`;
  const key = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  return { cert, key, fingerprint256: new X509Certificate(cert).fingerprint256 };
}

/** The fingerprint of a PEM certificate, and whether it is current and names every one of `names`. */
export function describeCertificate(certPem: string, keyPem: string, names: string[], nowMs = Date.now()): { fingerprint256: string; usable: boolean } {
  const x509 = new X509Certificate(certPem);
  const current = Date.parse(x509.validFrom) <= nowMs && nowMs < Date.parse(x509.validTo) - 86_400_000;
  const matchesKey = x509.checkPrivateKey(createPrivateKey(keyPem));
  const covers = names.every((name) => {
    const bare = name.replace(/^\[|\]$/g, '');
    return isIP(bare) ? x509.checkIP(bare) !== undefined : x509.checkHost(bare) !== undefined;
  });
  return { fingerprint256: x509.fingerprint256, usable: current && matchesKey && covers };
}

// --- DER, just what a certificate needs ---

function tlv(tag: number, body: Buffer): Buffer {
  const n = body.length;
  const length = n < 0x80 ? Buffer.from([n]) : n < 0x100 ? Buffer.from([0x81, n]) : n < 0x10000 ? Buffer.from([0x82, n >> 8, n & 0xff]) : Buffer.from([0x83, n >> 16, (n >> 8) & 0xff, n & 0xff]);
  return Buffer.concat([Buffer.from([tag]), length, body]);
}
const seq = (...items: Buffer[]) => tlv(0x30, Buffer.concat(items));
const set = (...items: Buffer[]) => tlv(0x31, Buffer.concat(items));
const tagged = (tag: number, body: Buffer) => tlv(tag, body);
const utf8 = (text: string) => tlv(0x0c, Buffer.from(text, 'utf8'));
const boolTrue = () => Buffer.from([0x01, 0x01, 0xff]);
const bitString = (bytes: Buffer) => tlv(0x03, Buffer.concat([Buffer.from([0]), bytes]));
const octets = (bytes: Buffer) => tlv(0x04, bytes);

function integer(bytes: Buffer): Buffer {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0 && (bytes[start + 1]! & 0x80) === 0) start++;
  const trimmed = bytes.subarray(start);
  return tlv(0x02, (trimmed[0]! & 0x80) !== 0 ? Buffer.concat([Buffer.from([0]), trimmed]) : trimmed);
}

function oid(dotted: string): Buffer {
  const parts = dotted.split('.').map(Number);
  const bytes = [40 * parts[0]! + parts[1]!];
  for (const part of parts.slice(2)) {
    const chunk = [part & 0x7f];
    for (let v = part >> 7; v > 0; v >>= 7) chunk.unshift((v & 0x7f) | 0x80);
    bytes.push(...chunk);
  }
  return tlv(0x06, Buffer.from(bytes));
}

function time(date: Date): Buffer {
  const iso = date.toISOString();
  const compact = `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
  // UTCTime until 2049, GeneralizedTime after (RFC 5280 4.1.2.5).
  return date.getUTCFullYear() < 2050 ? tlv(0x17, Buffer.from(compact.slice(2), 'ascii')) : tlv(0x18, Buffer.from(compact, 'ascii'));
}

function extension(id: string, critical: boolean, value: Buffer): Buffer {
  return seq(oid(id), ...(critical ? [boolTrue()] : []), octets(value));
}

function ipBytes(address: string): Buffer {
  if (isIP(address) === 4) return Buffer.from(address.split('.').map(Number));
  const [head, tail] = address.split('::') as [string, string | undefined];
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = tail === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return Buffer.concat(groups.map((g) => Buffer.from([parseInt(g, 16) >> 8, parseInt(g, 16) & 0xff])));
}
