// @ts-check
/**
 * The PBX load of the poll monitors (issue #11), against the simulator with 30 ms latency per
 * request, in this process: the real client (one per PBX, maxConcurrent 4) and the config node's
 * poll engine with `--monitors` subscribers, each watching all `--extensions` extensions, interval
 * 2 s, pollBudget 10. Reports requests per second to the PBX, the freshness of the watched states
 * (sampled once a second: how long since each was last read), and the delay from a call ringing
 * at a watched extension to that extension's extension.status.
 *   --before: the same with one independent loop per monitor (the Poller + fetchPoll of 0.1.0:
 *             every extension read every tick, all through one FIFO), for the before figures.
 *   --makecall: makecall latency (p50/p99/max) while the engine watches `--extensions`, and idle.
 *   node bench/pbx-load.js --monitors 5 --extensions 100 [--seconds 20] [--before] [--makecall]
 */
"use strict";
const { args, dist, quantile, report } = require("./lib");

const { startSimulator } = dist("src/simulator");
const { WebApiClient } = dist("src/client");
const { PollEngine, Poller, fetchPoll } = dist("src/monitor");

const KEY = "bench-pbx-load";
const INTERVAL_MS = 2000;
const LATENCY_MS = 30;

const sleep = (/** @type {number} */ ms) => new Promise((r) => setTimeout(r, ms));

/** @param {number[]} list */
function pct(list) {
  const s = Float64Array.from(list).sort();
  return s.length === 0 ? { p50: NaN, p99: NaN, max: NaN } : { p50: quantile(s, 0.5), p99: quantile(s, 0.99), max: s[s.length - 1] };
}

/** @param {any} sim @param {number} n */
function addExtensions(sim, n) {
  const base = sim.pbx.extensions.get("106");
  const nums = [];
  for (let i = 0; i < n; i++) {
    const num = String(2000 + i);
    sim.pbx.extensions.set(num, { ...structuredClone(base), num, name: `Ext${num}`, devices: [] });
    nums.push(num);
  }
  return nums;
}

async function main() {
  const a = args();
  const monitors = Number(a.monitors || 1);
  const count = Number(a.extensions || 10);
  const before = a.before === "true";
  const sim = await startSimulator({ httpsPort: false, accessKey: KEY, latencyMs: LATENCY_MS, maxRecordedRequests: 5_000_000, callTiming: { ringMs: 60000, talkMs: 0 } });
  const nums = addExtensions(sim, count);
  const client = new WebApiClient({ fqdn: sim.httpUrl, accessKey: KEY, maxConcurrent: 4 });
  // 0.1.0 had no priorities: every request went through one FIFO.
  const fifo = { call: (/** @type {string} */ m, /** @type {any} */ p, /** @type {any} */ o = {}) => client.call(m, p, { signal: o.signal }) };

  /** extension.status events at the first monitor: num → arrival times */
  /** @type {Map<string, number[]>} */
  const statusAt = new Map();
  /** @param {readonly any[]} events @param {number} i */
  const onEvents = (events, i) => {
    if (i !== 0) return;
    for (const e of events) if (e.topic === "extension.status") statusAt.set(e.payload.num, [...(statusAt.get(e.payload.num) ?? []), Date.now()]);
  };
  /** @type {Array<() => Promise<void>>} */
  const stops = [];
  const engine = new PollEngine({ client, pollBudget: 10 });
  if (a.idle !== "true") {
    for (let i = 0; i < monitors; i++) {
      if (before) {
        const p = new Poller({ intervalMs: INTERVAL_MS, fetch: (/** @type {AbortSignal} */ signal) => fetchPoll(fifo, { extensions: nums, queues: [] }, signal, () => undefined), onEvents: (/** @type {any} */ e) => onEvents(e, i), onState: () => undefined });
        p.start();
        stops.push(() => p.stop());
      } else {
        const sub = engine.subscribe({ intervalMs: INTERVAL_MS, extensions: nums, queues: [], onEvents: (/** @type {any} */ e) => onEvents(e, i) });
        stops.push(() => sub.close());
      }
    }
  }

  // Warm-up: one full round of reads (the engine paces count / 10 s), at least 4 s.
  const warmMs = before || a.idle === "true" || a.makecall === "true" ? 4000 : Math.max(4000, (count / 10) * 1000 * 1.1 + 2000);
  await sleep(warmMs);
  const seconds = Number(a.seconds || 20);
  const t0 = Date.now();
  const lastRead = new Map();
  const freshness = [];
  const delays = [];
  const makecalls = [];
  let calls = 0;
  let nextCall = t0;
  let nextSample = t0 + 1000;
  while (Date.now() < t0 + seconds * 1000) {
    const now = Date.now();
    if (a.makecall === "true") {
      const s = performance.now();
      await client.call("makecall", { first: "101", second: `4207748${String(10000 + makecalls.length)}` });
      makecalls.push(performance.now() - s);
      await sleep(200);
      continue;
    }
    if (now >= nextCall && a.idle !== "true") {
      // A call rings at a watched extension: its extension.status is what we wait for.
      const num = nums[(calls * 7919) % nums.length];
      calls++;
      const seen = (statusAt.get(num) ?? []).length;
      const placed = Date.now();
      sim.pbx.inboundCall({ from: "420774852529", to: num, timing: { ringMs: 1500, talkMs: 0 } });
      void (async () => {
        for (let t = 0; t < 500 && (statusAt.get(num) ?? []).length === seen; t++) await sleep(20);
        const got = (statusAt.get(num) ?? [])[seen];
        delays.push(got === undefined ? Infinity : got - placed);
      })();
      nextCall += 3000;
    }
    if (now >= nextSample) {
      for (const r of sim.requests) if (r.method === "ext.state.get" && r.at <= now) lastRead.set(r.params.num, Math.max(lastRead.get(r.params.num) ?? 0, r.at));
      for (const num of nums) freshness.push(now - (lastRead.get(num) ?? t0 - warmMs));
      nextSample += 1000;
    }
    await sleep(20);
  }
  const t1 = Date.now();
  await sleep(a.makecall === "true" ? 0 : 10_000); // the last call's status
  const window = sim.requests.filter((r) => r.at >= t0 && r.at < t1);
  const out = {
    monitors, extensions: count, before,
    seconds: (t1 - t0) / 1000,
    requestsPerSec: window.length / ((t1 - t0) / 1000),
    callsPerSec: window.filter((r) => r.method === "pbx.callsinfo.get").length / ((t1 - t0) / 1000),
    freshness: pct(freshness),
    callToStatus: pct(delays.filter(Number.isFinite)),
    callsMissed: delays.filter((d) => !Number.isFinite(d)).length,
    calls: delays.length,
    makecall: pct(makecalls),
    makecalls: makecalls.length,
  };
  for (const stop of stops) await stop();
  await engine.close();
  client.close();
  await sim.close();
  await report(out);
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
