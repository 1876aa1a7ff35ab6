// @ts-check
/**
 * Live events, V20 push vs WebAPI polling, against the simulator in this process: event latency
 * (from the simulator's change to the event in the subscriber, call.ringing of a new inbound call)
 * and the PBX requests an idle monitor sends (counted at the simulator over an idle window, per
 * hour). V20: the real V20 client and the Call Control WebSocket source; WebAPI: the real client
 * and the poll engine at the monitor's default interval (2 s), no watched extensions.
 *   node bench/monitor-push.js [--samples 20] [--poll-samples 10] [--idle-s 5]
 */
"use strict";
const { args, dist, quantile, report } = require("./lib");

const { startSimulator } = dist("src/simulator");
const { V20Client } = dist("src/backends/v20");
const { WebApiClient } = dist("src/client");
const { PollEngine } = dist("src/monitor");
const { v20SourceFor } = dist("src/monitor/v20");

const a = args();
const SAMPLES = Number(a.samples ?? 20);
const POLL_SAMPLES = Number(a["poll-samples"] ?? 10);
const IDLE_S = Number(a["idle-s"] ?? 5);
const KEY = "BENCH-v20-key";
const sleep = (/** @type {number} */ ms) => new Promise((r) => setTimeout(r, ms));

/** @param {number[]} ms */
function stats(ms) {
  const s = Float64Array.from(ms).sort();
  return { n: s.length, p50Ms: quantile(s, 0.5), p99Ms: quantile(s, 0.99), maxMs: s[s.length - 1] ?? NaN };
}

/**
 * Rings `samples` new calls one after the other and times each to its call.ringing.
 * @param {any} sim @param {Map<number, number>} seen callID → when its ringing arrived
 * @param {number} samples @param {number} spacingMs @param {number} [jitterMs]
 */
async function latencies(sim, seen, samples, spacingMs, jitterMs = 0) {
  const out = [];
  for (let i = 0; i < samples; i++) {
    // A random wait first: the next call must not start at the same point of the poll interval each time.
    await sleep(Math.random() * jitterMs);
    const t0 = performance.now();
    const call = sim.pbx.inboundCall({ from: `+49301000${String(i).padStart(3, "0")}`, to: "101", answer: false });
    const deadline = Date.now() + 10000;
    while (!seen.has(call.callID) && Date.now() < deadline) await sleep(1);
    if (seen.has(call.callID)) out.push(/** @type {number} */ (seen.get(call.callID)) - t0);
    sim.pbx.calls.end(call.callID, "External");
    await sleep(spacingMs);
  }
  return out;
}

/** Requests the simulator counted while nothing happened, per hour. @param {any} sim */
async function idlePerHour(sim) {
  await sleep(300);
  const before = sim.stats.requests;
  await sleep(IDLE_S * 1000);
  const n = sim.stats.requests - before;
  return { requests: n, seconds: IDLE_S, perHour: Math.round((n * 3600) / IDLE_S) };
}

async function main() {
  const sim = await startSimulator({ httpsPort: false, accessKey: "BENCHKEY", v20: { apiKey: KEY }, callTiming: { ringMs: 600000 } });
  try {
    // V20: the Call Control WebSocket.
    const client = new V20Client({ fqdn: sim.httpUrl, clientId: sim.v20.clientId, accessKey: KEY });
    const source = v20SourceFor({
      baseUrl: client.baseUrl, bearer: () => client.bearer(), invalidateToken: (/** @type {string} */ t) => client.invalidateToken(t),
      callControl: (/** @type {string} */ p, /** @type {AbortSignal} */ s) => client.readCallControl(p, s),
    });
    /** @type {Map<number, number>} */
    const v20Seen = new Map();
    const leave = source.subscribe({
      onEvents: (/** @type {any[]} */ events) => { for (const e of events) if (e.topic === "call.ringing") v20Seen.set(e.payload.callID, performance.now()); },
      onState: () => undefined,
    });
    while (source.state.kind !== "connected") await sleep(5);
    const v20Idle = await idlePerHour(sim);
    const pushed0 = sim.v20.pushed;
    const requests0 = sim.stats.requests;
    const v20Lat = await latencies(sim, v20Seen, SAMPLES, 20);
    const perCall = (sim.v20.pushed - pushed0) / Math.max(1, SAMPLES);
    const readsPerCall = (sim.stats.requests - requests0) / Math.max(1, SAMPLES);
    await leave();
    client.close();

    // WebAPI: the poll engine at the default interval.
    const web = new WebApiClient({ fqdn: sim.httpUrl, accessKey: "BENCHKEY" });
    const engine = new PollEngine({ client: web });
    /** @type {Map<number, number>} */
    const pollSeen = new Map();
    const sub = engine.subscribe({
      intervalMs: 2000, extensions: [], queues: [],
      onEvents: (/** @type {any[]} */ events) => { for (const e of events) if (e.topic === "call.ringing") pollSeen.set(e.payload.callID, performance.now()); },
      onState: () => undefined,
      onEntryRefused: () => undefined,
    });
    // The baseline poll and one more (a calls poll every 2 s), then the idle window.
    const polled = sim.stats.requests;
    while (sim.stats.requests < polled + 2) await sleep(10);
    const pollIdle = await idlePerHour(sim);
    // Calls at random points of the poll interval, so the waits sample all of it.
    const pollLat = await latencies(sim, pollSeen, POLL_SAMPLES, 0, 2000);
    await sub.close();
    await engine.close();
    web.close();
    await report({ v20: { latency: stats(v20Lat), idle: v20Idle, pushedPerCall: perCall, readsPerCall }, poll: { intervalMs: 2000, latency: stats(pollLat), idle: pollIdle } });
  } finally {
    await sim.close();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
