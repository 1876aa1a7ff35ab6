// @ts-check
/**
 * Shared by the bench cases: where the compiled package is, the in-flight pump that drives every
 * throughput case the same way, percentiles, CPU/memory readings, and forced GC.
 * Plain JS on purpose: the cases require the compiled package (dist/), as Node-RED does.
 */
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const v8 = require("node:v8");
const vm = require("node:vm");

const REPO_ROOT = path.resolve(__dirname, "..");
/** The package root to measure: the repository (default) or a private build (BENCH_PKG). */
const PKG_ROOT = path.resolve(process.env.BENCH_PKG || REPO_ROOT);
const DIST = path.join(PKG_ROOT, "dist");

/** @param {string} rel a path under dist/, e.g. "src/monitor" */
function dist(rel) {
  const file = path.join(DIST, rel);
  if (!fs.existsSync(file) && !fs.existsSync(`${file}.js`)) {
    throw new Error(`bench: ${path.relative(process.cwd(), file)} is missing: run npm run build first`);
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(file);
}

/** Node-RED under test: "node-red" (4.1) or "node-red-5" (5.0), resolved from the repository. */
const NODE_RED_PKG = process.env.NODE_RED_PKG || "node-red";

/** @param {string} name a module Node-RED itself depends on */
function fromNodeRed(name) {
  const nrDir = path.dirname(require.resolve(`${NODE_RED_PKG}/package.json`, { paths: [REPO_ROOT] }));
  return require.resolve(name, { paths: [nrDir] });
}

/** Full garbage collection without needing --expose-gc on the command line. */
const gc = (() => {
  v8.setFlagsFromString("--expose-gc");
  return /** @type {() => void} */ (vm.runInNewContext("gc"));
})();

function settle() {
  gc();
  gc();
}

/**
 * @param {Float64Array} sorted ascending
 * @param {number} q 0..1
 */
function quantile(sorted, q) {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i];
}

/**
 * @typedef {object} PumpResult
 * @property {number} messages
 * @property {number} errors
 * @property {number} elapsedMs
 * @property {number} msgPerSec
 * @property {number} p50Ms
 * @property {number} p99Ms
 * @property {number} maxMs
 * @property {number} cpuUsPerMsg  user+system CPU of this process per message, µs
 */

/**
 * Keeps `inFlight` messages going until `total` have completed. `fire(startedAt)` starts one;
 * whatever carries it must call the returned `complete(startedAt, ok)` exactly once per message.
 * Latency is from fire to complete.
 * @param {number} total
 * @param {number} inFlight
 * @param {(startedAt: number, index: number) => void} fire
 * @param {number} [stallMs] give up when nothing completes for this long
 * @returns {{ complete: (startedAt: number, ok: boolean, paced?: boolean) => void, done: Promise<PumpResult> }}
 */
function pump(total, inFlight, fire, stallMs = 15000) {
  const lat = new Float64Array(total);
  let sent = 0;
  let finished = 0;
  let errors = 0;
  let lastProgress = performance.now();
  /** @type {(r: PumpResult) => void} */
  let resolve = () => {};
  /** @type {(e: Error) => void} */
  let reject = () => {};
  const done = new Promise((res, rej) => {
    resolve = res;
    reject = rej;
  });
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const watchdog = setInterval(() => {
    if (performance.now() - lastProgress > stallMs) {
      clearInterval(watchdog);
      reject(new Error(`bench: stalled after ${finished}/${total} messages (${sent - finished} in flight, ${errors} errors)`));
    }
  }, 1000);
  /** @param {number} startedAt @param {boolean} ok @param {boolean} [paced] sending is timed elsewhere */
  const complete = (startedAt, ok, paced = false) => {
    const now = performance.now();
    lastProgress = now;
    if (finished >= total) return;
    lat[finished++] = now - startedAt;
    if (!ok) errors++;
    if (!paced && sent < total) fire(performance.now(), sent++);
    else if (finished === total) {
      clearInterval(watchdog);
      const elapsedMs = now - t0;
      const cpu = process.cpuUsage(cpu0);
      lat.sort();
      resolve({
        messages: total,
        errors,
        elapsedMs,
        msgPerSec: (total * 1000) / elapsedMs,
        p50Ms: quantile(lat, 0.5),
        p99Ms: quantile(lat, 0.99),
        maxMs: lat[total - 1],
        cpuUsPerMsg: (cpu.user + cpu.system) / total,
      });
    }
  };
  // Started on the next tick so the caller can wire `complete` first.
  setImmediate(() => {
    const first = Math.min(inFlight, total);
    while (sent < first) fire(performance.now(), sent++);
  });
  return { complete, done };
}

/**
 * A steady offered load: `ratePerSec` messages a second (open loop: a slow answer does not slow
 * the sending), until `total` have completed. Same result shape as `pump`.
 * @param {number} total
 * @param {number} ratePerSec
 * @param {(startedAt: number, index: number) => void} fire
 * @returns {{ complete: (startedAt: number, ok: boolean) => void, done: Promise<PumpResult> }}
 */
function paced(total, ratePerSec, fire) {
  // `pump` with room for everything in flight, fed by a timer instead of by completions.
  let sent = 0;
  const p = pump(total, 0, fire);
  const t0 = performance.now();
  const timer = setInterval(() => {
    const due = Math.min(total, Math.floor(((performance.now() - t0) * ratePerSec) / 1000));
    while (sent < due) fire(performance.now(), sent++);
    if (sent >= total) clearInterval(timer);
  }, 2);
  return {
    complete: (startedAt, ok) => p.complete(startedAt, ok, true),
    done: p.done.finally(() => clearInterval(timer)),
  };
}

function memory() {
  const m = process.memoryUsage();
  return { rssMb: m.rss / 1048576, heapMb: m.heapUsed / 1048576 };
}

/** Answers a case's result to the parent (bench.js) or prints it when run alone. */
function report(/** @type {unknown} */ result) {
  /** @type {Promise<void>} */
  const sent = new Promise((resolve) => {
    if (process.send) process.send({ result }, undefined, {}, () => resolve());
    else {
      console.log(JSON.stringify(result, null, 2));
      resolve();
    }
  });
  return sent;
}

/** `--name value` arguments of a case process. */
function args() {
  /** @type {Record<string, string>} */
  const out = {};
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    if (argv[i].startsWith("--")) out[argv[i].slice(2)] = argv[i + 1] && !argv[i + 1].startsWith("--") ? argv[++i] : "true";
  }
  return out;
}

/** The extensions the messages cycle through (all answer ext.state.get on the simulator). */
const EXTENSIONS = ["100", "101", "102", "103", "104", "105", "106"];

module.exports = { REPO_ROOT, PKG_ROOT, DIST, NODE_RED_PKG, dist, fromNodeRed, gc, settle, pump, paced, quantile, memory, report, args, EXTENSIONS };
