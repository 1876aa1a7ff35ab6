/** Shared types of the Node-RED adapters (kept apart: `export =` files can't export types). */
import type { Node, NodeDef } from "node-red";
import type { ApiKind, PbxClient } from "../../src/backends";
import type { Directory } from "../../src/directory";
import type { PollEngine } from "../../src/monitor/engine";
import type { WebhookHub } from "../../src/monitor/webhook-hub";

/** The deployed `3cx-config` node: one PBX, one shared client. */
export interface ThreeCxConfigNode extends Node {
  /** The WebAPI client or the V20 backend, by `api` (SPEC §3). */
  readonly client: PbxClient;
  /** Which interface the nodes use: "webapi" (also a flow saved before `api` existed) or "v20". */
  readonly api: ApiKind;
  /** The one poll engine of this PBX, shared by all its poll monitors (within pollBudget). */
  readonly engine: PollEngine;
  /** The PBX's one webhook entry (webhookPath): every webhook monitor of this PBX listens here. */
  readonly webhooks?: WebhookHub;
  /** The PBX's base URL, e.g. "https://pbx.example.com:5001" (never the key). */
  readonly baseUrl: string;
  /** The PBX's own numbers for the NOT_FOUND check; undefined when "Check numbers" is off. */
  readonly directory?: Directory;
}

export interface ThreeCxConfigDef extends NodeDef {
  fqdn: string;
  timeout?: string | number;
  maxConcurrent?: string | number;
  /** Saved before it existed: on. */
  checkNumbers?: boolean | string;
  /** Requests per second all the poll monitors of this PBX may send together (default 10). */
  pollBudget?: string | number;
  /** The one URL path the PBX's webhook generator posts to (SPEC §5); "" = none. */
  webhookPath?: string;
  /** Source addresses the webhook route accepts (blank = any). */
  webhookAllow?: string;
  tls?: string;
  /** "webapi" (default) or "v20"; absent in flows saved before it existed. */
  api?: string;
  /** The V20 API client ID (a plain property; its API key is the accessKey credential). */
  clientId?: string;
}

export interface ThreeCxConfigCredentials {
  accessKey?: string;
  /** The webhook route's shared token (sent as ?token=). */
  webhookToken?: string;
}
