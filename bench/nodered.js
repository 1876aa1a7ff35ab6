// @ts-check
/**
 * Cases 1 and 2 (and the RSS growth run): a real Node-RED runtime started in this process through
 * node-red's own embedding API (`RED.init(server, settings)` + `RED.start()`, what red.js does,
 * with the admin API and editor on an ephemeral 127.0.0.1 port), a fresh user directory with this
 * package installed (a link), and one of two flows:
 *
 *   3cx-ext:      bench-source → 3cx-ext (ext.state.get, num from msg.payload) → bench-sink
 *   http-request: bench-source → change (msg.url via JSONata) → http request (GET, parsed JSON) → bench-sink
 *
 * each with a catch node → bench-sink, so an error also completes its message (and is counted).
 * `inflight` messages are kept going; latency is from the source's send to the sink's input.
 *   node bench/nodered.js --flow 3cx-ext|http-request --url U --key K [--messages 20000]
 *        [--warmup 3000] [--inflight 32] [--max-concurrent 32] [--persist] [--growth] [--rate R]
 *   floor-axios / floor-http: bench-source → bench-floor (a bare keep-alive GET) → bench-sink
 *   --rate R: a steady offered load of R msg/s instead of a fixed number in flight
 */
"use strict";
const fs = require("node:fs");
const http = require("node:http");
const os = require("node:os");
const path = require("node:path");
const { args, memory, paced, pump, report, settle, NODE_RED_PKG, PKG_ROOT, REPO_ROOT, EXTENSIONS } = require("./lib");

const HUB = Symbol.for("3cx-webapi.bench.hub");

/**
 * @param {string} flow
 * @param {Record<string, string>} a
 */
function flows(flow, a) {
  const tab = { id: "bench-tab", type: "tab", label: "bench" };
  // x/y mark flow nodes: without them Node-RED treats a node as a config node.
  const at = (/** @type {number} */ col, /** @type {number} */ row = 1) => ({ z: tab.id, x: 160 * col, y: 60 * row });
  const src = { id: "src", type: "bench-source", ...at(1), wires: [["step"]] };
  const sink = { id: "sink", type: "bench-sink", ...at(4), wires: [] };
  const caught = { id: "catch", type: "catch", ...at(3, 2), scope: null, uncaught: false, wires: [["sink"]] };
  if (flow === "floor-axios" || flow === "floor-http") {
    const floor = { id: "step", type: "bench-floor", ...at(2), url: a.url, key: a.key, lib: flow === "floor-http" ? "node-http" : "axios", maxSockets: 32, pkgRoot: PKG_ROOT, wires: [["sink"]] };
    return { flows: [tab, src, floor, sink, caught], credentials: {} };
  }
  if (flow === "3cx-ext-v20") {
    // The same node on api v20: XAPI user + Call Control participants per message, one shared token.
    const cfg = { id: "pbx", type: "3cx-config", fqdn: a.url, api: "v20", clientId: a["client-id"], timeout: "10000", maxConcurrent: String(a["max-concurrent"] || 32) };
    const ext = { id: "step", type: "3cx-ext", ...at(2), server: cfg.id, method: "ext.state.get", p_num: "", p_numType: "str", wires: [["sink"]] };
    return { flows: [tab, cfg, src, ext, sink, caught], credentials: { [cfg.id]: { accessKey: a["api-key"] } } };
  }
  if (flow === "http-request-v20") {
    // What a user builds by hand with the core nodes on V20, with a token fetched beforehand (a.token):
    // the user by number from XAPI, then the DN's Call Control participants, then the seed's shape.
    const auth = `{"Authorization": "Bearer ${a.token}"}`;
    const users = `${a.url}/xapi/v1/Users?$select=Id,Number,IsRegistered,CurrentProfileName,QueueStatus&$filter=`;
    const step = {
      id: "step", type: "change", ...at(2),
      rules: [
        { t: "set", p: "num", pt: "msg", to: "payload", tot: "msg" },
        { t: "set", p: "headers", pt: "msg", to: auth, tot: "json" },
        { t: "set", p: "url", pt: "msg", to: `"${users}" & $encodeUrlComponent("Number eq '" & payload & "'")`, tot: "jsonata" },
      ],
      wires: [["get"]],
    };
    const req = (id, wires) => ({
      id, type: "http request", ...at(3), method: "GET", ret: "obj", paytoqs: "ignore", url: "", tls: "", persist: true,
      proxy: "", insecureHTTPParser: false, authType: "", senderr: false, headers: [], wires,
    });
    const step2 = {
      id: "step2", type: "change", ...at(3, 2),
      rules: [
        { t: "set", p: "user", pt: "msg", to: "payload.value[0]", tot: "msg" },
        // http request left the answer's headers in msg.headers: send the token again, nothing else.
        { t: "set", p: "headers", pt: "msg", to: auth, tot: "json" },
        { t: "set", p: "url", pt: "msg", to: `"${a.url}/callcontrol/" & $encodeUrlComponent(num) & "/participants"`, tot: "jsonata" },
      ],
      wires: [["get2"]],
    };
    const shape = {
      id: "shape", type: "function", ...at(4, 2), outputs: 1, noerr: 0,
      func: [
        "const u = msg.user || {}; const s = (msg.payload || []).map((p) => p.status);",
        "const names = { OutOfOffice: 'Out of office', Available2: 'Custom 1', OutOfOffice2: 'Custom 2' };",
        "msg.payload = { num: u.Number, registered: u.IsRegistered === true,",
        "  status: s.includes('Connected') ? 'Talking' : s.includes('Ringing') ? 'Ringing' : s.includes('Dialing') ? 'Dialing' : 'Free',",
        "  fwdName: names[u.CurrentProfileName] || u.CurrentProfileName, qGlobalStatus: u.QueueStatus === 'LoggedIn', qStatus: [] };",
        "return msg;",
      ].join("\n"),
      wires: [["sink"]],
    };
    return { flows: [tab, src, step, req("get", [["step2"]]), step2, req("get2", [["shape"]]), shape, sink, caught], credentials: {} };
  }
  if (flow === "3cx-ext") {
    const cfg = { id: "pbx", type: "3cx-config", fqdn: a.url, timeout: "10000", maxConcurrent: String(a["max-concurrent"] || 32) };
    const ext = { id: "step", type: "3cx-ext", ...at(2), server: cfg.id, method: "ext.state.get", p_num: "", p_numType: "str", wires: [["sink"]] };
    return { flows: [tab, cfg, src, ext, sink, caught], credentials: { [cfg.id]: { accessKey: a.key } } };
  }
  // What a user builds with the core nodes: the URL in a Change node, the GET in http request.
  const base = `${a.url}/webapi/${encodeURIComponent(a.key)}/ext.state.get?num=`;
  const change = {
    id: "step", type: "change", ...at(2),
    rules: [{ t: "set", p: "url", pt: "msg", to: `"${base}" & $encodeUrlComponent(payload)`, tot: "jsonata" }],
    wires: [["get"]],
  };
  const get = {
    id: "get", type: "http request", ...at(3), method: "GET", ret: "obj", paytoqs: "ignore", url: "",
    tls: "", persist: a.persist === "true", proxy: "", insecureHTTPParser: false, authType: "", senderr: false, headers: [],
    wires: [["sink"]],
  };
  return { flows: [tab, src, change, get, sink, caught], credentials: {} };
}

/** @param {string} flow @param {Record<string, string>} a */
async function startRed(flow, a) {
  if (flow === "http-request-v20") {
    // The hand-built flow's token, fetched once like a user would (an inject at start).
    const res = await fetch(`${a.url}/connect/token`, {
      method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ client_id: a["client-id"], client_secret: a["api-key"], grant_type: "client_credentials" }).toString(),
    });
    a.token = /** @type {{ access_token: string }} */ (await res.json()).access_token;
  }
  const userDir = fs.mkdtempSync(path.join(os.tmpdir(), "3cx-bench-"));
  const modDir = path.join(userDir, "node_modules", "@node-red-3cx");
  fs.mkdirSync(modDir, { recursive: true });
  fs.symlinkSync(PKG_ROOT, path.join(modDir, "webapi"), "dir");
  fs.writeFileSync(path.join(userDir, "package.json"), JSON.stringify({ name: "bench", private: true, dependencies: { "@node-red-3cx/webapi": "*" } }));
  const f = flows(flow, a);
  fs.writeFileSync(path.join(userDir, "flows.json"), JSON.stringify(f.flows));
  fs.writeFileSync(path.join(userDir, "flows_cred.json"), JSON.stringify(f.credentials));

  const RED = require(require.resolve(NODE_RED_PKG, { paths: [REPO_ROOT] }));
  const server = http.createServer();
  await new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(undefined)));
  RED.init(server, {
    userDir,
    flowFile: "flows.json",
    credentialSecret: false,
    uiHost: "127.0.0.1",
    httpAdminRoot: "/",
    httpNodeRoot: "/api",
    nodesDir: [path.join(__dirname, "nodes")],
    editorTheme: { tours: false, palette: { catalogues: [] } },
    externalModules: { autoInstall: false, palette: { allowInstall: false } },
    telemetry: { enabled: false, updateNotification: false },
    diagnostics: { enabled: false, ui: false },
    logging: { console: { level: "error", metrics: false, audit: false } },
  });
  const started = new Promise((resolve) => RED.events.once("flows:started", resolve));
  await RED.start();
  await started;
  /** @type {{ source?: any, onSink?: (msg: any) => void }} */
  const hub = /** @type {any} */ (globalThis)[HUB];
  if (!hub?.source) throw new Error("bench: the bench-source node did not start (is bench/nodes loaded?)");
  if (!RED.nodes.getNode("step")) throw new Error(`bench: the ${flow} node did not start (see the log above)`);
  return {
    hub,
    async stop() {
      await RED.stop();
      server.close();
      fs.rmSync(userDir, { recursive: true, force: true });
    },
  };
}

async function main() {
  const a = args();
  const flow = a.flow || "3cx-ext";
  const total = Number(a.messages || 20000);
  const warmup = Number(a.warmup || 3000);
  const inFlight = Number(a.inflight || 32);
  const red = await startRed(flow, a);
  const source = red.hub.source;

  const rate = Number(a.rate || 0);
  /** @param {number} n */
  async function run(n) {
    // --rate R: a steady offered load of R msg/s (open loop), else `inFlight` kept going.
    const p = (rate > 0 ? paced : pump)(n, rate > 0 ? rate : inFlight, (startedAt, i) => {
      source.send({ payload: EXTENSIONS[i % EXTENSIONS.length], benchT0: startedAt });
    });
    red.hub.onSink = (msg) => {
      const ok = !msg.error && typeof msg.payload === "object" && msg.payload !== null && (msg.statusCode === undefined || msg.statusCode === 200);
      p.complete(msg.benchT0, ok);
    };
    return p.done;
  }

  await run(warmup);
  settle();
  /** @type {Record<string, unknown>} */
  let out;
  if (a.growth === "true") {
    // In five legs with RSS after GC between them: a leak climbs leg by leg, a heap settling in does not.
    const checkpoints = [memory()];
    /** @type {import("./lib").PumpResult[]} */
    const legs = [];
    for (let i = 0; i < 5; i++) {
      legs.push(await run(Math.round(total / 5)));
      settle();
      checkpoints.push(memory());
    }
    const first = checkpoints[0];
    const last = checkpoints[checkpoints.length - 1];
    const sum = (/** @type {(r: import("./lib").PumpResult) => number} */ f) => legs.reduce((t, r) => t + f(r), 0);
    out = {
      messages: sum((r) => r.messages),
      errors: sum((r) => r.errors),
      msgPerSec: (sum((r) => r.messages) * 1000) / sum((r) => r.elapsedMs),
      p99Ms: Math.max(...legs.map((r) => r.p99Ms)),
      rssGrowthMb: last.rssMb - first.rssMb,
      heapGrowthMb: last.heapMb - first.heapMb,
      rssCheckpointsMb: checkpoints.map((c) => Math.round(c.rssMb)),
    };
  } else {
    out = { ...(await run(total)), ...memory() };
  }
  await red.stop();
  await report(out);
}

main().then(
  () => process.exit(0), // Node-RED leaves timers behind (its own, not ours)
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
