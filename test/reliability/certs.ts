/**
 * Certificates for the TLS faults, made with `selfsigned` (EC P-256: fast). Each is self-signed and
 * marked as a CA, so a config node can trust it directly. `ca` trusts good, expired and
 * wrongHost; untrusted is not in it.
 */
import { generate } from "selfsigned";

export interface Pair {
  key: string;
  cert: string;
}

export interface CertSet {
  good: Pair;
  untrusted: Pair;
  expired: Pair;
  wrongHost: Pair;
  /** PEM bundle of good, expired and wrongHost. */
  ca: string;
}

const DAY = 24 * 3600_000;

async function make(cn: string, names: { dns?: string; ip?: string }, from: number, to: number): Promise<Pair> {
  const p = await generate([{ name: "commonName", value: cn }], {
    keyType: "ec",
    curve: "P-256",
    algorithm: "sha256",
    notBeforeDate: new Date(from),
    notAfterDate: new Date(to),
    extensions: [
      { name: "basicConstraints", cA: true },
      { name: "keyUsage", digitalSignature: true, keyCertSign: true },
      { name: "extKeyUsage", serverAuth: true },
      { name: "subjectAltName", altNames: names.ip ? [{ type: 7, ip: names.ip }] : [{ type: 2, value: names.dns }] },
    ],
  });
  return { key: p.private, cert: p.cert };
}

let pending: Promise<CertSet> | undefined;

export function certSet(): Promise<CertSet> {
  pending ??= (async () => {
    const now = Date.now();
    const [good, untrusted, expired, wrongHost] = await Promise.all([
      make("pbx good", { ip: "127.0.0.1" }, now - DAY, now + 30 * DAY),
      make("pbx self-signed", { ip: "127.0.0.1" }, now - DAY, now + 30 * DAY),
      make("pbx expired", { ip: "127.0.0.1" }, now - 60 * DAY, now - 30 * DAY),
      make("pbx other host", { dns: "pbx.other.invalid" }, now - DAY, now + 30 * DAY),
    ]);
    return { good, untrusted, expired, wrongHost, ca: [good.cert, expired.cert, wrongHost.cert].join("\n") };
  })();
  return pending;
}
