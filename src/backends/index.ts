/** The PBX interfaces behind one seam: the WebAPI client and the V20 backend. */
import { WebApiClient } from "../client";
import type { ClientOptions } from "../client/options";
import { V20Client } from "./v20/client";
import type { ApiKind, PbxClient } from "./types";

export * from "./types";
export { V20Client } from "./v20/client";
export { v20Support, v20SupportOfAll, type V20Support } from "./v20/mapping";

/** A client for `api` (a saved flow without `api` means webapi, SPEC §3). */
export function createPbxClient(api: ApiKind | undefined, opts: ClientOptions & { clientId?: string }): PbxClient {
  if (api === "v20") return new V20Client({ ...opts, clientId: opts.clientId ?? "" });
  return new WebApiClient(opts);
}

/** "webapi" unless "v20" is asked for: unknown text means what a flow saved before `api` meant. */
export function apiOf(value: unknown): ApiKind {
  return value === "v20" ? "v20" : "webapi";
}
