// `npm run bench` keeps working: a tiny run (300 messages per case) on this run's Node and
// Node-RED. Nothing here judges speed (a benchmark is never an assertion): it checks that every
// case really completed its messages without an error, that the figures are coherent, and that
// the summary line has the exact form and agrees with the measured rows.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { REPO_ROOT } from "../support/red-process";

interface Row { label: string; messages: number; errors: number; msgPerSec: number; p50Ms: number; p99Ms: number; maxMs: number; cpuUsPerMsg: number; rssMb: number; heapMb: number }
interface BenchJson {
  rows: Row[];
  diff: { calls: number; events: number; diffMs: number; tickMs: number }[];
  loads: { loadMs: number; types: number; errors: string[] }[];
  growth: { messages: number; errors: number; rssCheckpointsMb: number[] };
  pbx: { monitors: number; extensions: number; before: boolean; requestsPerSec: number; callsPerSec: number; freshness: { p50: number; p99: number }; calls: number; callsMissed: number }[];
  makecall: Record<"idle" | "busy" | "before", { makecalls: number; makecall: { p50: number; p99: number; max: number } }>;
  push: {
    v20: { latency: { n: number; p50Ms: number; p99Ms: number }; idle: { requests: number; perHour: number }; readsPerCall: number };
    poll: { intervalMs: number; latency: { n: number; p50Ms: number; p99Ms: number }; idle: { requests: number; perHour: number } };
  };
}

const NR5_SUMMARY = /^NR 5 \/ Node 22: 3cx-ext (\d+) msg\/s, http-request (\d+) msg\/s, raw (\d+) msg\/s, ratio-vs-http-request (\d+\.\d\d), share-of-raw (\d+\.\d\d), share-of-floor (\d+\.\d\d)$/;
const SUMMARY = /^bench: 3cx-ext (\d+) msg\/s, http-request (\d+) msg\/s, raw (\d+) msg\/s, ratio-vs-http-request (\d+\.\d\d), share-of-raw (\d+\.\d\d), share-of-floor (\d+\.\d\d)$/;

describe("npm run bench (a smoke run: numbers printed, never judged)", function () {
  // Generous: the bench has grown (PBX load, live events, --nr5) and the full suite runs beside other work.
  this.timeout(300000);
  let out = "";
  let json: BenchJson;

  before(async function () {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "3cx-bench-")), "bench.json");
    try {
      out = await new Promise<string>((resolve, reject) => {
        execFile(process.execPath, [path.join(REPO_ROOT, "scripts", "bench.js"), "--messages", "300", "--warmup", "100", "--growth", "1000", "--pbx-seconds", "2", "--pbx-sizes", "1x10", "--pbx-before", "1x10", "--nr5", "--json", file],
          { cwd: REPO_ROOT, maxBuffer: 4 << 20 }, (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout)));
      });
      json = JSON.parse(fs.readFileSync(file, "utf8")) as BenchJson;
    } finally {
      fs.rmSync(path.dirname(file), { recursive: true, force: true });
    }
  });

  it("ends with the one summary line, in the issue's exact form, computed from the measured rows", () => {
    const last = out.trimEnd().split("\n").at(-1) ?? "";
    const m = SUMMARY.exec(last);
    assert.ok(m, `last line: ${last}`);
    const [ext, httpReq, raw] = json.rows;
    const floor = json.rows.find((r) => r.label === "floor (custom node, lean axios)");
    assert.ok(floor, "the floor row (lean axios)");
    assert.ok(json.rows.some((r) => r.label === "floor (custom node, node:http)"), "the floor row (node:http)");
    assert.ok(json.rows.some((r) => r.label === "3cx-ext at 500 msg/s offered") && json.rows.some((r) => r.label === "floor (lean axios) at 500 msg/s offered"), "the steady-load rows");
    assert.match(ext.label, /^3cx-ext \(maxConcurrent 32\)/);
    assert.match(httpReq.label, /^http-request \(Change \+ http request\)/);
    assert.match(raw.label, /^raw \(axios, keep-alive agent\)/);
    assert.deepEqual(m.slice(1).map(Number), [
      Math.round(ext.msgPerSec), Math.round(httpReq.msgPerSec), Math.round(raw.msgPerSec),
      Number((ext.msgPerSec / httpReq.msgPerSec).toFixed(2)), Number((ext.msgPerSec / raw.msgPerSec).toFixed(2)),
      Number((ext.msgPerSec / floor.msgPerSec).toFixed(2)),
    ]);
    assert.match(out, /^case +msg\/s +p50 ms +p99 ms +max ms +CPU µs\/msg/m, "the table's header");
  });

  it("--nr5: the main cases, the floor rows and the 500 msg/s rows on NR 5, and its summary line with share-of-floor", () => {
    const on5 = (label: string) => json.rows.find((r) => r.label === `NR 5 / Node 22: ${label}`);
    const [ext, httpReq, raw, floor] = ["3cx-ext (maxConcurrent 32)", "http-request (Change + http request)", "raw (axios, keep-alive agent)", "floor (custom node, lean axios)"].map(on5);
    assert.ok(ext && httpReq && raw && floor, "the NR 5 main and floor rows");
    for (const l of ["floor (custom node, node:http)", "3cx-ext at 500 msg/s offered", "floor (lean axios) at 500 msg/s offered"]) assert.ok(on5(l), `the NR 5 row ${l}`);
    const line = out.trimEnd().split("\n").at(-2) ?? "";
    const m = NR5_SUMMARY.exec(line);
    assert.ok(m, `the line before the last: ${line}`);
    assert.deepEqual(m.slice(1).map(Number), [
      Math.round(ext.msgPerSec), Math.round(httpReq.msgPerSec), Math.round(raw.msgPerSec),
      Number((ext.msgPerSec / httpReq.msgPerSec).toFixed(2)), Number((ext.msgPerSec / raw.msgPerSec).toFixed(2)),
      Number((ext.msgPerSec / floor.msgPerSec).toFixed(2)),
    ]);
  });

  it("every case sent all its messages and got every answer without an error, with coherent figures", () => {
    assert.ok(json.rows.some((r) => r.label.startsWith("3cx-ext on V20")) && json.rows.some((r) => r.label.startsWith("http-request on V20 by hand")), "the api v20 rows");
    assert.ok(json.rows.length >= 10, `${json.rows.length} rows`);
    for (const r of json.rows) {
      assert.equal(r.messages, 300, r.label);
      assert.equal(r.errors, 0, r.label);
      assert.ok(r.msgPerSec > 0 && r.cpuUsPerMsg > 0, r.label);
      assert.ok(r.p50Ms > 0 && r.p50Ms <= r.p99Ms && r.p99Ms <= r.maxMs, `${r.label}: p50 ${r.p50Ms} p99 ${r.p99Ms} max ${r.maxMs}`);
      assert.ok(r.rssMb > r.heapMb && r.heapMb > 0, r.label);
    }
  });

  it("measures the monitor's diff at 100 / 1 000 / 10 000 calls, the load of all 7 types, and growth", () => {
    assert.deepEqual(json.diff.map((d) => d.calls), [100, 1000, 10000]);
    // Medians of separate timings: at 100 calls a tick can come out below a diff; only sign-check them.
    for (const d of json.diff) assert.ok(d.events > 0 && d.diffMs > 0 && d.tickMs > 0, JSON.stringify(d));
    assert.equal(json.loads.length, 3);
    for (const l of json.loads) assert.deepEqual([l.types, l.errors], [7, []]);
    assert.equal(json.growth.messages, 1000);
    assert.equal(json.growth.errors, 0);
    assert.equal(json.growth.rssCheckpointsMb.length, 6);
  });

  it("prints the PBX load table (before and after rows) and makecall idle / while polling / before, with coherent figures", () => {
    assert.match(out, /^monitors +extensions +req\/s +calls\/s +fresh p50 s +fresh p99 s +call→status p50 ms +p99 ms +missed$/m, "the PBX load table's header");
    assert.match(out, /^1 \(before\) +10 +\d+\.\d +\d\.\d\d /m, "a before row");
    assert.match(out, /^1 +10 +\d+\.\d +\d\.\d\d /m, "an after row");
    assert.deepEqual(json.pbx.map((r) => [r.monitors, r.extensions, r.before]), [[1, 10, true], [1, 10, false]]);
    for (const r of json.pbx) {
      assert.ok(r.requestsPerSec > 0 && r.callsPerSec > 0 && r.callsPerSec <= r.requestsPerSec, JSON.stringify(r));
      assert.ok(r.freshness.p50 >= 0 && r.freshness.p50 <= r.freshness.p99, JSON.stringify(r.freshness));
      assert.ok(r.callsMissed <= r.calls, JSON.stringify(r));
    }
    assert.match(out, /^makecall \(maxConcurrent 4, 10 watched\): idle p50 [\d.]+ \/ p99 [\d.]+ \/ max [\d.]+ ms; while polling p50 [\d.]+ .*; before \(one FIFO, loop per monitor\) p50 [\d.]+/m);
    for (const k of ["idle", "busy", "before"] as const) {
      const m = json.makecall[k];
      assert.ok(m.makecalls > 0 && m.makecall.p50 > 0 && m.makecall.p50 <= m.makecall.p99 && m.makecall.p99 <= m.makecall.max, `${k}: ${JSON.stringify(m)}`);
    }
  });

  it("measures live events both ways: every call seen, latencies and idle requests coherent, the table printed", () => {
    const { v20, poll } = json.push;
    assert.equal(v20.latency.n, 10, "every V20 sample's ringing arrived");
    assert.equal(poll.latency.n, 1, "the polling sample's ringing arrived");
    for (const l of [v20.latency, poll.latency]) assert.ok(l.p50Ms > 0 && l.p50Ms <= l.p99Ms, JSON.stringify(l));
    for (const i of [v20.idle, poll.idle]) assert.ok(i.requests >= 0 && i.perHour >= 0, JSON.stringify(i));
    assert.ok(v20.readsPerCall >= 1, "a Call Control read per change");
    assert.match(out, /^V20 push \(Call Control WebSocket\) /m);
    assert.match(out, /^WebAPI polling \(every 2 s\) /m);
  });
});
