/** The simulator's public types (the module contract in the project's helper context, plus extras). */
import type { CallTiming } from "./pbx/calls";
import type { PbxState } from "./pbx/state";
import type { V20Control, V20SimOptions } from "./v20/types";

export interface ScenarioOptions {
  /** Time between generated actions (default 5000). */
  intervalMs?: number;
  /** Ring time of generated calls (default 4000). */
  ringMs?: number;
  /** Talk time of answered calls, varied ±50 % (default 20000). */
  talkMs?: number;
  /** PRNG seed: the same seed and timings play the same scenario (default 1). */
  seed?: number;
  /** Share of inbound calls nobody answers (default 0.2). */
  missedRatio?: number;
}

export interface WebhookOptions {
  url: string;
  /** POST = JSON bodies (the generator's POST=1), GET = fields in the query (POST=0). Default POST. */
  method?: "POST" | "GET";
  /** Where the recording request goes (WEBHOOK_POST_URL); default `url`. Always a POST. */
  recordingUrl?: string;
  /** RECORDING_FULL_INFO=1: the recording request carries the end fields too (default true). */
  recordingFullInfo?: boolean;
  /** Send an `ai` event after the recording (default false). */
  ai?: boolean;
}

export interface SimulatorOptions {
  /** Default "127.0.0.1". */
  host?: string;
  /** Default 0 (ephemeral); false = no HTTP listener. */
  httpPort?: number | false;
  /** Default 0; false = no HTTPS listener. */
  httpsPort?: number | false;
  /** Default "simulator-key". */
  accessKey?: string;
  scenario?: boolean | ScenarioOptions;
  webhook?: WebhookOptions;
  /** Ring/talk time of calls made with makecall (default ringMs 2000, talkMs 0 = until dropped). */
  callTiming?: Partial<CallTiming>;
  /** Delay before every WebAPI answer (default 0). */
  latencyMs?: number;
  /** Benchmarks: no base latency, no logging, no request recording. */
  fast?: boolean;
  /** One line per WebAPI request (never the key). */
  log?: (line: string) => void;
  /**
   * Writes naming an unknown extension/queue/group/contact answer 404, creating an existing one
   * 409, makecall from a number the PBX does not have 404 (default true; false: lenient, such writes
   * are acknowledged like the seed shows and change nothing). The seed's own unlisted write targets
   * (queues 807 and 813, extension 300) are acknowledged either way.
   */
  strict?: boolean;
  /** Answer shapes of WebAPI 2.1.9 (default, the seed) or 3.x: makecall answers `{chid}`, the 3.0.8 license object. */
  version?: 2 | 3;
  /** Also serve the /_sim control API on this port, which stays up while a `down` fault is active. */
  controlPort?: number | false;
  /** Use this certificate instead of generating one. */
  tls?: { key: string; cert: string };
  /** The V20 side (token endpoint, XAPI, Call Control), always served beside the WebAPI. */
  v20?: V20SimOptions;
  /** Cap of `requests` (oldest dropped first; default 10000). */
  maxRecordedRequests?: number;
}

export interface RecordedRequest {
  /** Our method name ("info" for the license call), or the path as sent for an unknown one. */
  method: string;
  /** The query as sent (first value of each name). Never the key. */
  params: Record<string, string>;
  httpMethod: string;
  /** Epoch ms. */
  at: number;
}

/** The failing-2xx modes: `{"result": false}`, `null`, a JSON error text, an error object, an HTML login page. */
export type FailingAnswer = "refused" | "null" | "error-text" | "error-object" | "login-page";

export interface Fault {
  /** Only these methods (our names; "info" for the license call). */
  methods?: string[];
  /** Applies to this many matching requests, then removes itself. */
  times?: number;
  latencyMs?: number;
  status?: number;
  retryAfter?: number;
  body?: string;
  contentType?: string;
  refuseKey?: boolean;
  drop?: "before-headers" | "mid-body";
  hang?: "headers" | "body";
  /** PBX down: the WebAPI listeners are closed (connections refused) until cleared. */
  down?: boolean;
  /** A failing answer with status 200, as a real PBX might give one (the body is in `FAILING_ANSWERS`). */
  answer?: FailingAnswer;
  oversizeBytes?: number;
}

export interface SimulatorStats {
  connections: number;
  inFlight: number;
  maxInFlight: number;
  requests: number;
}

export interface FaultControl {
  /** Replaces the active faults with `f`. Resolves when a `down` fault has closed the listeners. */
  set(f: Fault): Promise<void>;
  /** Adds a fault; the first active fault matching a request applies. */
  add(f: Fault): Promise<void>;
  /** Removes every fault; resolves when the listeners accept connections again. */
  clear(): Promise<void>;
  readonly active: readonly Fault[];
}

export interface SentWebhook {
  at: number;
  method: "POST" | "GET";
  url: string;
  payload: Record<string, unknown>;
  /** HTTP status, or 0 when the request failed. */
  status: number;
  error?: string;
}

export interface WebhookControl {
  /** The current target (null = webhooks off); settable at runtime. */
  target: WebhookOptions | null;
  /** Sends one event now (in order after the queued ones); GET scheme unless it has FILES. Resolves with the HTTP status (0 on failure). */
  send(event: Record<string, unknown>): Promise<number>;
  /** Resolves when every queued webhook has been sent. */
  idle(): Promise<void>;
  readonly sent: readonly SentWebhook[];
  readonly failures: number;
}

export interface ScenarioControl {
  start(opts?: ScenarioOptions): void;
  stop(): void;
  readonly running: boolean;
  /** One line per generated action, oldest first (bounded). */
  readonly history: readonly string[];
}

export interface Simulator {
  /** "http://127.0.0.1:<port>" ("" without an HTTP listener). */
  readonly httpUrl: string;
  /** "https://127.0.0.1:<port>" ("" without an HTTPS listener). */
  readonly httpsUrl: string;
  /** PEM of the self-signed certificate (SANs 127.0.0.1, ::1, localhost), to trust it. */
  readonly ca: string;
  readonly accessKey: string;
  /** "http://127.0.0.1:<port>" of the separate control listener, if `controlPort` was given. */
  readonly controlUrl: string;
  readonly pbx: PbxState;
  readonly requests: RecordedRequest[];
  readonly stats: SimulatorStats;
  readonly faults: FaultControl;
  readonly webhooks: WebhookControl;
  readonly scenario: ScenarioControl;
  /** The V20 side: its principal, role (settable), tokens. */
  readonly v20: V20Control;
  resetStats(): void;
  /** PBX back to the seed; faults, recorded requests and stats cleared; scenario stopped. */
  reset(): Promise<void>;
  close(): Promise<void>;
}
