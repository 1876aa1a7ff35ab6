/**
 * The seam between the action nodes and a PBX interface. The catalog (src/catalog) is the one
 * vocabulary; a backend says how each method is carried out: the WebAPI client sends one GET, the
 * V20 backend one or more REST/OData requests whose answers it rebuilds in the seed's shape, or
 * refuses with UNSUPPORTED before sending anything. Both answer the same result.
 */
import type { MethodSpec } from "../catalog";
import type { Priority } from "../client/slots";

/** Which interface of the PBX a config node uses (SPEC §3 `api`). */
export type ApiKind = "webapi" | "v20";

export const API_KINDS: readonly ApiKind[] = ["webapi", "v20"];

export interface PbxResult {
  /** The answer in the WebAPI's (seed's) shape. */
  data: unknown;
  /** The HTTP status of the last request. */
  status: number;
  /** From leaving the queue to the answer, every request of the method included. */
  durationMs: number;
  /** Requests sent for this call (a V20 method may take several, plus a token request). */
  attempts: number;
  /** The call id the PBX answered (makecall on WebAPI 3.x). */
  chid?: string;
}

export interface PbxCallOptions {
  /** Aborts the call, queued or in flight (code ABORTED). */
  signal?: AbortSignal;
  /** "monitor": background polling, which never holds every slot nor overtakes an action. */
  priority?: Priority;
}

/** "A PBX client": what every node that talks to a PBX needs, whichever interface it speaks. */
export interface PbxClient {
  readonly api: ApiKind;
  /** "https://host:port": never contains a secret. */
  readonly baseUrl: string;
  /** One catalog method with resolved wire params (the WebAPI's text encoding). */
  call(method: string | MethodSpec, params: Readonly<Record<string, string>>, opts?: PbxCallOptions): Promise<PbxResult>;
  /** The UNSUPPORTED error for a method this interface cannot carry out (checked before anything else), else undefined. */
  refuses?(method: MethodSpec): Error | undefined;
  /** Aborts everything in flight and queued; later calls are ABORTED. */
  close(): void;
}
