/**
 * Delivers webhooks one at a time, in order, to the configured target only: POST with a JSON body,
 * or GET with the fields in the query (the generator's POST=0 scheme; its recording request is
 * still a POST). A failed delivery is counted and logged in `sent`, never retried, never thrown.
 */
import http from "node:http";
import https from "node:https";
import type { SentWebhook, WebhookControl, WebhookOptions } from "../types";
import type { WebhookPayload, WebhookRequest } from "./format";

const TIMEOUT_MS = 5000;
const MAX_SENT = 1000;

export class WebhookSender implements WebhookControl {
  readonly sent: SentWebhook[] = [];
  failures = 0;
  private targetOpts: WebhookOptions | null = null;
  private chain: Promise<unknown> = Promise.resolve();
  private readonly open = new Set<http.ClientRequest>();
  private closed = false;

  constructor(target?: WebhookOptions) {
    this.target = target ?? null;
  }

  get target(): WebhookOptions | null {
    return this.targetOpts;
  }

  set target(t: WebhookOptions | null) {
    if (t) {
      for (const u of [t.url, t.recordingUrl]) {
        if (u !== undefined && !/^https?:\/\//i.test(u)) throw new TypeError("webhook url must start with http:// or https://");
        if (u !== undefined) new URL(u); // throws on a malformed URL
      }
      if (t.method !== undefined && t.method !== "POST" && t.method !== "GET") throw new TypeError('webhook method must be "POST" or "GET"');
    }
    this.targetOpts = t ? { ...t } : null;
  }

  /** Queues the requests of one call event (nothing when no target is set). */
  enqueue(requests: readonly WebhookRequest[]): void {
    for (const r of requests) void this.queue(r);
  }

  send(event: Record<string, unknown>): Promise<number> {
    return this.queue({ kind: Array.isArray(event.FILES) ? "recording" : "event", payload: event });
  }

  async idle(): Promise<void> {
    let seen: Promise<unknown>;
    do {
      seen = this.chain;
      await seen;
    } while (seen !== this.chain);
  }

  /** Aborts the request in progress and drops the queued ones. */
  close(): void {
    this.closed = true;
    for (const req of this.open) req.destroy();
  }

  private queue(r: WebhookRequest): Promise<number> {
    const t = this.targetOpts;
    if (!t || this.closed) return Promise.resolve(0);
    const get = r.kind === "event" && t.method === "GET";
    const url = r.kind === "recording" ? t.recordingUrl ?? t.url : t.url;
    const next = this.chain.then(() => (this.closed ? 0 : this.deliver(get ? "GET" : "POST", url, r.payload)));
    this.chain = next;
    return next;
  }

  private deliver(method: "POST" | "GET", url: string, payload: WebhookPayload): Promise<number> {
    return new Promise((resolve) => {
      const target = new URL(url);
      let body: Buffer | undefined;
      if (method === "GET") {
        for (const [k, v] of Object.entries(payload)) target.searchParams.append(k, Array.isArray(v) ? v.join(",") : String(v));
      } else {
        body = Buffer.from(JSON.stringify(payload));
      }
      const entry: SentWebhook = { at: Date.now(), method, url: target.toString(), payload, status: 0 };
      let done = false;
      const finish = (status: number, error?: string) => {
        if (done) return;
        done = true;
        entry.status = status;
        if (error) { entry.error = error; this.failures++; }
        this.sent.push(entry);
        if (this.sent.length > MAX_SENT) this.sent.shift();
        resolve(status);
      };
      const lib = target.protocol === "https:" ? https : http;
      const req = lib.request(target, {
        method,
        timeout: TIMEOUT_MS,
        headers: body ? { "content-type": "application/json", "content-length": String(body.length) } : {},
      }, (res) => {
        res.resume();
        res.on("end", () => { this.open.delete(req); finish(res.statusCode ?? 0); });
        res.on("error", (err) => { this.open.delete(req); finish(0, err.message); });
      });
      this.open.add(req);
      req.on("timeout", () => req.destroy(new Error(`no answer within ${TIMEOUT_MS} ms`)));
      req.on("error", (err) => { this.open.delete(req); finish(0, err.message); });
      req.end(body);
    });
  }
}
