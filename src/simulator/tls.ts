/**
 * The HTTPS listener's certificate: self-signed (EC P-256, SHA-256, one year), SANs 127.0.0.1, ::1 and
 * localhost, marked as a CA so it can be trusted directly (`ca: sim.ca`). Generated once per process
 * (~40 ms) and shared by every simulator in it.
 */
import { generate } from "selfsigned";

export interface CertPair {
  key: string;
  cert: string;
}

let pending: Promise<CertPair> | undefined;

export function simulatorCertificate(): Promise<CertPair> {
  pending ??= generate([{ name: "commonName", value: "3CX WebAPI simulator" }], {
    keyType: "ec",
    curve: "P-256",
    algorithm: "sha256",
    notBeforeDate: new Date(Date.now() - 60_000),
    notAfterDate: new Date(Date.now() + 365 * 24 * 3600_000),
    extensions: [
      { name: "basicConstraints", cA: true },
      { name: "keyUsage", digitalSignature: true, keyCertSign: true },
      { name: "extKeyUsage", serverAuth: true },
      { name: "subjectAltName", altNames: [{ type: 2, value: "localhost" }, { type: 7, ip: "127.0.0.1" }, { type: 7, ip: "::1" }] },
    ],
  }).then((p) => ({ key: p.private, cert: p.cert }));
  pending.catch(() => { pending = undefined; });
  return pending;
}
