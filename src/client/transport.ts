/**
 * One GET on node:http(s) through the client's keep-alive agent, reduced to plain facts: the
 * status and body text, or the error code (the error itself, which holds the URL, is dropped).
 * No redirects are followed, no proxy is read from the environment, the body is capped while it
 * streams in.
 */
import http from "node:http";
import https from "node:https";
import { failedFrom, type Outcome } from "./failure";

export interface GetOptions {
  readonly agent: http.Agent;
  readonly headers: Readonly<http.OutgoingHttpHeaders>;
  readonly maxBytes: number;
  readonly signal: AbortSignal;
}

/** The code failure.ts reads as "the connection closed before the answer was complete". */
const CUT_SHORT = "ERR_BAD_RESPONSE";

export function get(url: string, o: GetOptions): Promise<Outcome> {
  return new Promise((resolve) => {
    let settled = false;
    const settle = (out: Outcome): void => {
      if (settled) return;
      settled = true;
      resolve(out);
    };
    const tooLarge = (res: http.IncomingMessage): void => {
      settle({ kind: "failed", code: "", tooLarge: true });
      res.destroy();
    };
    const onResponse = (res: http.IncomingMessage): void => {
      if (Number(res.headers["content-length"]) > o.maxBytes) return tooLarge(res);
      const chunks: Buffer[] = [];
      let size = 0;
      res.on("data", (chunk: Buffer) => {
        size += chunk.length;
        if (size > o.maxBytes) tooLarge(res);
        else chunks.push(chunk);
      });
      res.on("end", () => {
        const body = chunks.length === 1 ? chunks[0].toString("utf8") : Buffer.concat(chunks, size).toString("utf8");
        const retryAfter = res.headers["retry-after"];
        settle(retryAfter === undefined ? { kind: "answer", status: res.statusCode ?? 0, body } : { kind: "answer", status: res.statusCode ?? 0, body, retryAfter });
      });
      res.on("error", () => settle({ kind: "failed", code: CUT_SHORT, tooLarge: false }));
      res.on("close", () => {
        if (!res.complete) settle({ kind: "failed", code: CUT_SHORT, tooLarge: false });
      });
    };
    try {
      const lib = url.startsWith("https:") ? https : http;
      const req = lib.get(url, { agent: o.agent, headers: o.headers, signal: o.signal }, onResponse);
      req.on("error", (e) => settle(failedFrom(e)));
    } catch (e) {
      settle(failedFrom(e));
    }
  });
}
