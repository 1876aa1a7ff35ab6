/**
 * Turns what one attempt produced into plain facts (no library objects are kept), and those facts
 * into a WebApiError with a stable code and a message in plain words naming the method.
 */
import { scrubAnswer } from "../catalog/answer";
import { WebApiError } from "./errors";

/** The PBX answered (any status). */
export interface Answer {
  readonly kind: "answer";
  readonly status: number;
  readonly body: string;
  readonly retryAfter?: string;
}

/** No usable answer: only the library's error code and two flags survive. */
export interface Failed {
  readonly kind: "failed";
  readonly code: string;
  readonly tooLarge: boolean;
}

export type Outcome = Answer | Failed;

/** Reads the code from an axios/socket error and lets go of the error (it holds the URL). */
export function failedFrom(e: unknown): Failed {
  const err = (typeof e === "object" && e !== null ? e : {}) as { code?: unknown; message?: unknown; cause?: { code?: unknown } };
  const code = typeof err.code === "string" ? err.code : typeof err.cause?.code === "string" ? err.cause.code : "";
  const message = typeof err.message === "string" ? err.message : "";
  return { kind: "failed", code, tooLarge: message.startsWith("maxContentLength") };
}

/** Context every message needs. */
export interface Ctx {
  readonly method: string;
  readonly baseUrl: string;
  readonly attempts: number;
  readonly maxResponseBytes: number;
  readonly redact: (text: string) => string;
}

function afterAttempts(ctx: Ctx): string {
  return ctx.attempts > 1 ? `, after ${ctx.attempts} attempts` : "";
}

export const NETWORK: Readonly<Record<string, readonly [reason: string, retry: boolean]>> = {
  ECONNREFUSED: ["connection refused", true],
  ECONNRESET: ["the connection was reset", true],
  EPIPE: ["the connection was closed", true],
  ECONNABORTED: ["the connection was aborted", true],
  ETIMEDOUT: ["the connection timed out", true],
  EHOSTUNREACH: ["host unreachable", true],
  EHOSTDOWN: ["host down", true],
  ENETUNREACH: ["network unreachable", true],
  ENETDOWN: ["network down", true],
  EAI_AGAIN: ["the host name could not be looked up", true],
  ENOTFOUND: ["host name not found", false],
  // axios: the socket closed while the body was streaming in
  ERR_BAD_RESPONSE: ["the connection closed before the answer was complete", true],
};

const UNTRUSTED = new Set([
  "DEPTH_ZERO_SELF_SIGNED_CERT", "SELF_SIGNED_CERT_IN_CHAIN", "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT", "UNABLE_TO_GET_ISSUER_CERT_LOCALLY", "CERT_UNTRUSTED", "CERT_REJECTED",
  "CERT_SIGNATURE_FAILURE", "INVALID_CA", "CERT_CHAIN_TOO_LONG",
]);

export function tlsReason(code: string): string | undefined {
  if (UNTRUSTED.has(code)) {
    return "the PBX's certificate is not trusted (self-signed or unknown CA): give its CA in the TLS settings, or turn certificate verification off for this PBX";
  }
  if (code === "CERT_HAS_EXPIRED") return "the PBX's certificate has expired";
  if (code === "CERT_NOT_YET_VALID") return "the PBX's certificate is not valid yet (check the clocks)";
  if (code === "ERR_TLS_CERT_ALTNAME_INVALID") return "the PBX's certificate is not made out for the host name in the PBX address";
  if (/ALERT_(CERTIFICATE_REQUIRED|BAD_CERTIFICATE|UNKNOWN_CA|CERTIFICATE_UNKNOWN)/.test(code)) {
    return "the PBX wants a client certificate it accepts: check the client certificate in the TLS settings";
  }
  if (/^ERR_(TLS|SSL|OSSL)_|CERT|^EPROTO$/.test(code)) return "the TLS handshake with the PBX failed: check that the port speaks HTTPS and the TLS settings";
  return undefined;
}

export interface Judged {
  readonly error: WebApiError;
  readonly retry: boolean;
}

/** A failed attempt (no answer). `code` is the library's, safe to show (it is a fixed token). */
export function judgeFailure(f: Failed, ctx: Ctx): Judged {
  const { method } = ctx;
  const code = /^[A-Z0-9_]{1,64}$/.test(f.code) ? f.code : "";
  const at = { attempts: ctx.attempts };
  if (f.tooLarge) {
    const msg = `${method} failed: the PBX's answer is larger than ${ctx.maxResponseBytes} bytes (maxResponseBytes)`;
    return { error: new WebApiError("BAD_RESPONSE", method, msg, at), retry: false };
  }
  const tls = tlsReason(code);
  if (tls) return { error: new WebApiError("TLS", method, `${method} failed: ${tls} (${code})`, at), retry: false };
  if (code.startsWith("HPE_")) {
    const msg = `${method} failed: the PBX sent an answer that is not valid HTTP (${code})`;
    return { error: new WebApiError("BAD_RESPONSE", method, msg, at), retry: false };
  }
  const [reason, retry] = NETWORK[code] ?? [code ? `network error ${code}` : "network error", true];
  const msg = `${method} failed: cannot reach the PBX at ${ctx.baseUrl} (${reason}${afterAttempts(ctx)})`;
  return { error: new WebApiError("UNREACHABLE", method, msg, at), retry };
}

const MAX_SERVER_TEXT = 160;

/** The object of a JSON error body; undefined when the body is too large for one, not JSON, or no object. */
export function errorObject(body: string): Record<string, unknown> | undefined {
  if (body.length > 64 * 1024) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined;
  }
  return typeof parsed === "object" && parsed !== null ? parsed as Record<string, unknown> : undefined;
}

/** A server's text made fit for a message: redacted, on one line, short. */
export function messageText(raw: string, redact: (t: string) => string): string {
  // Redact before cutting, so a cut can never leave part of the key behind.
  const text = redact(raw).replace(/[\u0000-\u001f\u007f-\u009f]+/g, " ").trim();
  return text.length > MAX_SERVER_TEXT ? `${text.slice(0, MAX_SERVER_TEXT)}…` : text;
}

/** The `error` (or `message`) text of a JSON error body, redacted, one line, short. */
export function serverText(body: string, redact: (t: string) => string): string {
  const o = errorObject(body);
  if (!o) return "";
  const raw = typeof o.error === "string" ? o.error : typeof o.message === "string" ? o.message : "";
  return messageText(raw, redact);
}

/** A non-2xx answer. */
export function judgeStatus(a: Answer, ctx: Ctx): Judged {
  const { method } = ctx;
  const text = serverText(a.body, ctx.redact);
  const http = `HTTP ${a.status}${text ? `: ${text}` : ""}`;
  const extra = { status: a.status, attempts: ctx.attempts };
  if (a.status === 401 || a.status === 403) {
    return { error: new WebApiError("AUTH", method, `${method} failed: the PBX refused the access key (${http})`, extra), retry: false };
  }
  let what = "the PBX answered with an error";
  if (a.status >= 500) what = "the PBX answered with a server error";
  else if (a.status === 429) what = "the PBX is rate limiting requests";
  else if (a.status >= 300 && a.status < 400) what = "the PBX redirected the request, which is not followed (check the scheme and port in the PBX address)";
  const retry = a.status >= 500 || a.status === 429;
  const msg = `${method} failed: ${what} (${http}${afterAttempts(ctx)})`;
  return { error: new WebApiError(`HTTP_${a.status}`, method, msg, extra), retry };
}

/** A 2xx answer that is not JSON (err.answer: its text, redacted). */
export function badBody(a: Answer, ctx: Ctx): WebApiError {
  const { method } = ctx;
  let what = "is not valid JSON (cut short or garbled)";
  if (a.body.trim() === "") what = "is empty, expected JSON";
  else if (/^\s*</.test(a.body)) what = "is an HTML page, not JSON: does the PBX address point at the 3CX WebAPI?";
  return new WebApiError("BAD_RESPONSE", method, `${method} failed: the PBX's answer ${what} (HTTP ${a.status})`, {
    status: a.status,
    attempts: ctx.attempts,
    answer: scrubAnswer(a.body, ctx.redact),
  });
}
