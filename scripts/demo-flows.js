// The flows of the `npm start` demo: every example flow in a tab of its own, their 3cx-config nodes
// merged into one that points at the running simulator, and that node's key as a credential.
"use strict";
const fs = require("node:fs");
const path = require("node:path");

const EXAMPLES_DIR = path.resolve(__dirname, "..", "examples");
/** The demo PBX's webhook URL path (the README's `--webhook-url http://127.0.0.1:1880/3cx/events`). */
const WEBHOOK_PATH = "/3cx/events";

/** The examples, by menu label (the file name), in menu order; a sub-folder is a sub-menu (dashboard/). */
function readExamples(dir = EXAMPLES_DIR) {
  const files = fs.readdirSync(dir).filter((f) => f.endsWith(".json")).sort();
  const sub = fs.readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
  return [
    ...files.map((f) => ({ label: f.slice(0, -5), nodes: JSON.parse(fs.readFileSync(path.join(dir, f), "utf8")) })),
    ...sub.flatMap((d) => readExamples(path.join(dir, d))),
  ];
}

/**
 * @param {{ fqdn: string, accessKey: string, dir?: string, api?: "webapi" | "v20", clientId?: string, dashboard?: boolean }} opts
 *   dashboard false: without the examples under dashboard/ (FlowFuse Dashboard 2.0 is not installed)
 * @returns {{ flows: object[], credentials: Record<string, {accessKey: string}>, tabs: string[], webhookPath: string, webhookMonitors: number }}
 */
function demoFlows(opts) {
  // The PBX's one webhook URL: the simulator's generator posts there and every webhook monitor hears it.
  const config = { id: "", type: "3cx-config", name: "3CX simulator (demo)", fqdn: opts.fqdn, timeout: 10000, maxConcurrent: 4, tls: "", webhookPath: WEBHOOK_PATH };
  // --api v20: the same flows on the simulator's official V20 API (Client ID + API key).
  if (opts.api === "v20") Object.assign(config, { name: "3CX simulator (demo, V20 API)", api: "v20", clientId: opts.clientId });
  const tabs = [];
  const nodes = [];
  const seen = new Set();
  const configIds = new Set();
  const examples = readExamples(opts.dir).filter((e) => opts.dashboard !== false || !e.nodes.some((n) => /^ui-/.test(n.type)));
  for (const { label, nodes: exampleNodes } of examples) {
    const tabId = exampleNodes.find((n) => n.z)?.z;
    if (!tabId) throw new Error(`example "${label}" has no flow nodes`);
    const comment = exampleNodes.find((n) => n.type === "comment");
    tabs.push({ id: tabId, type: "tab", label, disabled: false, info: comment ? comment.info : "" });
    for (const n of exampleNodes) {
      if (n.type === "3cx-config") {
        configIds.add(n.id);
        continue;
      }
      // Config nodes several examples share (the dashboard's ui-base and ui-theme): one copy.
      if (seen.has(n.id) && !n.z && nodes.some((m) => m.id === n.id && m.type === n.type)) continue;
      if (seen.has(n.id)) throw new Error(`example "${label}": node id ${n.id} is used by another example too`);
      seen.add(n.id);
      nodes.push({ ...n });
    }
  }
  // One PBX for all: every reference to any example's config node now names the merged one.
  config.id = [...configIds][0] || "3cx-demo-config";
  for (const n of nodes) if (configIds.has(n.server)) n.server = config.id;
  // Each example's own path (kept so that one imported alone works) gives way to the config node's.
  const webhookMonitors = nodes.filter((n) => n.type === "3cx-monitor" && n.source === "webhook");
  for (const n of webhookMonitors) n.path = "";
  return {
    flows: [...tabs, config, ...nodes],
    credentials: { [config.id]: { accessKey: opts.accessKey } },
    tabs: tabs.map((t) => t.label),
    webhookPath: WEBHOOK_PATH,
    webhookMonitors: webhookMonitors.length,
  };
}

/** Where FlowFuse Dashboard 2.0 (a dev dependency) is installed, or null (a stale `npm install`). */
function dashboardDir(root = path.resolve(__dirname, "..")) {
  try {
    return path.dirname(require.resolve("@flowfuse/node-red-dashboard/package.json", { paths: [root] }));
  } catch {
    return null;
  }
}

module.exports = { demoFlows, readExamples, dashboardDir, EXAMPLES_DIR, WEBHOOK_PATH };
