/**
 * The 3CX V20 client (api "v20"): one per config node. The same caps and habits as the WebAPI
 * client (one keep-alive agent, at most `maxConcurrent` calls in flight with a FIFO queue, a time
 * budget per call, retries for reads only, typed errors free of secrets), plus OAuth2 client
 * credentials with one shared token per principal. Each catalog method is carried out by its
 * mapping (mapping/index.ts): one or more XAPI / Call Control requests, answered in the seed's shape.
 *
 * Secrecy: the API key and every bearer token are only in private fields and request headers or
 * bodies; library errors are reduced to their code at once, and any server text is redacted.
 */
import axios, { type AxiosInstance } from "axios";
import type http from "node:http";
import { classifyAnswer, getMethod, scrubAnswer, type MethodSpec } from "../../catalog";
import { sleep, backoffDelay, parseRetryAfter } from "../../client/backoff";
import { WebApiError, configError } from "../../client/errors";
import { type Ctx, failedFrom, judgeFailure, messageText } from "../../client/failure";
import { normalizeFqdn } from "../../client/fqdn";
import { makeAgent, type TlsOptions } from "../../client/options";
import { RunSet, abortedError, inSlot, timed, type Run, type StopReason, type StopSignal } from "../../client/runs";
import { Slots } from "../../client/slots";
import type { PbxCallOptions, PbxClient, PbxResult } from "../types";
import { V20_METHODS } from "./mapping";
import type { Exchange, Verb } from "./mapping/types";
import { MAX_PAGES, PAGE, countOf, errorText, rowsOf } from "./odata";
import { checkV20Options, type V20Options, type V20Settings } from "./options";
import { Secrets } from "./secrets";
import { acquireTokens, type SharedTokens } from "./shared-tokens";
import type { RawToken } from "./token";

interface Request {
  readonly verb: "GET" | Verb;
  /** From the base URL, e.g. /xapi/v1/Users (already encoded). */
  readonly path: string;
  readonly query?: Readonly<Record<string, string>>;
  readonly body?: unknown;
}

interface Reply {
  readonly status: number;
  readonly body: string;
  readonly version?: string;
  readonly retryAfter?: string;
}

/** A refused or failed token request (its reason is shown inside the method's message). */
class TokenFailure extends Error {
  constructor(readonly code: WebApiError["code"], readonly reason: string, readonly status?: number) {
    super(reason);
  }
}

const USER_AGENT = "node-red-3cx-webapi";
const MAX_TEXT = 160;

function specOf(method: string | MethodSpec): MethodSpec {
  if (typeof method !== "string") return method;
  const spec = getMethod(method);
  if (!spec) throw new WebApiError("BAD_PARAM", String(method).slice(0, 40), `unknown method ${JSON.stringify(String(method).slice(0, 40))}`);
  return spec;
}

function queryString(q: Readonly<Record<string, string>> | undefined): string {
  if (!q) return "";
  const parts = Object.entries(q).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`);
  return parts.length ? `?${parts.join("&")}` : "";
}

/** Races `p` against the signal (a shared token request is never aborted for one caller). */
function untilAborted<T>(p: Promise<T>, signal: StopSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new Error("aborted"));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(new Error("aborted"));
    signal.addEventListener("abort", onAbort, { once: true });
    p.then((v) => { signal.removeEventListener("abort", onAbort); resolve(v); },
      (e: unknown) => { signal.removeEventListener("abort", onAbort); reject(e); });
  });
}

export class V20Client implements PbxClient {
  readonly api = "v20" as const;
  readonly baseUrl: string;
  readonly clientId: string;
  /** The TLS settings of this PBX, for the Call Control WebSocket (it needs its own agent). */
  readonly tls: TlsOptions | undefined;
  readonly #s: V20Settings;
  readonly #secrets: Secrets;
  readonly #agent: http.Agent;
  readonly #http: AxiosInstance;
  readonly #slots: Slots;
  /** Calls that have left the queue; close() stops them. */
  readonly #runs = new RunSet();
  readonly #tokens: SharedTokens;
  #version: string | undefined;

  constructor(opts: V20Options) {
    if (typeof opts !== "object" || opts === null) throw configError("client options are required");
    this.baseUrl = normalizeFqdn(opts.fqdn);
    this.#s = checkV20Options(opts);
    this.clientId = this.#s.clientId;
    this.tls = opts.tls;
    this.#secrets = new Secrets(this.#s.apiKey);
    this.#agent = makeAgent(this.baseUrl, this.#s, opts.tls);
    this.#slots = new Slots(this.#s.maxConcurrent);
    this.#http = axios.create({
      adapter: "http",
      httpAgent: this.#agent,
      httpsAgent: this.#agent,
      proxy: false, // never route a secret through a proxy taken from the environment
      maxRedirects: 0,
      maxContentLength: this.#s.maxResponseBytes,
      responseType: "text",
      transformResponse: [(d: unknown) => d], // parsed here: a non-JSON 2xx is BAD_RESPONSE
      validateStatus: () => true,
    });
    this.#tokens = acquireTokens(this.baseUrl, this.#s.clientId, this.#s.apiKey, () => this.#fetchToken(),
      (t) => this.#secrets.addToken(t), opts.now);
  }

  get inFlight(): number {
    return this.#slots.active;
  }

  get queued(): number {
    return this.#slots.queued;
  }

  /** The PBX's version as last seen in X-3CX-Version ("" until an XAPI answer has come). */
  get version(): string {
    return this.#version ?? "";
  }

  /** Token requests this principal has sent (shared with other clients of the same principal). */
  get tokenRequests(): number {
    return this.#tokens.manager.requests;
  }

  /** Redacts the API key and every token issued to this principal (for the WebSocket's messages). */
  redact(text: string): string {
    return this.#secrets.redact(text);
  }

  /** A live bearer token of this principal (the WebSocket monitor authenticates with it). */
  async bearer(): Promise<string> {
    try {
      return await this.#tokens.manager.token();
    } catch (e) {
      throw this.#tokenError("bearer", e);
    }
  }

  /** The PBX refused `token` (401 or a closed socket): the next bearer() fetches a new one. */
  invalidateToken(token: string): void {
    this.#tokens.manager.invalidate(token);
  }

  refuses(spec: MethodSpec): WebApiError | undefined {
    const mapping = V20_METHODS[spec.name];
    if (mapping && mapping.kind === "mapped") return undefined;
    const why = mapping?.reason ?? "not mapped";
    return new WebApiError("UNSUPPORTED", spec.name,
      `${spec.name} is not available on the 3CX V20 API (${why}); nothing was sent. Use api "webapi" (the WebAPI add-on) for it`, { attempts: 0 });
  }

  /**
   * One GET for Test connection: the status instead of an error for a refusal (403, 404), so each
   * permission can be told apart. A token problem still throws (AUTH, UNREACHABLE, …).
   */
  async probe(path: string, query?: Readonly<Record<string, string>>): Promise<{ status: number; data: unknown }> {
    if (this.#runs.closed) throw abortedError("Test connection", "closed", 0);
    const token = await this.bearer();
    // Not one of #runs: close() does not cut a Test connection short (its own timeout does).
    return timed(this.#s.timeout, undefined, async (run) => {
      const outcome = await this.#attempt({ verb: "GET", path, query }, token, run.signal);
      if (outcome.kind === "failed") {
        if (run.why) throw this.#stopped("Test connection", run.why, 1);
        throw judgeFailure(outcome, { method: "Test connection", baseUrl: this.baseUrl, attempts: 1, maxResponseBytes: this.#s.maxResponseBytes, redact: this.#secrets.redact }).error;
      }
      const reply = outcome.reply;
      if (reply.version) this.#version = reply.version;
      if (reply.status === 401) this.invalidateToken(token);
      let data: unknown;
      try {
        data = reply.body.trim() ? JSON.parse(reply.body) as unknown : undefined;
      } catch {
        data = undefined;
      }
      return { status: reply.status, data };
    });
  }

  async call(method: string | MethodSpec, params: Readonly<Record<string, string>>, opts: PbxCallOptions = {}): Promise<PbxResult> {
    const spec = specOf(method);
    const mapping = V20_METHODS[spec.name];
    if (!mapping || mapping.kind === "unsupported") throw this.refuses(spec) as WebApiError;
    const priority = opts.priority === "monitor" ? "monitor" : "action";
    return inSlot(this.#slots, priority, this.#runs, spec.name, opts.signal, () => this.#run(spec, params, (x) => mapping.run(x, params), opts.signal));
  }

  /**
   * `GET {path}` of Call Control for the V20 monitor (#15: its read after a WebSocket Upsert, and
   * the resync's `GET /callcontrol`): monitor priority in the slots, the token and retries of any
   * read, JSON parsed; a 404 resolves `null` (the participant is gone). Not a catalog method: no
   * flow calls it, so its answer has no seed shape to be held to.
   */
  async readCallControl(path: string, signal?: AbortSignal): Promise<unknown> {
    const method = "callcontrol";
    if (!/^\/callcontrol(\/|$)/.test(path)) throw configError(`readCallControl: ${JSON.stringify(path.slice(0, 40))} is not a Call Control path`);
    return inSlot(this.#slots, "monitor", this.#runs, method, signal, () => this.#runs.run(this.#s.timeout, signal, async (run) => {
      const state = { attempts: 0, status: 0 };
      try {
        const reply = await this.#send(method, { verb: "GET", path }, true, run, state, performance.now() + this.#s.timeout);
        return this.#parse(method, reply, state.attempts) ?? null;
      } catch (e) {
        if (e instanceof WebApiError && e.status === 404 && !run.why) return null;
        throw this.#explained(method, e, run, state.attempts);
      }
    }));
  }

  close(): void {
    if (this.#runs.closed) return;
    this.#slots.rejectAll("closed");
    this.#runs.close();
    this.#tokens.release();
    this.#agent.destroy();
  }

  // --- one call -------------------------------------------------------------------------------

  async #run(spec: MethodSpec, _params: unknown, body: (x: Exchange) => Promise<unknown>, outer: AbortSignal | undefined): Promise<PbxResult> {
    const started = performance.now();
    const deadline = started + this.#s.timeout;
    return this.#runs.run(this.#s.timeout, outer, async (run) => {
      const state = { attempts: 0, status: 0 };
      const x = this.#exchange(spec, run, state, deadline);
      try {
        if (run.why) throw this.#stopped(spec.name, run.why, 0);
        const data = await body(x);
        if (run.why && run.why !== "timeout") throw this.#stopped(spec.name, run.why, state.attempts);
        // The mapped answer is held to the same answer contract as the WebAPI's (#12).
        const verdict = classifyAnswer(spec, data, { redact: this.#secrets.redact });
        if (!verdict.ok) {
          throw new WebApiError(verdict.code, spec.name, `${spec.name} failed: ${verdict.reason}`,
            { status: state.status, attempts: state.attempts, answer: scrubAnswer(data, this.#secrets.redact) });
        }
        return { data, status: state.status, durationMs: Math.round((performance.now() - started) * 10) / 10, attempts: state.attempts };
      } catch (e) {
        throw this.#explained(spec.name, e, run, state.attempts);
      }
    });
  }

  #exchange(spec: MethodSpec, run: Run, state: { attempts: number; status: number }, deadline: number): Exchange {
    const method = spec.name;
    const request = async (req: Request, read: boolean): Promise<unknown> => {
      const reply = await this.#send(method, req, read, run, state, deadline);
      return this.#parse(method, reply, state.attempts);
    };
    const x: Exchange = {
      method,
      redact: this.#secrets.redact,
      get: (path, query) => request({ verb: "GET", path, query }, true),
      send: (verb, path, body) => request({ verb, path, body }, false),
      getAll: async (path, query = {}) => {
        const rows: unknown[] = [];
        for (let page = 0; page < MAX_PAGES; page++) {
          const data = await request({ verb: "GET", path, query: { ...query, $top: String(PAGE), $skip: String(rows.length), $count: "true" } }, true);
          const got = rowsOf(data);
          if (!got) throw this.#badShape(method, state.attempts, "an OData collection (value: [...])");
          rows.push(...got);
          const count = countOf(data);
          // Advance by the rows received: some builds return a short first page (v20.md §5).
          if (got.length === 0 || (count !== undefined ? rows.length >= count : got.length < PAGE)) break;
        }
        return rows;
      },
      version: async () => {
        if (this.#version === undefined) await request({ verb: "GET", path: "/xapi/v1/Defs", query: { $select: "Id" } }, true);
        return this.#version;
      },
    };
    return x;
  }

  /** One request: token, 401 → new token and (reads only) one more try, retries of reads. */
  async #send(method: string, req: Request, read: boolean, run: Run, state: { attempts: number; status: number }, deadline: number): Promise<Reply> {
    let reauthed = false;
    let tries = 0;
    const maxTries = read ? this.#s.retries + 1 : 1;
    for (;;) {
      if (run.why) throw this.#stopped(method, run.why, state.attempts);
      let token: string;
      try {
        token = await untilAborted(this.#tokens.manager.token(), run.signal);
      } catch (e) {
        if (run.why) throw this.#stopped(method, run.why, state.attempts);
        throw this.#tokenError(method, e, state.attempts);
      }
      tries++;
      state.attempts++;
      const outcome = await this.#attempt(req, token, run.signal);
      if (run.why && !(run.why === "timeout" && outcome.kind === "reply")) throw this.#stopped(method, run.why, state.attempts);
      const ctx: Ctx = { method, baseUrl: this.baseUrl, attempts: state.attempts, maxResponseBytes: this.#s.maxResponseBytes, redact: this.#secrets.redact };
      if (outcome.kind === "failed") {
        const judged = judgeFailure(outcome, ctx);
        if (!read || !judged.retry || tries >= maxTries || !(await this.#backoff(tries, undefined, run, deadline))) throw judged.error;
        continue;
      }
      const reply = outcome.reply;
      state.status = reply.status;
      if (reply.version) this.#version = reply.version;
      if (reply.status >= 200 && reply.status < 300) return reply;
      if (reply.status === 401 && !reauthed) {
        this.#tokens.manager.invalidate(token);
        reauthed = true;
        if (read) { tries--; continue; } // a new token, the same attempt budget
      }
      const { error, retry } = this.#judge(method, reply, state.attempts, req);
      if (!read || !retry || tries >= maxTries || !(await this.#backoff(tries, reply, run, deadline))) throw error;
    }
  }

  async #backoff(tries: number, reply: Reply | undefined, run: Run, deadline: number): Promise<boolean> {
    const hinted = reply && (reply.status === 429 || reply.status === 503) ? parseRetryAfter(reply.retryAfter) : undefined;
    const delay = hinted ?? backoffDelay(tries, this.#s.retryDelayMs);
    if (performance.now() + delay >= deadline) return false;
    await sleep(delay, run.signal);
    return !run.why;
  }

  async #attempt(req: Request, token: string, signal: StopSignal): Promise<{ kind: "reply"; reply: Reply } | ReturnType<typeof failedFrom>> {
    try {
      const hasBody = req.body !== undefined;
      const res = await this.#http.request<string>({
        method: req.verb,
        url: this.baseUrl + req.path + queryString(req.query),
        headers: {
          Accept: "application/json", "User-Agent": USER_AGENT, Authorization: `Bearer ${token}`,
          ...(hasBody ? { "Content-Type": "application/json" } : {}),
        },
        data: hasBody ? JSON.stringify(req.body) : undefined,
        signal,
      });
      const h = res.headers;
      const version = h["x-3cx-version"];
      const retryAfter = h["retry-after"];
      return {
        kind: "reply",
        reply: {
          status: res.status,
          body: typeof res.data === "string" ? res.data : "",
          ...(typeof version === "string" ? { version } : {}),
          ...(typeof retryAfter === "string" ? { retryAfter } : {}),
        },
      };
    } catch (e) {
      return failedFrom(e); // the error (with the Authorization header) is dropped here
    }
  }

  #text(body: string): string {
    return messageText(errorText(body), this.#secrets.redact);
  }

  #judge(method: string, reply: Reply, attempts: number, req: Request): { error: WebApiError; retry: boolean } {
    const text = this.#text(reply.body);
    const http = `HTTP ${reply.status}${text ? `: ${text}` : ""}`;
    const extra = { status: reply.status, attempts };
    const cc = req.path.startsWith("/callcontrol");
    if (reply.status === 401) {
      return { error: new WebApiError("AUTH", method, `${method} failed: the PBX refused the API token even after a new one (${http}): check the client ID and API key`, extra), retry: false };
    }
    if (reply.status === 403) {
      const why = cc
        ? "the API client may not control this DN: add it to the API client's \"extensions to monitor\" and give it 3CX Call Control API Access"
        : req.verb === "GET"
          ? "the API client's role may not read this: give it 3CX Configuration API Access and a role that can (a User role cannot read users)"
          : "the API client's role may not change the configuration: XAPI writes need a System Admin or System Owner role";
      return { error: new WebApiError("AUTH", method, `${method} failed: ${why} (${http})`, extra), retry: false };
    }
    let what = "the PBX answered with an error";
    if (reply.status >= 500) what = "the PBX answered with a server error";
    else if (reply.status === 429) what = "the PBX is rate limiting requests";
    else if (reply.status === 404 && cc) what = "the PBX has no such Call Control DN or participant (is the DN monitored by the API client?)";
    else if (reply.status === 404) what = "the PBX has no such entity or function (it may need a newer 3CX version)";
    else if (reply.status >= 300 && reply.status < 400) what = "the PBX redirected the request, which is not followed (check the scheme and port in fqdn)";
    const tries = attempts > 1 ? `, after ${attempts} attempts` : "";
    return { error: new WebApiError(`HTTP_${reply.status}`, method, `${method} failed: ${what} (${http}${tries})`, extra), retry: reply.status >= 500 || reply.status === 429 };
  }

  #parse(method: string, reply: Reply, attempts: number): unknown {
    if (reply.status === 204 || reply.body.trim() === "") return undefined;
    try {
      return JSON.parse(reply.body) as unknown;
    } catch {
      const what = /^\s*</.test(reply.body) ? "is an HTML page, not JSON: does fqdn point at the 3CX PBX?" : "is not valid JSON (cut short or garbled)";
      throw new WebApiError("BAD_RESPONSE", method, `${method} failed: the PBX's answer ${what} (HTTP ${reply.status})`, { status: reply.status, attempts });
    }
  }

  #badShape(method: string, attempts: number, expected: string): WebApiError {
    return new WebApiError("BAD_RESPONSE", method, `${method} failed: the PBX's answer is not ${expected}`, { attempts });
  }

  // --- token ----------------------------------------------------------------------------------

  /** POST /connect/token (client credentials); the body carries the API key, so no error keeps it. */
  async #fetchToken(): Promise<RawToken> {
    const form = new URLSearchParams({ client_id: this.#s.clientId, client_secret: this.#s.apiKey, grant_type: "client_credentials" }).toString();
    // Not one of #runs: the token is shared by every client of the principal, so no close() cuts it.
    const { status, body } = await timed(this.#s.timeout, undefined, async (run) => {
      try {
        const res = await this.#http.request<string>({
          method: "POST", url: `${this.baseUrl}/connect/token`, data: form, signal: run.signal,
          headers: { Accept: "application/json", "User-Agent": USER_AGENT, "Content-Type": "application/x-www-form-urlencoded" },
        });
        return { status: res.status, body: typeof res.data === "string" ? res.data : "" };
      } catch (e) {
        const f = failedFrom(e);
        if (run.why) throw new TokenFailure("TIMEOUT", `no answer from the PBX's token endpoint within ${this.#s.timeout} ms (timeout)`);
        const judged = judgeFailure(f, { method: "token", baseUrl: this.baseUrl, attempts: 1, maxResponseBytes: this.#s.maxResponseBytes, redact: this.#secrets.redact });
        throw new TokenFailure(judged.error.code, judged.error.message.replace(/^token failed: /, ""));
      }
    });
    const text = this.#text(body);
    const http = `HTTP ${status}${text ? `: ${text}` : ""}`;
    if (status === 400 || status === 401 || status === 403) {
      throw new TokenFailure("AUTH", `the PBX refused the API client ID or API key at /connect/token (${http})`, status);
    }
    if (status === 404) throw new TokenFailure("HTTP_404", `the PBX has no /connect/token (${http}): is fqdn a 3CX V20 PBX, and is api right?`, status);
    if (status < 200 || status >= 300) throw new TokenFailure(`HTTP_${status}`, `the token endpoint answered with an error (${http})`, status);
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      throw new TokenFailure("BAD_RESPONSE", `the token endpoint's answer is not JSON (${http.split(":")[0]})`, status);
    }
    const raw = (typeof parsed === "object" && parsed !== null ? parsed : {}) as RawToken;
    if (typeof raw.access_token !== "string" || raw.access_token === "") {
      throw new TokenFailure("BAD_RESPONSE", "the token endpoint's answer has no access_token", status);
    }
    this.#secrets.addToken(raw.access_token); // before anything could echo it
    return raw;
  }

  /** A stop (timeout, close, cancel) explains whatever failed after it. */
  #explained(method: string, e: unknown, run: Run, attempts: number): unknown {
    if (run.why && !(e instanceof WebApiError && (e.code === "TIMEOUT" || e.code === "ABORTED"))) return this.#stopped(method, run.why, attempts);
    return e;
  }

  #tokenError(method: string, e: unknown, attempts = 0): WebApiError {
    if (e instanceof WebApiError) return e;
    if (e instanceof TokenFailure) {
      return new WebApiError(e.code, method, `${method} failed: ${e.reason}`, { attempts: attempts + 1, ...(e.status !== undefined ? { status: e.status } : {}) });
    }
    return new WebApiError("AUTH", method, `${method} failed: no API token (${e instanceof Error ? this.#secrets.redact(e.message).slice(0, MAX_TEXT) : "unknown error"})`, { attempts });
  }

  #stopped(method: string, why: StopReason, attempts: number): WebApiError {
    if (why !== "timeout") return abortedError(method, why, attempts);
    return new WebApiError("TIMEOUT", method, `${method} failed: no answer from the PBX within ${this.#s.timeout} ms (timeout${attempts > 1 ? `, ${attempts} requests` : ""})`, { attempts });
  }
}
