/**
 * The WebAPI HTTP client: one per PBX (config node), one keep-alive agent, at most
 * `maxConcurrent` requests in flight with a queue behind them (actions ahead of monitor polls),
 * a time budget per call, retries for reads only, and typed errors that never carry the access key.
 *
 * Secrecy: the key lives only in private fields (#) — util.inspect shows none of them — and in the
 * request line. Library errors are reduced to their code at once (failure.ts).
 */
import axios, { type AxiosInstance } from "axios";
import type http from "node:http";
import { classifyAnswer, getMethod, isRetryable, scrubAnswer, type MethodSpec } from "../catalog";
import { sleep, backoffDelay, parseRetryAfter } from "./backoff";
import { WebApiError, makeRedactor } from "./errors";
import { type Answer, type Ctx, type Outcome, badBody, failedFrom, judgeFailure, judgeStatus } from "./failure";
import { normalizeFqdn } from "./fqdn";
import { isPlainOnHttpsPage, mayBeSchemeMismatch, otherSchemeUrl, schemeError } from "./scheme";
import { type ClientOptions, type Settings, checkAccessKey, checkSettings, makeAgent } from "./options";
import { RunSet, abortedError, inSlot, type StopReason, type StopSignal } from "./runs";
import { Slots, type Priority } from "./slots";

export interface WebApiResult {
  /** The PBX's JSON answer, parsed, unchanged. */
  data: unknown;
  status: number;
  /** From leaving the queue to the answer, all attempts included. */
  durationMs: number;
  attempts: number;
  /** The call id the PBX answered (makecall on WebAPI 3.x). */
  chid?: string;
}

export interface CallOptions {
  /** Aborts the call, queued or in flight (code ABORTED). */
  signal?: AbortSignal;
  /** "action" (default): ahead of queued monitor calls; "monitor": background polling, at most maxConcurrent − 1 slots. */
  priority?: Priority;
}

const USER_AGENT = "node-red-3cx-webapi";
const REQUEST_HEADERS = { Accept: "application/json", "User-Agent": USER_AGENT } as const;

function specOf(method: string | MethodSpec): MethodSpec {
  if (typeof method !== "string") return method;
  const spec = getMethod(method);
  if (!spec) {
    const shown = JSON.stringify(method.length > 40 ? `${method.slice(0, 40)}…` : method);
    throw new WebApiError("BAD_PARAM", String(method).slice(0, 40), `unknown WebAPI method ${shown}`);
  }
  return spec;
}

/** How long a call's last failure waits for the scheme probe (a mismatch answers in milliseconds). */
const PROBE_WAIT_MS = 1000;

export class WebApiClient {
  /** The interface this client speaks (the PbxClient seam, src/backends). */
  readonly api = "webapi" as const;
  /** "https://host:port": never contains the key. */
  readonly baseUrl: string;
  readonly #prefix: string; // baseUrl + "/webapi/" + encoded key + "/"
  readonly #redact: (text: string) => string;
  readonly #agent: http.Agent;
  readonly #http: AxiosInstance;
  readonly #s: Settings;
  readonly #slots: Slots;
  /** Calls that have left the queue; close() stops them. */
  readonly #runs = new RunSet();
  readonly #onWarning: ((message: string) => void) | undefined;
  /** Methods already warned about (one warning per method for the client's life: a deploy). */
  readonly #warned = new Set<string>();
  /** The PBX has answered in the scheme of baseUrl (so a reset is not a wrong scheme). */
  #answered = false;
  /** The scheme probe: started once, on the first failure that a wrong scheme could explain. */
  #probed = false;
  #probing: Promise<void> | undefined;
  /** The PBX address with the scheme its port speaks, when the probe found the other one. */
  #schemeFix: string | undefined;

  constructor(opts: ClientOptions) {
    if (typeof opts !== "object" || opts === null) throw new WebApiError("BAD_CONFIG", "", "client options are required");
    this.baseUrl = normalizeFqdn(opts.fqdn);
    const key = checkAccessKey(opts.accessKey);
    this.#s = checkSettings(opts);
    this.#redact = makeRedactor(key);
    this.#prefix = `${this.baseUrl}/webapi/${encodeURIComponent(key)}/`;
    this.#agent = makeAgent(this.baseUrl, this.#s, opts.tls);
    this.#slots = new Slots(this.#s.maxConcurrent);
    this.#onWarning = typeof opts.onWarning === "function" ? opts.onWarning : undefined;
    this.#http = axios.create({
      adapter: "http", // Node's http(s) with our agent, never looked up per request
      httpAgent: this.#agent,
      httpsAgent: this.#agent,
      proxy: false, // never route the key through a proxy taken from the environment
      maxRedirects: 0, // a redirect is reported, not followed
      maxContentLength: this.#s.maxResponseBytes,
      responseType: "text", // parsed by the client: a non-JSON 2xx is BAD_RESPONSE
      validateStatus: () => true,
    });
    // Every request merges the instance's defaults key by key, deep-copying the objects among them
    // (bench: a fifth of a request's CPU). The instance keeps only what this bodiless GET uses.
    const d = this.#http.defaults;
    // axios.create copies the per-method header buckets (common, get, post…); every request would
    // merge and flatten them again. These two are all we send. (The cast: axios types its defaults
    // with the buckets; a flat object is what it merges best.)
    d.headers = { ...REQUEST_HEADERS } as unknown as AxiosInstance["defaults"]["headers"];
    delete d.transitional; // the adapter falls back to the library's same defaults
    delete d.transformResponse; // no JSON parsing in axios: the body stays the text we parse
    delete d.timeout; // the client's own timer covers every attempt and backoff
    delete d.maxBodyLength; // request bodies only
    delete d.transformRequest; // it only serialises a request body; a GET has none
    delete d.env; // FormData and Blob classes, for request bodies too
    delete d.xsrfCookieName; // read by the browser adapters only
    delete d.xsrfHeaderName;
  }

  /** Calls that have left the queue (requests in flight, or waiting to retry). */
  get inFlight(): number {
    return this.#slots.active;
  }

  /** Calls waiting for a free slot. */
  get queued(): number {
    return this.#slots.queued;
  }

  /** Calls one WebAPI method with already resolved wire params (each value is URL-encoded here). */
  async call(method: string | MethodSpec, params: Readonly<Record<string, string>>, opts: CallOptions = {}): Promise<WebApiResult> {
    const spec = specOf(method);
    const url = this.#url(spec, params);
    const priority = opts.priority === "monitor" ? "monitor" : "action";
    return inSlot(this.#slots, priority, this.#runs, spec.name, opts.signal, () => this.#run(spec, url, opts.signal));
  }

  /** Aborts every call in flight and queued (ABORTED), destroys the sockets; later calls are ABORTED too. */
  close(): void {
    if (this.#runs.closed) return;
    this.#slots.rejectAll("closed");
    this.#runs.close();
    this.#agent.destroy();
  }

  #url(spec: MethodSpec, params: Readonly<Record<string, string>>): string {
    let url = this.#prefix + encodeURIComponent(spec.path);
    let sep = "?";
    for (const name of Object.keys(params ?? {})) {
      const value = params[name];
      if (typeof value !== "string") {
        throw new WebApiError("BAD_PARAM", spec.name, `${spec.name}: parameter ${name.slice(0, 40)} must be text (a resolved wire value)`);
      }
      try {
        url += `${sep}${encodeURIComponent(name)}=${encodeURIComponent(value)}`;
      } catch {
        throw new WebApiError("BAD_PARAM", spec.name, `${spec.name}: parameter ${name.slice(0, 40)} is not valid Unicode text`);
      }
      sep = "&";
    }
    return url;
  }

  async #run(spec: MethodSpec, url: string, outer: AbortSignal | undefined): Promise<WebApiResult> {
    const started = performance.now();
    const deadline = started + this.#s.timeout;
    const maxAttempts = isRetryable(spec) ? this.#s.retries + 1 : 1;
    return this.#runs.run(this.#s.timeout, outer, async (run) => {
      let attempts = 0;
      if (run.why) throw this.#stopped(spec, run.why, attempts);
      for (;;) {
        attempts++;
        const outcome = await this.#attempt(url, run.signal);
        // An answer that beat the timer by a hair is still the answer; a cancel or close is not.
        if (run.why && !(run.why === "timeout" && outcome.kind === "answer")) throw this.#stopped(spec, run.why, attempts);
        const ctx: Ctx = { method: spec.name, baseUrl: this.baseUrl, attempts, maxResponseBytes: this.#s.maxResponseBytes, redact: this.#redact };
        if (outcome.kind === "answer") this.#answered ||= !isPlainOnHttpsPage(outcome.status, outcome.body);
        if (outcome.kind === "answer" && outcome.status >= 200 && outcome.status < 300) {
          // A 2xx is judged by the answer contract and never retried: a write was received.
          const data = this.#parse(outcome, ctx);
          const chid = this.#judge(spec, data, outcome.status, attempts);
          const durationMs = Math.round((performance.now() - started) * 10) / 10;
          return { data, status: outcome.status, durationMs, attempts, ...(chid === undefined ? {} : { chid }) };
        }
        const judged = outcome.kind === "answer" ? judgeStatus(outcome, ctx) : judgeFailure(outcome, ctx);
        // Until the PBX has answered once, a reset may mean a wrong scheme: the port is asked beside
        // the retries, and the last failure waits a moment for the answer.
        const suspect = !this.#answered && (outcome.kind === "answer" ? isPlainOnHttpsPage(outcome.status, outcome.body) : mayBeSchemeMismatch(outcome.code));
        const last = !judged.retry || attempts >= maxAttempts;
        if (suspect) {
          const probe = this.#probeScheme();
          if (last && probe) await Promise.race([probe, sleep(Math.min(PROBE_WAIT_MS, deadline - performance.now()), run.signal)]);
          if (run.why && run.why !== "timeout") throw this.#stopped(spec, run.why, attempts);
          if (this.#schemeFix) throw schemeError(spec.name, this.baseUrl, this.#schemeFix, attempts);
        }
        if (last) throw judged.error;
        const hinted = outcome.kind === "answer" && (outcome.status === 429 || outcome.status === 503) ? parseRetryAfter(outcome.retryAfter) : undefined;
        const delay = hinted ?? backoffDelay(attempts, this.#s.retryDelayMs);
        if (performance.now() + delay >= deadline) throw judged.error; // no time left to try again
        await sleep(delay, run.signal);
        if (run.why) throw this.#stopped(spec, run.why, attempts);
        if (suspect && this.#schemeFix) throw schemeError(spec.name, this.baseUrl, this.#schemeFix, attempts);
      }
    });
  }

  /** Starts the one probe of the scheme (shared by every call), unless it has run; its result stays. */
  #probeScheme(): Promise<void> | undefined {
    if (this.#probed) return this.#probing;
    this.#probed = true;
    this.#probing = otherSchemeUrl(this.baseUrl).then((fix) => {
      this.#schemeFix = fix;
    });
    return this.#probing;
  }

  async #attempt(url: string, signal: StopSignal): Promise<Outcome> {
    try {
      const res = await this.#http.get<string>(url, { signal });
      const retryAfter = res.headers["retry-after"];
      const body = typeof res.data === "string" ? res.data : "";
      const answer: Answer = { kind: "answer", status: res.status, body, ...(typeof retryAfter === "string" ? { retryAfter } : {}) };
      return answer;
    } catch (e) {
      return failedFrom(e); // keeps only the code; the error (with its URL) is dropped here
    }
  }

  #parse(a: Answer, ctx: Ctx): unknown {
    if (a.body.trim() === "") throw badBody(a, ctx);
    try {
      return JSON.parse(a.body) as unknown;
    } catch {
      throw badBody(a, ctx);
    }
  }

  /** Throws REFUSED / PBX_ERROR / BAD_RESPONSE for an answer that is a failure; else its chid. */
  #judge(spec: MethodSpec, data: unknown, status: number, attempts: number): string | undefined {
    const verdict = classifyAnswer(spec, data, { redact: this.#redact });
    if (!verdict.ok) {
      throw new WebApiError(verdict.code, spec.name, `${spec.name} failed: ${verdict.reason}`, {
        status, attempts, answer: scrubAnswer(data, this.#redact),
      });
    }
    if (verdict.lacking.length > 0 && this.#onWarning && !this.#warned.has(spec.name)) {
      this.#warned.add(spec.name);
      const keys = verdict.lacking.join(", ");
      this.#onWarning(`${spec.name}: the PBX's answer lacks ${keys} (or holds another kind of value), which the nodes read; `
        + "passed on unchanged (warned once per method until the next deploy)");
    }
    return verdict.chid;
  }

  #stopped(spec: MethodSpec, why: StopReason, attempts: number): WebApiError {
    if (why !== "timeout") return abortedError(spec.name, why, attempts);
    const tries = attempts > 1 ? `, ${attempts} attempts` : "";
    return new WebApiError("TIMEOUT", spec.name, `${spec.name} failed: no answer from the PBX within ${this.#s.timeout} ms (timeout${tries})`, { attempts });
  }
}
