/**
 * A wrong scheme in the PBX address (https:// on a plain-HTTP port, http:// on an HTTPS one) shows
 * up as a connection reset or garbage, never as itself. When a request fails that way, one probe of
 * the same host and port with the other scheme tells which it speaks. The probe sends nothing
 * secret: a bare `HEAD /` to a plain port, or only a TLS handshake.
 */
import net from "node:net";
import tls from "node:tls";
import { WebApiError } from "./errors";

const PROBE_MS = 3000;

/** Library codes a scheme mismatch produces (reset, a TLS alert, HTTP parser errors on TLS bytes). */
export function mayBeSchemeMismatch(code: string): boolean {
  return code === "ECONNRESET" || code === "EPIPE" || code === "EPROTO" || /^ERR_SSL_|^HPE_/.test(code);
}

/** nginx (the 3CX web server) answers plain HTTP on its HTTPS port with a 400 page saying so. */
export function isPlainOnHttpsPage(status: number, body: string): boolean {
  return status === 400 && /plain HTTP request was sent to HTTPS port/i.test(body.slice(0, 4096));
}

function hostPort(baseUrl: string): { host: string; port: number; url: URL } {
  const url = new URL(baseUrl);
  const port = Number(url.port) || (url.protocol === "https:" ? 443 : 80);
  return { host: url.hostname.replace(/^\[|\]$/g, ""), port, url };
}

/** Resolves when the socket settles (and destroys it): `true` once `wire`'s callback is called, `false` on an error, close or timeout. */
function settle(sock: net.Socket, timeoutMs: number, wire: (yes: () => void) => void): Promise<boolean> {
  return new Promise((resolve) => {
    let done = false;
    const finish = (v: boolean): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.destroy();
      resolve(v);
    };
    const timer = setTimeout(finish, timeoutMs, false);
    sock.once("error", () => finish(false));
    sock.once("close", () => finish(false));
    wire(() => finish(true));
  });
}

/** Does host:port answer plain HTTP? */
function speaksHttp(host: string, port: number, timeoutMs: number): Promise<boolean> {
  const sock = net.connect({ host, port });
  return settle(sock, timeoutMs, (yes) => {
    sock.once("connect", () => sock.write(`HEAD / HTTP/1.0\r\nHost: ${host}\r\n\r\n`));
    let head = "";
    sock.on("data", (chunk: Buffer) => {
      head += chunk.toString("latin1");
      if (/^HTTP\/\d/.test(head)) yes();
      else if (head.length >= 5) sock.destroy();
    });
  });
}

/** Does host:port complete a TLS handshake? (Any certificate: only the protocol is asked.) */
function speaksTls(host: string, port: number, timeoutMs: number): Promise<boolean> {
  const sock = tls.connect({ host, port, rejectUnauthorized: false, ...(net.isIP(host) ? {} : { servername: host }) });
  return settle(sock, timeoutMs, (yes) => sock.once("secureConnect", yes));
}

/**
 * The PBX address with the scheme the port really speaks, when it is the other one; undefined when
 * the probe finds no mismatch (the failure had another cause).
 */
export async function otherSchemeUrl(baseUrl: string, timeoutMs = PROBE_MS): Promise<string | undefined> {
  const { host, port, url } = hostPort(baseUrl);
  const ms = Math.min(timeoutMs, PROBE_MS);
  const https = url.protocol === "https:";
  const other = https ? await speaksHttp(host, port, ms) : await speaksTls(host, port, ms);
  if (!other) return undefined;
  return `${https ? "http" : "https"}://${url.host}`;
}

/** The error for a PBX address whose scheme the port does not speak. */
export function schemeError(method: string, baseUrl: string, fixed: string, attempts: number): WebApiError {
  const plain = fixed.startsWith("http:");
  const msg = `${method} failed: the PBX answered ${plain ? "plain HTTP" : "HTTPS"} at ${baseUrl}: try ${fixed} as the PBX address`;
  return new WebApiError("TLS", method, msg, { attempts });
}
