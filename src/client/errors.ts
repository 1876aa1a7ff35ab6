/**
 * The client's one error type. It is built fresh from plain words and codes: it never wraps an
 * axios or socket error (those carry the URL, and the URL carries the access key), and it holds no
 * URL, config, request or cause.
 */
export type ErrorCode =
  | "AUTH"
  | "TIMEOUT"
  | "UNREACHABLE"
  | "TLS"
  | "BAD_PARAM"
  | "BAD_RESPONSE"
  | "REFUSED"
  | "PBX_ERROR"
  | "NOT_FOUND"
  | "ABORTED"
  | "BAD_CONFIG"
  /** The method has no equivalent on the config node's api (sent nowhere). */
  | "UNSUPPORTED"
  | `HTTP_${number}`;

export class WebApiError extends Error {
  readonly code: ErrorCode;
  /** The catalog method name ("info" for the license call); "" for a configuration error. */
  readonly method: string;
  /** The HTTP status, when the PBX answered. */
  declare readonly status?: number;
  /** How many requests were sent for this call (0 when none was). */
  declare readonly attempts?: number;
  /** What the PBX answered, secrets redacted (REFUSED, PBX_ERROR, BAD_RESPONSE of a 2xx). */
  declare readonly answer?: unknown;

  constructor(code: ErrorCode, method: string, message: string, extra: { status?: number; attempts?: number; answer?: unknown } = {}) {
    super(message);
    this.name = "WebApiError";
    this.code = code;
    this.method = method;
    if (extra.status !== undefined) this.status = extra.status;
    if (extra.attempts !== undefined) this.attempts = extra.attempts;
    if ("answer" in extra) this.answer = extra.answer;
  }

  toJSON(): Record<string, unknown> {
    return { name: this.name, code: this.code, method: this.method, status: this.status, attempts: this.attempts, message: this.message, ...("answer" in this ? { answer: this.answer } : {}) };
  }
}

export function configError(message: string): WebApiError {
  return new WebApiError("BAD_CONFIG", "", message);
}

/** One character as itself or as its percent-encoded UTF-8 bytes, hex in either case. */
function charPattern(ch: string): string {
  const literal = ch.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
  const encoded = [...Buffer.from(ch, "utf8")]
    .map((b) => `%${[...b.toString(16).padStart(2, "0")].map((d) => (/[a-f]/.test(d) ? `[${d}${d.toUpperCase()}]` : d)).join("")}`)
    .join("");
  return `(?:${literal}|${encoded})`;
}

/**
 * Replaces every form of the secret a server or a library could echo: as written, URL-encoded
 * (encodeURIComponent or encodeURI, upper- or lower-case hex), or any mix of those.
 */
export function makeRedactor(secret: string): (text: string) => string {
  const pattern = new RegExp([...secret].map(charPattern).join(""), "g");
  return (text) => text.replace(pattern, "***");
}
