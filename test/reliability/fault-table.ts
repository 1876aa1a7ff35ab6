/**
 * The fault matrix as data: every fault once, with the error code the package documents for it
 * (RELIABILITY.md), and the three node kinds it is run against. fault-matrix.test.ts turns the
 * product of the two into test cases.
 */
import type net from "node:net";
import type { Fault } from "../../src/simulator";
import type { CertSet } from "./certs";
import type { RawFront } from "./fronts";
import { KEY } from "./support";

export interface FaultCase {
  name: string;
  code: string;
  /** Where the fault comes from: the simulator's fault injection, a raw TCP front, a TLS front. */
  sim?: Fault;
  raw?: (s: net.Socket, front: RawFront) => void;
  cert?: keyof Omit<CertSet, "ca" | "good">;
  /** The config node's timeout for this case (the hang cases wait for it). */
  timeout?: number;
  /** What the message must say besides the method name. */
  says: RegExp;
}

const JSON_CT = "application/json";
const status = (code: number, extra: Partial<Fault> = {}): Fault => ({ status: code, body: JSON.stringify({ error: `Simulated ${code}` }), contentType: JSON_CT, ...extra });

function write(s: net.Socket, front: RawFront, text: string): void {
  front.bytesSent += Buffer.byteLength(text);
  s.write(text);
}

/** Writes a chunked body forever (respecting back-pressure) until the client goes away. */
function endless(s: net.Socket, front: RawFront): void {
  write(s, front, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n");
  const chunk = `10000\r\n${"9".repeat(0x10000)}\r\n`;
  write(s, front, '5\r\n{"a":\r\n');
  const pump = (): void => {
    while (!s.destroyed && s.writable) {
      front.bytesSent += chunk.length;
      if (!s.write(chunk)) return void s.once("drain", pump);
    }
  };
  pump();
}

/** One byte every 100 ms, for ever. */
function drip(s: net.Socket, front: RawFront): void {
  write(s, front, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{");
  const timer = setInterval(() => (s.destroyed ? clearInterval(timer) : write(s, front, " ")), 100);
  s.on("close", () => clearInterval(timer));
}

export const FAULTS: readonly FaultCase[] = [
  { name: "connection refused (PBX down)", sim: { down: true }, code: "UNREACHABLE", says: /connection refused/ },
  { name: "reset before the answer", sim: { drop: "before-headers" }, code: "UNREACHABLE", says: /reset|closed/ },
  { name: "reset in the middle of the body", sim: { drop: "mid-body" }, code: "UNREACHABLE", says: /reset|closed|aborted/ },
  { name: "TCP RST before the answer", raw: (s) => s.resetAndDestroy(), code: "UNREACHABLE", says: /reset/ },
  { name: "TCP RST in the middle of the headers", raw: (s, f) => { write(s, f, "HTTP/1.1 200 OK\r\nContent-Ty"); setImmediate(() => s.resetAndDestroy()); }, code: "UNREACHABLE", says: /reset/ },
  { name: "closed without an answer", raw: (s) => s.end(), code: "UNREACHABLE", says: /reset|closed/ },
  { name: "headers that never come", sim: { hang: "headers" }, timeout: 800, code: "TIMEOUT", says: /no answer .* within 800 ms/ },
  { name: "a body that stalls", sim: { hang: "body" }, timeout: 800, code: "TIMEOUT", says: /within 800 ms/ },
  { name: "a body that drips one byte per 100 ms", raw: drip, timeout: 800, code: "TIMEOUT", says: /within 800 ms/ },
  { name: "HTTP 401", sim: status(401), code: "AUTH", says: /refused the access key \(HTTP 401/ },
  { name: "HTTP 403", sim: status(403), code: "AUTH", says: /refused the access key \(HTTP 403/ },
  { name: "HTTP 404", sim: status(404), code: "HTTP_404", says: /HTTP 404/ },
  { name: "HTTP 429 with Retry-After", sim: status(429, { retryAfter: 1 }), code: "HTTP_429", says: /rate limiting .*HTTP 429/ },
  { name: "HTTP 500", sim: status(500), code: "HTTP_500", says: /server error .*HTTP 500/ },
  { name: "HTTP 502", sim: status(502), code: "HTTP_502", says: /server error .*HTTP 502/ },
  { name: "HTTP 503", sim: status(503), code: "HTTP_503", says: /server error .*HTTP 503/ },
  { name: "HTTP 500 whose body echoes the key", sim: status(500, { body: JSON.stringify({ error: `bad key ${KEY} ${encodeURIComponent(KEY)}` }) }), code: "HTTP_500", says: /HTTP 500: bad key \*\*\* \*\*\*/ },
  { name: "302 redirect carrying the key (not followed)", raw: (s, f) => write(s, f, `HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1:1/webapi/${KEY}/\r\nContent-Length: 0\r\n\r\n`), code: "HTTP_302", says: /redirected .* not followed/ },
  { name: "an HTML error page with status 200", sim: { status: 200, body: "<html><body><h1>502 Bad Gateway</h1></body></html>", contentType: "text/html" }, code: "BAD_RESPONSE", says: /HTML page/ },
  { name: "truncated JSON", sim: { status: 200, body: '{"nums":["100","10', contentType: JSON_CT }, code: "BAD_RESPONSE", says: /not valid JSON/ },
  { name: "truncated JSON, close-delimited (HTTP/1.0)", raw: (s, f) => { write(s, f, 'HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n{"status":"Fr'); s.end(); }, code: "BAD_RESPONSE", says: /not valid JSON/ },
  { name: "an empty 200", sim: { status: 200 }, code: "BAD_RESPONSE", says: /empty/ },
  { name: "a 6 MB body with Content-Length", sim: { oversizeBytes: 6 * 1024 * 1024 }, code: "BAD_RESPONSE", says: /larger than 5242880 bytes/ },
  { name: "an endless chunked body", raw: endless, code: "BAD_RESPONSE", says: /larger than 5242880 bytes/ },
  { name: "an answer that is not HTTP", raw: (s, f) => { write(s, f, "SSH-2.0-OpenSSH_9.6\r\n"); s.end(); }, code: "BAD_RESPONSE", says: /not valid HTTP/ },
  { name: "a header flood (64 KB of headers)", raw: (s, f) => write(s, f, `HTTP/1.1 200 OK\r\n${"X-Flood: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n".repeat(1200)}`), code: "BAD_RESPONSE", says: /not valid HTTP/ },
  { name: "TLS: self-signed certificate", cert: "untrusted", code: "TLS", says: /not trusted/ },
  { name: "TLS: expired certificate", cert: "expired", code: "TLS", says: /expired/ },
  { name: "TLS: certificate for another host name", cert: "wrongHost", code: "TLS", says: /not made out for the host name/ },
];

export type KindName = "read" | "write" | "monitor";

export interface NodeKind {
  kind: KindName;
  type: string;
  props: Record<string, unknown>;
  msg: Record<string, unknown>;
  /** The WebAPI methods its message (or poll) may fail on; the first is the one counted. */
  methods: readonly string[];
  write: boolean;
}

export const KINDS: readonly NodeKind[] = [
  { kind: "read", type: "3cx-ext", props: { method: "ext.state.get" }, msg: { payload: "102" }, methods: ["ext.state.get"], write: false },
  { kind: "write", type: "3cx-call", props: { method: "makecall" }, msg: { payload: { first: "102", second: "103" } }, methods: ["makecall"], write: true },
  { kind: "monitor", type: "3cx-monitor", props: { source: "poll", interval: 0.2, extensions: "102" }, msg: { payload: "now" }, methods: ["pbx.callsinfo.get", "ext.state.get"], write: false },
];
