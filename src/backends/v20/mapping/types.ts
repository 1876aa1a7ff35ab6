/** How the V20 backend carries out one catalog method (the mapping table's entries). */

/** The wire params of a catalog method, resolved (the WebAPI's text encoding). */
export type Params = Readonly<Record<string, string>>;

export type Verb = "POST" | "PATCH" | "DELETE";

/** The requests one method call may send; every one counts against the call's time budget. */
export interface Exchange {
  /** The catalog method being carried out (for messages). */
  readonly method: string;
  /** Removes the API key and tokens from text the PBX sent, before it is quoted. */
  redact(text: string): string;
  /** A read: retried on network errors, 5xx and one 401 (after a new token). */
  get(path: string, query?: Readonly<Record<string, string>>): Promise<unknown>;
  /** Every row of an OData collection, paged with $top/$skip (v20.md §5). */
  getAll(path: string, query?: Readonly<Record<string, string>>): Promise<unknown[]>;
  /** A write or call control: sent exactly once. Resolves with the parsed body (undefined for 204). */
  send(verb: Verb, path: string, body?: unknown): Promise<unknown>;
  /** The PBX's version ("20.0.8.1109"), read from X-3CX-Version (one Defs request when not yet known). */
  version(): Promise<string | undefined>;
}

/** How sure the reference is that the V20 request does what the WebAPI method does (v20.md §8). */
export type Confidence = "high" | "medium" | "low";

export interface Mapped {
  readonly kind: "mapped";
  readonly confidence: Confidence;
  /** The V20 requests, in words for the README table and the help. */
  readonly request: string;
  run(x: Exchange, p: Params): Promise<unknown>;
}

export interface Unsupported {
  readonly kind: "unsupported";
  /** Why there is no equivalent, for the error and the help. */
  readonly reason: string;
}

export type V20Method = Mapped | Unsupported;
