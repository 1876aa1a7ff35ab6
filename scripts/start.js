#!/usr/bin/env node
// npm start: the demo. The bundled 3CX WebAPI simulator in scenario mode (calls come and go, agents
// log in and out) and a Node-RED from this package's own dependencies on 127.0.0.1, with a fresh
// user directory, this package installed and every example flow deployed against the simulator.
// Ctrl-C stops both. PORT (default 1880) and SIM_PORT (default 8088) choose the ports;
// `npm start -- --api v20` points the demo's config node at the simulator's V20 API instead.
"use strict";
const { execFileSync, spawn } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { demoFlows, dashboardDir } = require("./demo-flows");
const { listenForPbxKeys } = require("./demo-keys");

const root = path.resolve(__dirname, "..");
const t0 = Date.now();
const HOST = "127.0.0.1";
const SCENARIO_INTERVAL_MS = 3000;
const DASHBOARD = "@flowfuse/node-red-dashboard";
const DASHBOARD_DIR = dashboardDir(root);

function say(line = "") {
  process.stdout.write(`${line}\n`);
}

function fail(message) {
  process.stderr.write(`npm start: ${message}\n`);
  process.exit(1);
}

function portFrom(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 65535) fail(`${name} must be a port number 1-65535, not "${raw}"`);
  return n;
}

/** Node-RED 5 needs Node 22.9 or later; on older Node the 4.1 of the devDependencies runs. */
function nodeRedPackage() {
  if (process.env.NODE_RED_PKG) return process.env.NODE_RED_PKG;
  const [major, minor] = process.versions.node.split(".").map(Number);
  return major > 22 || (major === 22 && minor >= 9) ? "node-red-5" : "node-red";
}

/** The newest modification time under a folder (0 if it is missing). */
function newest(dir) {
  if (!fs.existsSync(dir)) return 0;
  let t = fs.statSync(dir).mtimeMs;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) t = Math.max(t, e.isDirectory() ? newest(path.join(dir, e.name)) : fs.statSync(path.join(dir, e.name)).mtimeMs);
  return t;
}

/** `npm install` does not build (the package carries no install script): build when dist/ is missing or older than its sources. */
function ensureBuilt() {
  const needed = ["dist/nodes/3cx-config.js", "dist/nodes/3cx-config.html", "dist/src/simulator/index.js"].map((f) => path.join(root, f));
  const missing = needed.some((f) => !fs.existsSync(f));
  if (!missing && Math.min(...needed.map((f) => fs.statSync(f).mtimeMs)) >= Math.max(...["src", "nodes", "locales", "icons"].map((d) => newest(path.join(root, d))))) return;
  say(`npm start: dist/ is ${missing ? "missing" : "older than the sources"}, building first …`);
  execFileSync(process.execPath, [path.join(__dirname, "build.js")], { stdio: "inherit", cwd: root });
}

/** A fresh user directory: settings, the demo flows, their credential, this package linked in. */
function makeUserDir(port, flows) {
  const userDir = fs.mkdtempSync(path.join(os.tmpdir(), "3cx-demo-"));
  const settings = {
    uiHost: HOST,
    uiPort: port,
    flowFile: "flows.json",
    // The demo's only credential is the simulator's key: stored in plain flows_cred.json.
    credentialSecret: false,
    fileWorkingDirectory: userDir,
    editorTheme: { tours: false, palette: { catalogues: [] }, projects: { enabled: false } },
    externalModules: { palette: { allowInstall: false } },
    telemetry: { enabled: false, updateNotification: false },
    logging: { console: { level: "info", metrics: false, audit: false } },
  };
  fs.writeFileSync(path.join(userDir, "settings.js"), `module.exports = ${JSON.stringify(settings, null, 2)};\n`);
  fs.writeFileSync(path.join(userDir, "flows.json"), JSON.stringify(flows.flows, null, 2));
  fs.writeFileSync(path.join(userDir, "flows_cred.json"), JSON.stringify(flows.credentials, null, 2));
  fs.writeFileSync(path.join(userDir, "package.json"), JSON.stringify({ name: "3cx-demo", private: true, dependencies: { "@node-red-3cx/webapi": "*", ...(DASHBOARD_DIR ? { [DASHBOARD]: "*" } : {}) } }, null, 2));
  const scope = path.join(userDir, "node_modules", "@node-red-3cx");
  fs.mkdirSync(scope, { recursive: true });
  fs.symlinkSync(root, path.join(scope, "webapi"), "dir");
  // FlowFuse Dashboard 2.0 (a dev dependency) for the examples under examples/dashboard.
  if (DASHBOARD_DIR) {
    fs.mkdirSync(path.join(userDir, "node_modules", "@flowfuse"), { recursive: true });
    fs.symlinkSync(DASHBOARD_DIR, path.join(userDir, "node_modules", DASHBOARD), "dir");
  }
  return userDir;
}

/** `npm start -- --api v20`: the demo's config node on the simulator's V20 API instead of the WebAPI. */
function apiFromArgs(argv) {
  const i = argv.findIndex((a) => a === "--api" || a.startsWith("--api="));
  if (i < 0) return "webapi";
  const value = argv[i].includes("=") ? argv[i].split("=")[1] : argv[i + 1];
  if (value !== "webapi" && value !== "v20") fail(`--api expects webapi or v20, not "${value ?? ""}"`);
  return value;
}

async function main() {
  const api = apiFromArgs(process.argv.slice(2));
  const port = portFrom("PORT", 1880);
  const simPort = portFrom("SIM_PORT", 8088);
  ensureBuilt();
  const { startSimulator } = require(path.join(root, "dist", "src", "simulator"));
  const pkg = nodeRedPackage();
  let redJs;
  try {
    redJs = require.resolve(`${pkg}/red.js`, { paths: [root] });
  } catch {
    fail(`${pkg} is not installed: run npm install first`);
  }
  const redVersion = JSON.parse(fs.readFileSync(path.join(path.dirname(redJs), "package.json"), "utf8")).version;

  const keyGiven = !!process.env.THREECX_SIM_KEY;
  let sim;
  try {
    sim = await startSimulator({ host: HOST, httpPort: simPort, httpsPort: false, accessKey: process.env.THREECX_SIM_KEY || "simulator-key" });
  } catch (err) {
    fail(err && err.code === "EADDRINUSE" ? `port ${simPort} is in use: set SIM_PORT to a free port for the simulator` : `the simulator did not start: ${err.message}`);
  }
  const flows = api === "v20"
    ? demoFlows({ fqdn: sim.httpUrl, accessKey: sim.v20.apiKey, api, clientId: sim.v20.clientId, dashboard: !!DASHBOARD_DIR })
    : demoFlows({ fqdn: sim.httpUrl, accessKey: sim.accessKey, dashboard: !!DASHBOARD_DIR });
  const webhookUrl = `http://${HOST}:${port}${flows.webhookPath}`;
  const userDir = makeUserDir(port, flows);

  const child = spawn(process.execPath, [redJs, "-u", userDir, "-p", String(port)], {
    cwd: userDir,
    env: { ...process.env, NODE_RED_ENABLE_PROJECTS: "false" },
    stdio: ["ignore", "pipe", "pipe"],
  });

  let stopping = false;
  let signalled = false;
  let ticker;
  const childGone = new Promise((resolve) => child.once("exit", (code) => resolve(code)));

  async function stop(code) {
    if (stopping) return;
    stopping = true;
    clearInterval(ticker);
    say(`\nstopping Node-RED (pid ${child.pid}) and the simulator …`);
    sim.scenario.stop();
    sim.webhooks.target = null;
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGINT");
    const force = setTimeout(() => child.kill("SIGKILL"), 10000);
    const childCode = await childGone;
    clearTimeout(force);
    await sim.close();
    fs.rmSync(userDir, { recursive: true, force: true });
    say("stopped.");
    // Ctrl-C reaches Node-RED too (same process group): its exit is then not a failure.
    process.exit(signalled ? 0 : code ?? (childCode || 1));
  }
  for (const signal of ["SIGINT", "SIGTERM"]) {
    process.on(signal, () => {
      if (stopping && signalled) {
        child.kill("SIGKILL");
        process.exit(1); // a second Ctrl-C: do not wait
      }
      signalled = true;
      void stop(0);
    });
  }

  let output = "";
  let ready = false;
  const onData = (d) => {
    process.stdout.write(d);
    if (ready) return;
    output += d.toString();
    if (/Started flows/.test(output) && /Server now running/.test(output)) {
      ready = true;
      onReady();
    } else if (/Waiting for missing types/.test(output)) {
      say("npm start: Node-RED is waiting for node types it could not load (see above)");
      void stop(1);
    }
  };
  child.stdout.on("data", onData);
  child.stderr.on("data", onData);
  childGone.then((code) => {
    if (!stopping) {
      say(`npm start: Node-RED exited (code ${code})${ready ? "" : `: is port ${port} in use? Set PORT to a free port`}`);
      void stop(code || 1);
    }
  });

  function onReady() {
    sim.webhooks.target = { url: webhookUrl, method: "POST" };
    sim.scenario.start({ intervalMs: SCENARIO_INTERVAL_MS });
    const url = `http://${HOST}:${port}/`;
    say("");
    say(`3CX WebAPI demo is running (ready in ${((Date.now() - t0) / 1000).toFixed(1)} s)`);
    say(`  Node-RED editor   ${url}   (Node-RED ${redVersion} on Node ${process.versions.node})`);
    if (DASHBOARD_DIR) say(`  dashboard         ${url}dashboard   (FlowFuse Dashboard 2.0: wallboard, busy lamps, agent panel)`);
    else say(`  dashboard         not installed (${DASHBOARD}, a dev dependency): run npm install for the dashboard examples`);
    if (api === "v20") say(`  3CX simulator     ${sim.httpUrl}   V20 API: Client ID ${sim.v20.clientId}, API key ${process.env.THREECX_SIM_API_KEY ? "from THREECX_SIM_API_KEY" : sim.v20.apiKey} (already in the demo's config node)`);
    else say(`  3CX simulator     ${sim.httpUrl}   access key ${keyGiven ? "from THREECX_SIM_KEY" : sim.accessKey} (already in the demo's config node)`);
    say(`  example flows     ${flows.tabs.length} tabs, one per use case; the simulator's webhooks go to ${webhookUrl}, the config node's one URL (${flows.webhookMonitors} monitors hear it)`);
    say(`  user directory    ${userDir} (fresh each start, removed at the end)`);
    say("Try first:");
    say("  1. Open the editor and its Debug sidebar: the license check, the busy light and, every few seconds,");
    say("     the simulator's calls (screen pop, missed-call alert, TV caller ID, recordings) show up there.");
    say(`  2. Click to call: ${url}3cx/dial?ext=101&number=420774852529`);
    say(`  3. Wallboard: ${url}dashboard/wallboard (the plain HTML one without the dashboard: ${url}3cx/wallboard)`);
    say("  4. Tab \"Everyone out of office at lunch\": click the button of \"12:00 lunch\", then \"13:00 back\".");
    say("  5. Open any 3CX node: pick another method and its fields change; \"Test connection\" in the config node.");
    say("Press d to take the simulated PBX down and u to bring it back (the monitors' pbx.down / pbx.up).");
    say("Ctrl-C stops Node-RED and the simulator.");
    listenForPbxKeys(sim, say);
    say("");
    let lastLine;
    ticker = setInterval(() => {
      const h = sim.scenario.history;
      const from = lastLine === undefined ? 0 : h.lastIndexOf(lastLine) + 1;
      for (const line of h.slice(from)) say(`[simulator] ${line}`);
      if (h.length > 0) lastLine = h[h.length - 1];
    }, 500);
  }

  setTimeout(() => {
    if (!ready && !stopping) {
      say("npm start: Node-RED did not start within 60 s");
      void stop(1);
    }
  }, 60000).unref();
}

main().catch((err) => fail(err && err.stack ? err.stack : String(err)));
