/**
 * The webhook endpoint as a plain Node request handler (Express routes accept it as it is): checks
 * the source address and the token before reading anything, reads a capped body, classifies it,
 * answers at once, and only then hands the webhook on. Refused → 403, not a webhook → 400, too big
 * → 413; nothing is handed on in those cases.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AllowList } from "./allow-list";
import { tokenMatches } from "./token";
import { MalformedWebhookError, parseWebhook, type ParsedWebhook } from "./webhook";

export const DEFAULT_MAX_BYTES = 1024 * 1024;

export type RefusalReason = "address" | "token" | "malformed" | "too-large" | "method";

export interface ReceiverOptions {
  /** The shared secret expected as query `token=`; blank = no token needed. */
  readonly token?: string;
  readonly allow: AllowList | null;
  readonly maxBytes?: number;
  /** Called after the 200 has been sent. */
  onHook(hook: ParsedWebhook, from: string): void;
  /** Called for every refused request (after the answer); `detail` never contains the token. */
  onRefused?(reason: RefusalReason, detail: string, from: string): void;
}

/** What an Express (or other) middleware may have left on the request. */
type MaybeParsed = IncomingMessage & { body?: unknown; _body?: boolean; ip?: string; originalUrl?: string };

class HttpRefusal extends Error {
  constructor(readonly status: number, readonly reason: RefusalReason, message: string) {
    super(message);
  }
}

/** Query or form text → fields; a key given more than once becomes a list ("FILES[]" → files). */
export function formFields(text: string): Record<string, unknown> {
  const params = new URLSearchParams(text);
  const out: Record<string, unknown> = {};
  for (const rawKey of new Set(params.keys())) {
    const all = params.getAll(rawKey);
    const key = rawKey.endsWith("[]") ? rawKey.slice(0, -2) : rawKey;
    out[key] = all.length > 1 || rawKey.endsWith("[]") ? all : all[0];
  }
  return out;
}

/**
 * The query fields and the presented token. A generator that appends "?event=…" to a URL that
 * already has "?token=x" produces "token=x?event=…": the rest after the token is read as fields too.
 */
export function queryFields(url: string): { fields: Record<string, unknown>; token: string | undefined } {
  const q = url.indexOf("?");
  const fields = q < 0 ? {} : formFields(url.slice(q + 1));
  let token = typeof fields.token === "string" ? fields.token : undefined;
  delete fields.token;
  if (token !== undefined && token.includes("?")) {
    const cut = token.indexOf("?");
    Object.assign(fields, formFields(token.slice(cut + 1)));
    token = token.slice(0, cut);
    delete fields.token;
  }
  return { fields, token };
}

function readBody(req: MaybeParsed, maxBytes: number): Promise<string> {
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > maxBytes) return Promise.reject(new HttpRefusal(413, "too-large", `body over ${maxBytes} bytes`));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > maxBytes) {
        req.off("data", onData);
        req.resume(); // discard the rest; the answer says 413
        reject(new HttpRefusal(413, "too-large", `body over ${maxBytes} bytes`));
        return;
      }
      chunks.push(chunk);
    };
    req.on("data", onData);
    req.once("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.once("error", (err) => reject(new HttpRefusal(400, "malformed", err.message)));
  });
}

function parseText(text: string, contentType: string): unknown {
  const t = text.trim();
  if (t === "") return {};
  if (/application\/x-www-form-urlencoded/i.test(contentType)) return formFields(t);
  // JSON is the generator's POST scheme; a client that forgets the content type is read as JSON too.
  if (/json/i.test(contentType) || t.startsWith("{") || t.startsWith("[")) {
    try {
      return JSON.parse(t) as unknown;
    } catch {
      throw new HttpRefusal(400, "malformed", "body: invalid JSON");
    }
  }
  return formFields(t);
}

async function bodyFields(req: MaybeParsed, maxBytes: number): Promise<unknown> {
  const contentType = String(req.headers["content-type"] ?? "");
  // Another middleware (httpNodeMiddleware, a global body parser) may have read the body already.
  if (req._body === true || req.readableEnded) {
    const b = req.body;
    if (Buffer.isBuffer(b)) return parseText(b.toString("utf8"), contentType);
    if (typeof b === "string") return parseText(b, contentType);
    return b ?? {};
  }
  return parseText(await readBody(req, maxBytes), contentType);
}

function answer(res: ServerResponse, status: number, text: string, close = false): void {
  if (res.headersSent) return;
  res.statusCode = status;
  res.setHeader("Content-Type", "text/plain; charset=utf-8");
  res.setHeader("Cache-Control", "no-store");
  if (close) res.setHeader("Connection", "close");
  res.end(text);
}

const STATUS_TEXT: Readonly<Record<number, string>> = { 400: "Bad Request", 403: "Forbidden", 405: "Method Not Allowed", 413: "Payload Too Large" };

export function createWebhookHandler(opts: ReceiverOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  const token = opts.token ?? "";
  const refuse = (res: ServerResponse, r: HttpRefusal, from: string): void => {
    answer(res, r.status, r.status === 400 ? `${STATUS_TEXT[400]}: ${r.message}` : STATUS_TEXT[r.status] ?? "Error", r.status === 413);
    opts.onRefused?.(r.reason, r.message, from);
  };
  return (request, res) => {
    const req = request as MaybeParsed;
    const from = req.ip ?? req.socket.remoteAddress ?? "";
    void (async () => {
      if (req.method !== "GET" && req.method !== "POST") throw new HttpRefusal(405, "method", `method ${req.method ?? "?"}`);
      if (opts.allow && !opts.allow.allows(from)) throw new HttpRefusal(403, "address", `source address ${from} not in the allow-list`);
      const query = queryFields(req.originalUrl ?? req.url ?? "");
      if (token !== "" && !tokenMatches(query.token, token)) throw new HttpRefusal(403, "token", query.token === undefined ? "token missing" : "wrong token");
      const body = req.method === "POST" ? await bodyFields(req, maxBytes) : {};
      if (typeof body !== "object" || body === null || Array.isArray(body)) throw new HttpRefusal(400, "malformed", "body: expected a JSON object");
      let hook: ParsedWebhook;
      try {
        hook = parseWebhook({ ...query.fields, ...(body as Record<string, unknown>) });
      } catch (err) {
        if (err instanceof MalformedWebhookError) throw new HttpRefusal(400, "malformed", err.message);
        throw err;
      }
      answer(res, 200, "OK");
      // Answer first: the generator waits for us; flows run after it has its 200.
      setImmediate(() => opts.onHook(hook, from));
    })().catch((err: unknown) => {
      refuse(res, err instanceof HttpRefusal ? err : new HttpRefusal(400, "malformed", "unreadable request"), from);
    });
  };
}
