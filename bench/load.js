// @ts-check
/**
 * How long Node-RED takes to load this package's node types: a fresh process starts a Node-RED
 * runtime without the package, then installs it (a link into the user directory) and times the
 * registry's own addModule, the path Node-RED takes for a module added at run time: it reads
 * package.json, each node's .html and locales, requires each .js (cold: axios and all) and runs
 * its registration. The runtime's own start-up is not counted.
 *   node bench/load.js
 */
"use strict";
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { fromNodeRed, report, NODE_RED_PKG, PKG_ROOT, REPO_ROOT } = require("./lib");

const MODULE = "@node-red-3cx/webapi";

async function main() {
  const userDir = fs.mkdtempSync(path.join(os.tmpdir(), "3cx-bench-load-"));
  fs.writeFileSync(path.join(userDir, "package.json"), JSON.stringify({ name: "bench-load", private: true }));
  const RED = require(require.resolve(NODE_RED_PKG, { paths: [REPO_ROOT] }));
  RED.init({
    userDir,
    flowFile: "flows.json",
    credentialSecret: false,
    httpAdminRoot: false,
    httpNodeRoot: false,
    telemetry: { enabled: false, updateNotification: false },
    logging: { console: { level: "error", metrics: false, audit: false } },
  });
  await RED.start();
  // The runtime's registry instance (resolved from the runtime, so 4.x and 5.x both find theirs).
  const registry = require(require.resolve("@node-red/registry", { paths: [path.dirname(fromNodeRed("@node-red/runtime"))] }));

  const modDir = path.join(userDir, "node_modules", "@node-red-3cx");
  fs.mkdirSync(modDir, { recursive: true });
  fs.symlinkSync(PKG_ROOT, path.join(modDir, "webapi"), "dir");
  const t0 = performance.now();
  const info = await registry.addModule(MODULE);
  const loadMs = performance.now() - t0;
  const types = info.nodes.flatMap((/** @type {{ types: string[], err?: unknown }} */ n) => n.types);
  const errors = info.nodes.filter((/** @type {{ err?: unknown }} */ n) => n.err).map((/** @type {{ name: string, err: unknown }} */ n) => `${n.name}: ${n.err}`);
  await RED.stop();
  fs.rmSync(userDir, { recursive: true, force: true });
  await report({ loadMs, types: types.length, errors });
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
