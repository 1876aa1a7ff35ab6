/**
 * Test certificates, made once per process: each is self-signed and marked as a CA, so passing
 * its PEM as `ca` trusts it. EC keys keep generation fast (~40 ms each).
 */
import { generate } from "selfsigned";

export interface Cert {
  key: string;
  cert: string;
}

interface CertSpec {
  dns: string[];
  ips: string[];
  /** Validity relative to now, in days (negative: already expired). */
  fromDays: number;
  toDays: number;
  /** Also usable as a TLS client certificate; its key encrypted with this passphrase. */
  clientPassphrase?: string;
}

async function make(spec: CertSpec): Promise<Cert> {
  const day = 24 * 3600_000;
  const p = await generate([{ name: "commonName", value: "client test" }], {
    keyType: "ec",
    curve: "P-256",
    algorithm: "sha256",
    notBeforeDate: new Date(Date.now() + spec.fromDays * day),
    notAfterDate: new Date(Date.now() + spec.toDays * day),
    extensions: [
      { name: "basicConstraints", cA: true },
      { name: "keyUsage", digitalSignature: true, keyCertSign: true },
      { name: "extKeyUsage", serverAuth: true, clientAuth: spec.clientPassphrase !== undefined },
      { name: "subjectAltName", altNames: [...spec.dns.map((value) => ({ type: 2 as const, value })), ...spec.ips.map((ip) => ({ type: 7 as const, ip }))] },
    ],
    ...(spec.clientPassphrase ? { passphrase: spec.clientPassphrase } : {}),
  });
  return { key: p.private, cert: p.cert };
}

export interface TestCerts {
  /** Valid for 127.0.0.1, ::1 and localhost. */
  good: Cert;
  /** Right names, expired yesterday. */
  expired: Cert;
  /** Valid, but only for pbx.invalid. */
  otherHost: Cert;
  /** A client certificate (and its own CA), key encrypted with CLIENT_PASSPHRASE. */
  client: Cert;
}

export const CLIENT_PASSPHRASE = "pass-phrase-1";

let pending: Promise<TestCerts> | undefined;

export function testCerts(): Promise<TestCerts> {
  const local = { dns: ["localhost"], ips: ["127.0.0.1", "::1"] };
  pending ??= Promise.all([
    make({ ...local, fromDays: -1, toDays: 30 }),
    make({ ...local, fromDays: -30, toDays: -1 }),
    make({ dns: ["pbx.invalid"], ips: [], fromDays: -1, toDays: 30 }),
    make({ dns: ["client.invalid"], ips: [], fromDays: -1, toDays: 30, clientPassphrase: CLIENT_PASSPHRASE }),
  ]).then(([good, expired, otherHost, client]) => ({ good, expired, otherHost, client }));
  return pending;
}
