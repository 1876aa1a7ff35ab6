/**
 * Client options, checked once at construction (deploy time), and the one keep-alive agent per
 * client that carries the TLS settings. Nothing here touches process-wide settings.
 */
import { X509Certificate } from "node:crypto";
import http from "node:http";
import https from "node:https";
import tls from "node:tls";
import { configError } from "./errors";

export interface TlsOptions {
  ca?: string | Buffer;
  cert?: string | Buffer;
  key?: string | Buffer;
  passphrase?: string;
  /** Verify the PBX's certificate (default true). false turns it off for this client only. */
  rejectUnauthorized?: boolean;
  /** The name to check the certificate against (and send as SNI), when it differs from the host. */
  servername?: string;
}

export interface ClientOptions {
  fqdn: string;
  accessKey: string;
  /** ms for one call once it has left the queue: every attempt and backoff included (default 10000). */
  timeout?: number;
  /** Requests in flight at once to this PBX (default 4); the rest wait in a FIFO queue. */
  maxConcurrent?: number;
  tls?: TlsOptions;
  /** Extra attempts for reads after a network error, 5xx or 429 (default 2). Writes: never. */
  retries?: number;
  /** Base of the exponential backoff between attempts, in ms (default 200). */
  retryDelayMs?: number;
  /** Largest answer accepted, in bytes, enforced while it streams in (default 5 MB). */
  maxResponseBytes?: number;
  /** How long an idle keep-alive connection is kept open, in ms (default 4000). */
  keepAliveMs?: number;
  /** Hears warnings (a read lacking a key the nodes rely on: once per method and client). */
  onWarning?: (message: string) => void;
}

export interface Settings {
  readonly timeout: number;
  readonly maxConcurrent: number;
  readonly retries: number;
  readonly retryDelayMs: number;
  readonly maxResponseBytes: number;
  readonly keepAliveMs: number;
}

export const DEFAULTS: Settings = {
  timeout: 10_000,
  maxConcurrent: 4,
  retries: 2,
  retryDelayMs: 200,
  maxResponseBytes: 5 * 1024 * 1024,
  // Below the common server idle timeouts (Node 5 s, nginx 75 s), so a write is never sent on a
  // connection the PBX is about to close (writes are not retried).
  keepAliveMs: 4_000,
};

function whole(name: keyof Settings, value: number | undefined, min: number, max: number): number {
  if (value === undefined) return DEFAULTS[name];
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    throw configError(`${name} must be a whole number from ${min} to ${max}`);
  }
  return value;
}

export function checkSettings(o: ClientOptions): Settings {
  return {
    timeout: whole("timeout", o.timeout, 1, 3_600_000),
    maxConcurrent: whole("maxConcurrent", o.maxConcurrent, 1, 256),
    retries: whole("retries", o.retries, 0, 10),
    retryDelayMs: whole("retryDelayMs", o.retryDelayMs, 0, 60_000),
    maxResponseBytes: whole("maxResponseBytes", o.maxResponseBytes, 1, 1024 * 1024 * 1024),
    keepAliveMs: whole("keepAliveMs", o.keepAliveMs, 1, 3_600_000),
  };
}

/** Printable, no spaces, and not a dot segment ("." or ".." would be resolved away in the path). */
export function checkAccessKey(key: unknown): string {
  if (typeof key !== "string" || key === "") throw configError("Access key is empty: enter the WebAPI access key in the PBX configuration");
  if (/[\s\u0000-\u001f\u007f-\u009f]/.test(key) || key === "." || key === "..") {
    throw configError("Access key must not contain spaces or control characters");
  }
  try {
    encodeURIComponent(key);
  } catch {
    throw configError("Access key must be valid Unicode text");
  }
  return key;
}

const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** Node ignores CA text it cannot read (and then trusts nothing): say so at deploy time instead. */
function checkCa(ca: string | Buffer): void {
  const blocks = String(ca).match(PEM_CERT) ?? [];
  if (blocks.length === 0) throw configError("tls.ca must hold one or more PEM certificates (-----BEGIN CERTIFICATE-----)");
  for (const pem of blocks) {
    try {
      new X509Certificate(pem);
    } catch {
      throw configError("tls.ca holds a certificate that cannot be read (check the PEM text)");
    }
  }
}

/** The TCP keep-alive delay axios asks for on each request's socket (lib/adapters/http.js). */
export const AXIOS_TCP_KEEPALIVE_MS = 60_000;

/** One keep-alive agent per client; for https the TLS context is built here, once. */
export function makeAgent(baseUrl: string, s: Settings, t: TlsOptions = {}): http.Agent {
  // keepAliveMsecs is axios's own TCP keep-alive delay (it sets 60 s on every request's socket);
  // with Node's default (1 s) the two alternate and each request costs two setsockopt calls.
  const pool = { keepAlive: true, keepAliveMsecs: AXIOS_TCP_KEEPALIVE_MS, maxSockets: s.maxConcurrent, maxFreeSockets: s.maxConcurrent, timeout: s.keepAliveMs };
  if (baseUrl.startsWith("http:")) return new http.Agent(pool);
  if (t.ca !== undefined) checkCa(t.ca);
  if ((t.cert === undefined) !== (t.key === undefined)) throw configError("tls.cert and tls.key must be given together (client certificate)");
  let secureContext: tls.SecureContext | undefined;
  if (t.ca !== undefined || t.cert !== undefined) {
    try {
      secureContext = tls.createSecureContext({ ca: t.ca, cert: t.cert, key: t.key, passphrase: t.passphrase });
    } catch {
      // The library's text may quote the material; say which field is wrong instead.
      throw configError("tls: the CA, certificate, key or passphrase cannot be used (check the PEM text and the passphrase)");
    }
  }
  if (t.rejectUnauthorized !== undefined && typeof t.rejectUnauthorized !== "boolean") {
    throw configError("tls.rejectUnauthorized must be true or false");
  }
  return new https.Agent({
    ...pool,
    secureContext,
    rejectUnauthorized: t.rejectUnauthorized !== false,
    ...(t.servername ? { servername: t.servername } : {}),
  });
}
