/**
 * The config node's one webhook route (SPEC §5): `webhookPath` under Node-RED's HTTP root, the
 * `webhookToken` credential and the `webhookAllow` list. Every webhook monitor of the PBX listens
 * through the hub it returns. A bad allow-list or a path in use is an error on the config node;
 * the hub still exists (its monitors then hear nothing, and say where to look).
 */
import type { Node, NodeAPI } from "node-red";
import { WebhookHub, createWebhookHandler, mountRoute, nodeMiddleware, normalizePath, parseAllowList, type HttpApp, type RefusalReason } from "../../src/monitor";

/** A refused webhook is logged at most this often per reason (a scanner must not flood the log). */
const REFUSAL_LOG_MS = 60000;

export interface WebhookEntry {
  readonly hub: WebhookHub;
  close(): void;
}

export interface WebhookEntryDef {
  webhookPath?: unknown;
  webhookAllow?: unknown;
}

export function openWebhookEntry(RED: NodeAPI, node: Node, def: WebhookEntryDef, token: string): WebhookEntry {
  const path = normalizePath(def.webhookPath);
  const hub = new WebhookHub(path);
  const app = (RED as unknown as { httpNode?: HttpApp }).httpNode;
  if (path === "") return { hub, close: () => undefined };
  const fail = (text: string): WebhookEntry => {
    node.error(`3cx-config: webhook path ${path}: ${text}`);
    return { hub, close: () => undefined };
  };
  if (!app || RED.settings.httpNodeRoot === false) return fail("HTTP endpoints are disabled in this Node-RED (settings.httpNodeRoot is false)");
  let allow;
  try {
    allow = parseAllowList(typeof def.webhookAllow === "string" ? def.webhookAllow : undefined);
  } catch (err) {
    return fail(err instanceof Error ? err.message : String(err));
  }
  const lastRefusal = new Map<RefusalReason, number>();
  const handler = createWebhookHandler({
    token,
    allow,
    onHook: (hook, from) => hub.hook(hook, from),
    onRefused: (reason, detail, from) => {
      const now = Date.now();
      if (now - (lastRefusal.get(reason) ?? 0) >= REFUSAL_LOG_MS) {
        lastRefusal.set(reason, now);
        node.warn(`3cx-config: webhook refused: ${detail} (from ${from})`);
      }
      hub.refused(reason, detail, from);
    },
  });
  try {
    const unmount = mountRoute(app, path, node.id, nodeMiddleware(RED.settings.httpNodeMiddleware), handler);
    return { hub, close: unmount };
  } catch (err) {
    return fail(err instanceof Error ? err.message : String(err));
  }
}
