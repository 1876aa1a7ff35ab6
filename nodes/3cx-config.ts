/**
 * `3cx-config`: one PBX. Owns the shared WebAPI client (keep-alive, concurrency cap) that every
 * node using this PBX sends through, and the admin routes behind "Test connection" and the
 * editor's pickers. The access key lives only in the credentials and the client.
 */
import type { Node, NodeAPI } from "node-red";
import type { Request, Response } from "express";
import { apiOf, createPbxClient, V20Client, type PbxClient } from "../src/backends";
import { diagnoseV20 } from "../src/backends/v20/diagnose";
import { normalizeFqdn, WebApiError, type TlsOptions } from "../src/client";
import { Directory } from "../src/directory";
import { isListKind, licenseSummary, loadList } from "../src/lookups/lists";
import { DEFAULT_POLL_BUDGET, PollEngine } from "../src/monitor/engine";
import { setConfigProblem } from "./shared/config-problems";
import type { ThreeCxConfigCredentials, ThreeCxConfigDef, ThreeCxConfigNode } from "./shared/types";
import { openWebhookEntry } from "./shared/webhook-entry";

const DEFAULT_TIMEOUT_MS = 10000;
const DEFAULT_MAX_CONCURRENT = 4;
/** An unchanged password field comes back from the editor as this. */
const UNCHANGED_PASSWORD = "__PWRD__";

type TlsConfigNode = Node & { addTLSOptions(opts: Record<string, unknown>): Record<string, unknown> };

/** Editor and admin-route input: what the dialog holds, typed or deployed. */
interface DialogSettings {
  id?: unknown;
  server?: unknown;
  fqdn?: unknown;
  accessKey?: unknown;
  api?: unknown;
  clientId?: unknown;
  timeout?: unknown;
  tls?: unknown;
}

export = function register(RED: NodeAPI): void {
  /** `${VAR}` anywhere in a value (Node-RED itself only maps whole-value `${VAR}`). */
  function expandEnv(value: string, node: Node | null): string {
    return value.includes("${") ? String(RED.util.evaluateNodeProperty(value, "env", node as Node, {} as never)) : value;
  }

  function positiveInt(value: unknown, fallback: number, max: number): number {
    const n = typeof value === "number" ? value : typeof value === "string" && value.trim() !== "" ? Number(value) : NaN;
    return Number.isInteger(n) && n > 0 && n <= max ? n : fallback;
  }

  function tlsFrom(tlsId: unknown): TlsOptions | undefined {
    if (typeof tlsId !== "string" || tlsId === "" || tlsId === "_ADD_") return undefined;
    const tlsNode = RED.nodes.getNode(tlsId) as TlsConfigNode | null;
    if (!tlsNode || typeof tlsNode.addTLSOptions !== "function") {
      throw new Error("the TLS configuration is not deployed yet: deploy it first, or leave TLS unset");
    }
    return tlsNode.addTLSOptions({}) as TlsOptions;
  }

  function ThreeCxConfig(this: ThreeCxConfigNode & { credentials: ThreeCxConfigCredentials }, def: ThreeCxConfigDef): void {
    RED.nodes.createNode(this, def);
    const node = this as { -readonly [K in keyof ThreeCxConfigNode]: ThreeCxConfigNode[K] } & { credentials: ThreeCxConfigCredentials };
    const accessKey = expandEnv(node.credentials?.accessKey ?? "", node);
    setConfigProblem(node.id, undefined);
    if (!accessKey) {
      // Thrown (Node-RED logs it); the nodes using this PBX show the reason in their status.
      const problem = { status: RED._("3cx-config.status.noKey"), message: RED._("3cx-config.errors.no-key", { name: def.name || def.fqdn || node.id }) };
      setConfigProblem(node.id, problem);
      throw new Error(problem.message);
    }
    // A bad fqdn throws here: Node-RED logs it and the nodes using this PBX report the missing config.
    const baseUrl = normalizeFqdn(expandEnv(def.fqdn ?? "", node));
    node.baseUrl = baseUrl;
    node.api = apiOf(def.api);
    node.client = createPbxClient(node.api, {
      fqdn: baseUrl,
      clientId: expandEnv(def.clientId ?? "", node),
      accessKey,
      timeout: positiveInt(def.timeout, DEFAULT_TIMEOUT_MS, 600000),
      maxConcurrent: positiveInt(def.maxConcurrent, DEFAULT_MAX_CONCURRENT, 64),
      tls: tlsFrom(def.tls),
      // A read lacking a key the nodes rely on: once per method and deploy (the client is per deploy).
      onWarning: (message) => node.warn(message),
    });
    // Lists for the NOT_FOUND check: read lazily; a refresh nobody waits for goes behind actions.
    const client = node.client;
    if (def.checkNumbers !== false && def.checkNumbers !== "false") {
      node.directory = new Directory(async (method, background) => (await client.call(method, {}, { priority: background ? "monitor" : "action" })).data);
    }
    const budget = Number(def.pollBudget ?? DEFAULT_POLL_BUDGET);
    if (def.pollBudget !== undefined && def.pollBudget !== "" && !(budget > 0 && budget <= 1000)) node.warn(RED._("3cx-config.errors.pollBudget"));
    node.engine = new PollEngine({ client: node.client, pollBudget: budget > 0 && budget <= 1000 ? budget : DEFAULT_POLL_BUDGET });
    const entry = openWebhookEntry(RED, node, def, expandEnv(node.credentials?.webhookToken ?? "", node));
    node.webhooks = entry.hub;
    node.on("close", (done: () => void) => {
      entry.close();
      void node.engine.close().finally(() => {
        node.client.close();
        done();
      });
    });
  }

  RED.nodes.registerType("3cx-config", ThreeCxConfig as never, {
    credentials: { accessKey: { type: "password" }, webhookToken: { type: "password" } },
  });

  // --- admin routes ---------------------------------------------------------------------------

  /** The base URL a config node was deployed with (running, or failed to start), if it is in the flows. */
  function savedBaseUrl(id: string): string | undefined {
    const live = RED.nodes.getNode(id) as ThreeCxConfigNode | null;
    if (live?.baseUrl) return live.baseUrl;
    let fqdn: unknown;
    RED.nodes.eachNode((n) => {
      if (n.id === id && n.type === "3cx-config") fqdn = (n as { fqdn?: unknown }).fqdn;
    });
    try {
      return typeof fqdn === "string" ? normalizeFqdn(expandEnv(fqdn, null)) : undefined;
    } catch {
      return undefined;
    }
  }

  /**
   * The key to use: typed in the dialog, or the stored one of a deployed node (never sent to the
   * browser). The stored key only ever goes to the PBX it was saved for: these routes take any
   * fqdn, and must not be a way to send a saved key to a host of the caller's choosing.
   */
  function keyFor(body: DialogSettings, baseUrl: string): string {
    // The dialog sends what its field shows: the marker when unchanged, "" when cleared (an empty key).
    if (typeof body.accessKey === "string" && body.accessKey !== UNCHANGED_PASSWORD) return expandEnv(body.accessKey, null);
    const id = typeof body.id === "string" ? body.id : typeof body.server === "string" ? body.server : "";
    const stored = id ? (RED.nodes.getCredentials(id) as ThreeCxConfigCredentials | undefined) : undefined;
    if (!stored?.accessKey) return "";
    if (savedBaseUrl(id) !== baseUrl) {
      throw new Error("the saved access key is only sent to the PBX it was saved for: type the Access key again to use this PBX address");
    }
    return expandEnv(stored.accessKey, null);
  }

  /** A short-lived client for what the dialog holds; reads are not retried so the answer is quick. */
  function clientFor(body: DialogSettings): PbxClient {
    const fqdn = normalizeFqdn(expandEnv(typeof body.fqdn === "string" ? body.fqdn : "", null));
    return createPbxClient(apiOf(body.api), {
      fqdn,
      clientId: expandEnv(typeof body.clientId === "string" ? body.clientId : "", null),
      accessKey: keyFor(body, fqdn),
      timeout: positiveInt(body.timeout, DEFAULT_TIMEOUT_MS, 600000),
      maxConcurrent: DEFAULT_MAX_CONCURRENT,
      retries: 0,
      tls: tlsFrom(body.tls),
    });
  }

  function failure(res: Response, err: unknown): void {
    // WebApiError texts are already free of the key; anything else is reported by kind only.
    if (err instanceof WebApiError) res.json({ ok: false, code: err.code, message: err.message });
    else res.json({ ok: false, code: "BAD_CONFIG", message: err instanceof Error ? err.message : "invalid settings" });
  }

  RED.httpAdmin.post("/3cx-config/test", RED.auth.needsPermission("3cx-config.write"), async (req: Request, res: Response) => {
    let client: PbxClient | undefined;
    try {
      client = clientFor((req.body ?? {}) as DialogSettings);
      if (client instanceof V20Client) {
        res.json({ ok: true, api: "v20", v20: await diagnoseV20(client) });
        return;
      }
      const answer = await client.call("info", {});
      res.json({ ok: true, info: licenseSummary(answer.data) });
    } catch (err) {
      failure(res, err);
    } finally {
      client?.close();
    }
  });

  async function sendList(res: Response, kind: string, client: PbxClient): Promise<void> {
    if (!isListKind(kind)) {
      res.status(404).json({ ok: false, code: "BAD_PARAM", message: `unknown list "${kind.slice(0, 40)}"` });
      return;
    }
    res.json({ ok: true, items: await loadList(client, kind) });
  }

  RED.httpAdmin.get("/3cx-config/lists/:kind", RED.auth.needsPermission("3cx-config.read"), async (req: Request, res: Response) => {
    const server = typeof req.query.server === "string" ? RED.nodes.getNode(req.query.server) as ThreeCxConfigNode | null : null;
    if (!server || !server.client) {
      res.status(404).json({ ok: false, code: "BAD_CONFIG", message: "that PBX is not deployed: use the typed settings" });
      return;
    }
    try {
      await sendList(res, String(req.params.kind), server.client);
    } catch (err) {
      failure(res, err);
    }
  });

  // Typed settings make the runtime contact a host of the caller's choosing (like Test connection):
  // write permission. Look-ups of a deployed PBX (the GET above) need read only.
  RED.httpAdmin.post("/3cx-config/lists/:kind", RED.auth.needsPermission("3cx-config.write"), async (req: Request, res: Response) => {
    let client: PbxClient | undefined;
    try {
      client = clientFor((req.body ?? {}) as DialogSettings);
      await sendList(res, String(req.params.kind), client);
    } catch (err) {
      failure(res, err);
    } finally {
      client?.close();
    }
  });
};
