#!/usr/bin/env node
// `npm run bench`: one run on this machine against one local WebAPI server (bench/server.js, its
// own process), each case in a fresh process so that CPU, RSS and heap are its own:
//   3cx-ext        a real Node-RED runtime, 3cx-ext ext.state.get, 32 in flight (maxConcurrent 32)
//   http-request   the same flow with a Change node building msg.url and the core http request node
//   raw            a bare axios loop with a keep-alive agent, 32 in flight
// plus extra rows (3cx-ext with the default maxConcurrent 4, http request with keep-alive on, the
// floor: a minimal custom node doing a bare keep-alive GET with lean axios / node:http, and 3cx-ext
// and the floor at a steady 500 msg/s offered load), live events (V20 push vs WebAPI polling:
// latency, idle PBX requests per hour), the
// monitor's diff, the node-type load time and RSS growth over 100 000 messages. Prints a table and,
// last, the one summary line. Never part of `npm test`: it prints numbers and asserts nothing.
//
// plus the PBX load of the poll monitors (bench/pbx-load.js: req/s, freshness, call → extension.status,
// makecall under polling), before (0.1.0's loop per monitor) and after (the shared engine).
//
//   node scripts/bench.js [--quick] [--rounds N] [--server sim|mini] [--messages N] [--growth N] [--nr5] [--json FILE]
//        [--pbx-seconds N] [--pbx-sizes 1x10,5x100,…] [--pbx-before 1x10,…]
//   --quick  fewer messages (a smoke run, numbers are rough)
//   --rounds N  run the three main cases N times, interleaved, and report each one's median round
//            (for a busy machine: other processes make single runs swing by 2x)
//   --nr5    run the main cases, the floor rows and the 500 msg/s rows on Node-RED 5 / Node 22 as
//            well (extra rows, --rounds too, and an NR 5 summary line just before the last line)
//   BENCH_PKG=dir  measure a package root other than this repository (a private build)
"use strict";
const { execFileSync, fork } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");

const root = path.resolve(__dirname, "..");
const bench = path.join(root, "bench");

function parseArgs(argv) {
  const out = { quick: false, nr5: false, server: "sim", messages: 20000, growth: 100000, warmup: 3000, rounds: 1, json: "", pbxSeconds: 20, pbxSizes: "1x10,1x100,1x500,5x10,5x100,5x500,20x10,20x100,20x500", pbxBefore: "1x10,1x100,5x100" };
  // --quick sets smaller counts first, so that --messages and the like still override it.
  if (argv.includes("--quick")) Object.assign(out, { messages: 3000, growth: 10000, warmup: 1000, pbxSeconds: 6, pbxSizes: "1x10,5x100", pbxBefore: "1x100" });
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--quick") out.quick = true;
    else if (a === "--nr5") out.nr5 = true;
    else if (a === "--server") out.server = argv[++i];
    else if (a === "--messages") out.messages = Number(argv[++i]);
    else if (a === "--growth") out.growth = Number(argv[++i]);
    else if (a === "--warmup") out.warmup = Number(argv[++i]);
    else if (a === "--rounds") out.rounds = Number(argv[++i]);
    else if (a === "--json") out.json = argv[++i];
    else if (a === "--pbx-seconds") out.pbxSeconds = Number(argv[++i]);
    else if (a === "--pbx-sizes") out.pbxSizes = argv[++i];
    else if (a === "--pbx-before") out.pbxBefore = argv[++i];
    else throw new Error(`bench: unknown option ${a}`);
  }
  return out;
}

/** Builds when dist/ is missing or older than a TypeScript source (never when BENCH_PKG is set). */
function ensureBuilt() {
  if (process.env.BENCH_PKG) return;
  const marker = path.join(root, "dist", "nodes", "3cx-ext.js");
  const built = fs.existsSync(marker) ? fs.statSync(marker).mtimeMs : 0;
  const newest = (dir) => {
    let t = 0;
    for (const e of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
      if (e.isFile() && /\.(ts|html|json)$/.test(e.name)) t = Math.max(t, fs.statSync(path.join(e.parentPath ?? e.path, e.name)).mtimeMs);
    }
    return t;
  };
  if (built > Math.max(newest(path.join(root, "src")), newest(path.join(root, "nodes")))) return;
  console.log("bench: building (dist/ is missing or older than the sources)");
  execFileSync(process.execPath, [path.join(root, "scripts", "build.js")], { stdio: "inherit", cwd: root });
}

/** Runs one bench/<file>.js in a fresh process and resolves with the result it reports. */
function runCase(file, args, opts = {}) {
  return new Promise((resolve, reject) => {
    const child = fork(path.join(bench, file), args, {
      cwd: root,
      execPath: opts.execPath ?? process.execPath,
      env: { ...process.env, ...opts.env },
      stdio: ["ignore", "ignore", "inherit", "ipc"],
    });
    let result;
    child.on("message", (m) => {
      if (m && m.result !== undefined) result = m.result;
    });
    child.on("exit", (code) => (result !== undefined ? resolve(result) : reject(new Error(`bench: ${file} ${args.join(" ")} exited with ${code}`))));
  });
}

function startServer(kind) {
  return new Promise((resolve, reject) => {
    const child = fork(path.join(bench, "server.js"), ["--server", kind], { cwd: root, stdio: ["ignore", "ignore", "inherit", "ipc"] });
    child.once("message", (m) => {
      if (!m.ready) return reject(new Error("bench: the server did not start"));
      const waiters = [];
      child.on("message", (msg) => {
        if (msg.cpuUs !== undefined) waiters.shift()?.(msg.cpuUs);
      });
      resolve({
        ...m.ready,
        cpuUs: () => new Promise((r) => {
          waiters.push(r);
          child.send("cpu");
        }),
        stop: () => new Promise((r) => {
          child.once("exit", r);
          child.send("stop");
        }),
      });
    });
    child.once("exit", (code) => reject(new Error(`bench: the server exited with ${code}`)));
  });
}

const fmt = (n, digits = 0) => (typeof n === "number" && Number.isFinite(n) ? n.toFixed(digits) : "-");

function table(headers, rows) {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) => cells.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join("  ");
  return [line(headers), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  ensureBuilt();
  const started = Date.now();
  const server = await startServer(o.server);
  const common = ["--url", server.url, "--key", server.accessKey, "--warmup", String(o.warmup), "--inflight", "32"];
  const rows = [];
  /** Runs one throughput case, with the server's CPU per message. */
  async function once(label, file, args, opts) {
    const cpu0 = await server.cpuUs();
    const r = await runCase(file, [...common, ...args], opts);
    const serverUs = ((await server.cpuUs()) - cpu0) / (r.messages + o.warmup);
    process.stderr.write(`bench: ${label}: ${fmt(r.msgPerSec)} msg/s\n`);
    return { label, ...r, serverUs };
  }
  async function measure(label, file, args, opts) {
    const r = await once(label, file, args, opts);
    rows.push(r);
    return r;
  }
  const n = ["--messages", String(o.messages)];
  const main3 = [
    ["3cx-ext (maxConcurrent 32)", "nodered.js", ["--flow", "3cx-ext", "--max-concurrent", "32", ...n]],
    ["http-request (Change + http request)", "nodered.js", ["--flow", "http-request", ...n]],
    ["raw (axios, keep-alive agent)", "raw.js", n],
  ];
  // The floor rides in the rounds too: share-of-floor divides two medians of the same rounds.
  const floorCase = ["floor (custom node, lean axios)", "nodered.js", ["--flow", "floor-axios", ...n]];
  /** The main cases, `--rounds` times interleaved; each one's median round. */
  async function roundsOf(cases, opts) {
    const rounds = cases.map(() => []);
    for (let round = 0; round < Math.max(1, o.rounds); round++) {
      for (let i = 0; i < cases.length; i++) rounds[i].push(await once(...cases[i], opts));
    }
    return rounds.map((rs) => {
      const r = [...rs].sort((a, b) => a.msgPerSec - b.msgPerSec)[Math.floor((rs.length - 1) / 2)];
      return rs.length > 1 ? { ...r, label: `${r.label} [median of ${rs.length}: ${rs.map((x) => fmt(x.msgPerSec)).join(", ")}]` } : r;
    });
  }
  const [ext, httpReq, raw, floor] = await roundsOf([...main3, floorCase]);
  rows.push(ext, httpReq, raw, floor);
  await measure("3cx-ext (maxConcurrent 4, the default)", "nodered.js", ["--flow", "3cx-ext", "--max-concurrent", "4", ...n]);
  await measure("http-request (keep-alive on)", "nodered.js", ["--flow", "http-request", "--persist", ...n]);
  const rawHttp = await measure("raw node:http (no axios, keep-alive agent)", "raw.js", ["--lib", "node-http", ...n]);
  // The floor: a minimal custom node in the same flow doing a bare keep-alive GET (what any node costs here).
  const floorHttp = ["floor (custom node, node:http)", "nodered.js", ["--flow", "floor-http", ...n]];
  await measure(...floorHttp);
  // api v20 (#14): the same node on the V20 backend (two requests per message: XAPI user + Call
  // Control participants) vs the core nodes doing those two requests by hand with a token.
  const v20Rows = {};
  if (server.v20) {
    const v20Args = ["--client-id", server.v20.clientId, "--api-key", server.v20.apiKey];
    v20Rows.ext = await measure("3cx-ext on V20 (maxConcurrent 32, 2 requests/msg)", "nodered.js", ["--flow", "3cx-ext-v20", "--max-concurrent", "32", ...v20Args, ...n]);
    v20Rows.http = await measure("http-request on V20 by hand (2 http requests + function)", "nodered.js", ["--flow", "http-request-v20", ...v20Args, ...n]);
  }
  // Latency at a steady offered load, not only at 32 in flight.
  const steady = ["--rate", "500", "--messages", String(Math.min(o.messages, 10000))];
  const steadyCases = [
    ["3cx-ext at 500 msg/s offered", "nodered.js", ["--flow", "3cx-ext", "--max-concurrent", "32", ...steady]],
    ["floor (lean axios) at 500 msg/s offered", "nodered.js", ["--flow", "floor-axios", ...steady]],
  ];
  for (const c of steadyCases) await measure(...c);
  let nr5Rows = [];
  if (o.nr5) {
    const { nodeBinary } = require("./node-binary");
    const nr5 = { execPath: nodeBinary(22), env: { NODE_RED_PKG: "node-red-5" } };
    const on5 = ([label, ...rest]) => [`NR 5 / Node 22: ${label}`, ...rest];
    nr5Rows = await roundsOf([...main3, floorCase].map(on5), nr5);
    rows.push(...nr5Rows);
    for (const c of [floorHttp, ...steadyCases]) await measure(...on5(c), nr5);
  }
  const growth = await runCase("nodered.js", [...common, "--flow", "3cx-ext", "--max-concurrent", "32", "--messages", String(o.growth), "--growth"]);
  process.stderr.write(`bench: growth run: ${fmt(growth.msgPerSec)} msg/s\n`);
  const diff = await runCase("diff.js", []);
  // Live events: V20 push vs WebAPI polling (fewer samples on a smoke run: the polling side waits on its interval).
  const push = await runCase("monitor-push.js", o.quick || o.messages < 1000 ? ["--samples", "10", "--poll-samples", "1", "--idle-s", "2"] : []);
  const loads = [];
  for (let i = 0; i < 3; i++) loads.push(await runCase("load.js", []));
  await server.stop();
  // The PBX load of the poll monitors (#11): the simulator with 30 ms per request, in their own processes.
  const pbx = [];
  const sizes = (list) => list.split(",").filter((x) => x !== "").map((x) => x.split("x").map(Number));
  const pbxArgs = (m, e) => ["--monitors", String(m), "--extensions", String(e), "--seconds", String(o.pbxSeconds)];
  for (const [m, e] of sizes(o.pbxBefore)) {
    pbx.push(await runCase("pbx-load.js", [...pbxArgs(m, e), "--before"]));
    process.stderr.write(`bench: PBX load before, ${m} × ${e}: ${fmt(pbx.at(-1).requestsPerSec, 1)} req/s\n`);
  }
  for (const [m, e] of sizes(o.pbxSizes)) {
    pbx.push(await runCase("pbx-load.js", pbxArgs(m, e)));
    process.stderr.write(`bench: PBX load, ${m} × ${e}: ${fmt(pbx.at(-1).requestsPerSec, 1)} req/s\n`);
  }
  const watched = Math.max(0, ...sizes(o.pbxSizes).map(([, e]) => e));
  const makecall = watched === 0 ? undefined : {
    idle: await runCase("pbx-load.js", [...pbxArgs(1, watched), "--makecall", "--idle"]),
    busy: await runCase("pbx-load.js", [...pbxArgs(1, watched), "--makecall"]),
    before: await runCase("pbx-load.js", [...pbxArgs(1, watched), "--makecall", "--before"]),
  };

  const loadMs = loads.map((l) => l.loadMs).sort((a, b) => a - b)[1];
  const load = require("node:os").loadavg()[0];
  const cores = require("node:os").cpus().length;
  if (load > cores) console.log(`\nbench: note: the machine is busy (load average ${load.toFixed(1)} on ${cores} cores): single runs are noisy, compare with --rounds 3`);
  console.log(`\nbench: Node ${process.versions.node}, ${cores} cores, server: ${server.kind === "mini" ? "minimal ext.state.get server" : "simulator (fast)"} on 127.0.0.1, 32 in flight, ${o.messages} messages per case after ${o.warmup} warm-up\n`);
  console.log(table(
    ["case", "msg/s", "p50 ms", "p99 ms", "max ms", "CPU µs/msg", "server µs/msg", "RSS MB", "heap MB", "errors"],
    rows.map((r) => [r.label, fmt(r.msgPerSec), fmt(r.p50Ms, 2), fmt(r.p99Ms, 2), fmt(r.maxMs, 1), fmt(r.cpuUsPerMsg), fmt(r.serverUs), fmt(r.rssMb), fmt(r.heapMb), r.errors]),
  ));
  console.log(`\nmonitor poll tick (ms per diff; median / best of ≥ 9):\n${table(
    ["calls", "events", "diff ms", "best", "snapshot+diff ms", "best"],
    diff.map((d) => [d.calls, d.events, fmt(d.diffMs, 2), fmt(d.diffBestMs, 2), fmt(d.tickMs, 2), fmt(d.tickBestMs, 2)]),
  )}`);
  console.log(`\nlive events, one idle monitor, simulator on 127.0.0.1 (latency: the simulator's change → call.ringing in the subscriber):\n${table(
    ["source", "latency p50 ms", "p99 ms", "samples", "idle PBX requests/h", "PBX requests per call"],
    [
      ["V20 push (Call Control WebSocket)", fmt(push.v20.latency.p50Ms, 1), fmt(push.v20.latency.p99Ms, 1), push.v20.latency.n, fmt(push.v20.idle.perHour), fmt(push.v20.readsPerCall, 1)],
      [`WebAPI polling (every ${push.poll.intervalMs / 1000} s)`, fmt(push.poll.latency.p50Ms, 1), fmt(push.poll.latency.p99Ms, 1), push.poll.latency.n, fmt(push.poll.idle.perHour), "0"],
    ],
  )}\n(idle requests counted over ${push.v20.idle.seconds} s; V20 also takes a token about once an hour, and, if the PBX closes the socket when it expires, one upgrade and one full read then)`);
  console.log(`\nnode types: Node-RED loads the package's ${loads[0].types} types in ${fmt(loadMs, 1)} ms (median of 3 cold processes)${loads.some((l) => l.errors.length) ? `; errors: ${loads.flatMap((l) => l.errors).join("; ")}` : ""}`);
  console.log(`RSS growth over ${growth.messages} messages (3cx-ext, after GC): ${fmt(growth.rssGrowthMb, 1)} MB (heap ${fmt(growth.heapGrowthMb, 1)} MB); RSS MB at each fifth: ${growth.rssCheckpointsMb.join(" → ")}; ${fmt(growth.msgPerSec)} msg/s, worst p99 ${fmt(growth.p99Ms, 2)} ms, ${growth.errors} errors`);
  const sec = (ms) => fmt(ms / 1000, 1);
  console.log(`\nPBX load (simulator, 30 ms per request; each monitor watches all the extensions, interval 2 s, pollBudget 10, maxConcurrent 4; before = 0.1.0's loop per monitor):\n${table(
    ["monitors", "extensions", "req/s", "calls/s", "fresh p50 s", "fresh p99 s", "call→status p50 ms", "p99 ms", "missed"],
    pbx.map((r) => [`${r.monitors}${r.before ? " (before)" : ""}`, r.extensions, fmt(r.requestsPerSec, 1), fmt(r.callsPerSec, 2), sec(r.freshness.p50), sec(r.freshness.p99), fmt(r.callToStatus.p50), fmt(r.callToStatus.p99), `${r.callsMissed}/${r.calls}`]),
  )}`);
  if (makecall) console.log(`makecall (maxConcurrent 4, ${watched} watched): idle p50 ${fmt(makecall.idle.makecall.p50, 1)} / p99 ${fmt(makecall.idle.makecall.p99, 1)} / max ${fmt(makecall.idle.makecall.max, 1)} ms; while polling p50 ${fmt(makecall.busy.makecall.p50, 1)} / p99 ${fmt(makecall.busy.makecall.p99, 1)} / max ${fmt(makecall.busy.makecall.max, 1)} ms; before (one FIFO, loop per monitor) p50 ${fmt(makecall.before.makecall.p50, 1)} / p99 ${fmt(makecall.before.makecall.p99, 1)} / max ${fmt(makecall.before.makecall.max, 1)} ms`);
  console.log(`whole bench: ${fmt((Date.now() - started) / 1000)} s\n`);
  if (o.json) fs.writeFileSync(o.json, JSON.stringify({ rows, diff, loads, growth, pbx, makecall, push }, null, 2));
  console.log(`3cx-ext vs raw node:http: ${fmt(ext.msgPerSec / rawHttp.msgPerSec, 2)} of its msg/s; p99 ${fmt(ext.p99Ms, 2)} ms vs ${fmt(rawHttp.p99Ms, 2)} ms`);
  if (nr5Rows.length === 4) {
    const [e5, h5, r5, f5] = nr5Rows.map((r) => r.msgPerSec);
    console.log(`NR 5 / Node 22: 3cx-ext ${fmt(e5)} msg/s, http-request ${fmt(h5)} msg/s, raw ${fmt(r5)} msg/s, ratio-vs-http-request ${fmt(e5 / h5, 2)}, share-of-raw ${fmt(e5 / r5, 2)}, share-of-floor ${fmt(e5 / f5, 2)}`);
  }
  const N = ext.msgPerSec;
  const M = httpReq.msgPerSec;
  const R = raw.msgPerSec;
  console.log(`bench: 3cx-ext ${fmt(N)} msg/s, http-request ${fmt(M)} msg/s, raw ${fmt(R)} msg/s, ratio-vs-http-request ${fmt(N / M, 2)}, share-of-raw ${fmt(N / R, 2)}, share-of-floor ${fmt(N / floor.msgPerSec, 2)}`);
}

main().catch((e) => {
  console.error(e.message ?? e);
  process.exit(1);
});
