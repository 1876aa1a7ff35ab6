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
  | "ABORTED"
  | "BAD_CONFIG"
  | `HTTP_${number}`;

export class WebApiError extends Error {
  readonly code: ErrorCode;
  /** The catalog method name ("info" for the license call); "" for a configuration error. */
  readonly method: string;
  /** The HTTP status, when the PBX answered. */
  declare readonly status?: number;
  /** How many requests were sent for this call (0 when none was). */
  declare readonly attempts?: number;

  constructor(code: ErrorCode, method: string, message: string, extra: { status?: number; attempts?: number } = {}) {
    super(message);
    this.name = "WebApiError";
    this.code = code;
    this.method = method;
    if (extra.status !== undefined) this.status = extra.status;
    if (extra.attempts !== undefined) this.attempts = extra.attempts;
  }

  toJSON(): Record<string, unknown> {
    return { name: this.name, code: this.code, method: this.method, status: this.status, attempts: this.attempts, message: this.message };
  }
}

export function configError(message: string): WebApiError {
  return new WebApiError("BAD_CONFIG", "", message);
}

/**
 * Replaces every form of the secret a server or a library could echo: as written, URL-encoded,
 * and URL-encoded with lower-case hex.
 */
export function makeRedactor(secret: string): (text: string) => string {
  const encoded = encodeURIComponent(secret);
  const forms = [...new Set([secret, encoded, encoded.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase())])]
    .filter((f) => f !== "")
    .sort((a, b) => b.length - a.length);
  return (text) => {
    let out = text;
    for (const f of forms) out = out.split(f).join("***");
    return out;
  };
}
