// @ts-check
/**
 * The monitor's poll tick at 100 / 1 000 / 10 000 live calls: `diffSnapshots` alone (the diff) and
 * `buildSnapshot` + `diffSnapshots` (what the poller does with each answer). Calls are the seed's
 * pbx.callsinfo.get examples with new ids; between the two polls a tenth ended, a tenth are new, a
 * tenth ringing ones were answered, so every kind of event is produced.
 *   node bench/diff.js [--sizes 100,1000,10000]
 */
"use strict";
const { args, dist, report, settle } = require("./lib");

const { buildSnapshot, diffSnapshots } = dist("src/monitor");
const { loadSeedExamples } = dist("test/support/seed");

/** @type {any[]} */
const SEED_CALLS = loadSeedExamples().find((/** @type {{ method: string }} */ e) => e.method === "pbx.callsinfo.get").response.callsInfo;

/** @param {number} id @param {boolean} ringing */
function makeCall(id, ringing) {
  const seed = SEED_CALLS[id % SEED_CALLS.length];
  const call = structuredClone(seed);
  call.callID = id;
  call.owner.dnNum = String(1000 + (id % 9000));
  if (ringing) {
    call.state = "Ringing";
    call.answeredAt = "0001-01-01T00:00:00Z";
    call.routingTo = [{ dnNum: String(100 + (id % 7)), dnType: "extension", externalParty: call.owner.dnNum, status: "Ringing" }];
    call.talkTo = [];
  }
  return call;
}

/** @param {number} n */
function polls(n) {
  const before = [];
  for (let i = 0; i < n; i++) before.push(makeCall(i, i % 10 === 0));
  const tenth = Math.max(1, Math.floor(n / 10));
  // Next poll: the first tenth ended, a tenth new ones, ringing calls answered.
  const after = before.slice(tenth).map((c) => {
    if (c.state !== "Ringing") return c;
    const answered = makeCall(c.callID, false);
    answered.answeredAt = "2022-12-29T08:40:00Z";
    return answered;
  });
  for (let i = 0; i < tenth; i++) after.push(makeCall(n + i, i % 2 === 0));
  const empty = new Map();
  const raw = (/** @type {any[]} */ calls, /** @type {number} */ at) => ({ callsinfo: { count: calls.length, callsInfo: calls }, extensions: empty, queues: empty, at });
  return { first: raw(before, 1_700_000_000_000), second: raw(after, 1_700_000_002_000) };
}

/**
 * Median and best ms of `fn` over at least 9 runs (more while under ~300 ms) after a warm-up; the
 * best is the one to compare on a busy machine, the median the one to expect.
 * @param {() => unknown} fn
 */
function timeIt(fn) {
  for (let i = 0; i < 3; i++) fn();
  settle();
  const times = [];
  const until = performance.now() + 300;
  while (times.length < 9 || (performance.now() < until && times.length < 1000)) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  times.sort((x, y) => x - y);
  return { median: times[Math.floor(times.length / 2)], best: times[0] };
}

function main() {
  const sizes = (args().sizes || "100,1000,10000").split(",").map(Number);
  const rows = [];
  for (const calls of sizes) {
    const { first, second } = polls(calls);
    const prev = buildSnapshot(first, null);
    const next = buildSnapshot(second, prev);
    const events = diffSnapshots(prev, next).length;
    const diff = timeIt(() => diffSnapshots(prev, next));
    const tick = timeIt(() => diffSnapshots(prev, buildSnapshot(second, prev)));
    rows.push({ calls, events, diffMs: diff.median, diffBestMs: diff.best, tickMs: tick.median, tickBestMs: tick.best });
  }
  return rows;
}

report(main()).then(() => process.exit(0));
