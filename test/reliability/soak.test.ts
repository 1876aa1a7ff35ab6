// Redeploy soak in a real red.js: 100 deploys, full and modified-nodes in turn, through the admin
// API while an inject drives two action nodes every 50 ms, a monitor polls every 100 ms and a
// webhook monitor answers. Every deploy (which includes closing the old nodes) ends well inside
// Node-RED's 15 s; afterwards there is one poll loop (counted in the process and by the request rate
// at the simulator) and one webhook route (counted in the router and by a webhook that must give
// exactly one event); removing the flow brings handles, timers and heap back to the baseline.
import assert from "node:assert/strict";
import { startSimulator, type Simulator } from "../../src/simulator";
import { Collector, request, startRedWithProbe, type ProbeState, type RedWithProbe } from "./red-admin";
import { KEY, TOKEN, leaks, secretForms, sleep } from "./support";

const HOOK = "/rel-soak-hook";

/** Flow nodes need x/y: Node-RED takes a node without a position for a config node. */
function placed(flow: Array<Record<string, unknown>>): Array<Record<string, unknown>> {
  return flow.map((n, i) => (n.z ? { x: 200, y: 40 * (i + 1), ...n } : n));
}
const DEPLOYS = 100;

describe("reliability: redeploy soak (red.js)", function () {
  this.timeout(120000);
  let sim: Simulator;
  let red: RedWithProbe;
  let collector: Collector;

  before(async () => {
    // Every answer takes 30 ms, so deploys land while requests and polls are in flight.
    sim = await startSimulator({ httpsPort: false, accessKey: KEY, latencyMs: 30 });
    collector = await Collector.start();
    red = await startRedWithProbe();
  });
  after(async () => {
    await red?.stop();
    await collector?.close();
    await sim?.close();
  });

  function flows(version: number, withCredentials: boolean): Array<Record<string, unknown>> {
    const creds = (c: Record<string, string>) => (withCredentials ? { credentials: c } : {});
    return placed([
      { id: "t1", type: "tab", label: "soak" },
      { id: "cfg", type: "3cx-config", name: "pbx", fqdn: sim.httpUrl, timeout: 2000, maxConcurrent: 4, ...creds({ accessKey: KEY }) },
      {
        id: "tick", z: "t1", type: "inject", name: "", props: [{ p: "payload" }], repeat: "0.05", crontab: "", once: true, onceDelay: 0.01,
        topic: "", payload: "102", payloadType: "str", wires: [["ext", "queue"]],
      },
      { id: "ext", z: "t1", type: "3cx-ext", name: `ext v${version}`, server: "cfg", method: "ext.state.get", wires: [[]] },
      { id: "queue", z: "t1", type: "3cx-queue", name: "", server: "cfg", method: "queue.members.get", p_num: "802", p_numType: "str", wires: [[]] },
      { id: "poll", z: "t1", type: "3cx-monitor", name: `poll v${version}`, server: "cfg", source: "poll", interval: 0.1, extensions: "102", wires: [[]] },
      { id: "hook", z: "t1", type: "3cx-monitor", name: `hook v${version}`, source: "webhook", path: HOOK, events: ["call.ringing"], wires: [["fwd"]], ...creds({ token: TOKEN }) },
      collector.node("fwd", "t1"),
      { id: "catch", z: "t1", type: "catch", name: "", scope: null, uncaught: false, wires: [["fwdErr"]] },
      { id: "fn", z: "t1", type: "function", name: "", func: "msg.payload = { error: msg.error };\nreturn msg;", outputs: 1, wires: [["fwdErr"]] },
      collector.node("fwdErr", "t1"),
    ]);
  }

  let hookSeq = 0;
  /** One webhook with a fresh call; resolves with its HTTP status and the marker to look for. */
  async function webhook(): Promise<{ status: number; marker: string }> {
    const marker = `4930${String(++hookSeq).padStart(6, "0")}`;
    const a = await request("POST", `http://${new URL(red.url).host}${HOOK}?token=${encodeURIComponent(TOKEN)}`, { event: "ringing", callerid: marker, user: "100", usertype: "ext", id: `260101000000_${hookSeq}-0` });
    return { status: a.status, marker };
  }

  async function settle(check: (s: ProbeState) => boolean, ms: number): Promise<ProbeState> {
    const end = Date.now() + ms;
    let s = await red.probe(HOOK);
    while (!check(s) && Date.now() < end) {
      await sleep(100);
      s = await red.probe(HOOK);
    }
    return s;
  }

  it(`${DEPLOYS} full and modified-nodes deploys under traffic: quick closes, one loop, one route, handles and heap back to the baseline`, async () => {
    // Baseline: the package's modules loaded and its code paths warmed by 10 deploys, then nothing deployed.
    await red.deploy(flows(0, true), "full");
    for (let i = 1; i <= 10; i++) {
      await red.deploy(flows(-i, false), i % 2 === 0 ? "full" : "nodes");
      await sleep(50);
    }
    await red.deploy([], "full");
    const base = await settle((s) => s.pollers === 0, 5000);
    await red.deploy(flows(0, true), "full");
    await sleep(300);

    const times: number[] = [];
    const started = Date.now();
    for (let i = 1; i <= DEPLOYS; i++) {
      times.push((await red.deploy(flows(i, false), i % 2 === 0 ? "full" : "nodes")).ms);
      await sleep(120); // traffic between deploys
      if (i % 20 === 0) assert.equal((await webhook()).status, 200, `webhook answered after deploy ${i}`);
    }
    const soakSecs = (Date.now() - started) / 1000;
    await sleep(300);

    const during = await red.probe(HOOK);
    assert.equal(during.pollers, 1, "one poll loop in the process");
    assert.equal(during.routes, 2, "one webhook route on RED.httpNode (its GET and POST layers)");
    const t0 = Date.now();
    await sleep(1000);
    const polls = sim.requests.filter((r) => r.method === "pbx.callsinfo.get" && r.at >= t0 && r.at < t0 + 1000).length;
    assert.ok(polls >= 3 && polls <= 11, `one loop polls about 10 times a second, got ${polls}`);
    const hook = await webhook();
    assert.equal(hook.status, 200);
    await sleep(300);
    assert.equal(collector.bodies.filter((b) => b.includes(hook.marker)).length, 1, "one webhook → one event (one route)");
    const errors = collector.bodies.filter((b) => b.includes('"error"'));
    assert.deepEqual(errors.slice(0, 3), [], "no message failed during the soak");
    const reads = sim.requests.filter((r) => r.method === "ext.state.get").length;

    // Remove everything: the package leaves nothing behind.
    await red.deploy([], "full");
    const end = await settle((s) => s.pollers === 0 && s.active.total <= base.active.total && s.active.timers <= base.active.timers, 8000);
    const sorted = [...times].sort((a, b) => a - b);
    const p = (q: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]);
    console.log(`      figure: soak: ${DEPLOYS} deploys (full/nodes) in ${soakSecs.toFixed(1)} s under traffic (${reads} ext.state.get, ${collector.bodies.length} forwarded); deploy incl. close: median ${p(0.5)} ms, p95 ${p(0.95)} ms, max ${Math.round(sorted[sorted.length - 1])} ms; ${polls} polls/s after; handles ${base.active.total} → ${during.active.total} (running) → ${end.active.total}, timers ${base.active.timers} → ${end.active.timers}; heap ${base.heapMb} → ${end.heapMb} MB`);
    assert.ok(sorted[sorted.length - 1] < 5000, `every deploy (and so every close) well inside 15 s: max ${sorted[sorted.length - 1]} ms`);
    assert.equal(end.pollers, 0);
    assert.equal(end.routes, 0);
    assert.ok(end.active.total <= base.active.total, `handles back to the baseline: ${JSON.stringify(base.active.kinds)} → ${JSON.stringify(end.active.kinds)}`);
    assert.ok(end.active.timers <= base.active.timers, `timers back to the baseline: ${base.active.timers} → ${end.active.timers}`);
    assert.ok(end.heapMb - base.heapMb < 15, `heap stable: ${base.heapMb} → ${end.heapMb} MB`);
    assert.equal((await webhook()).status, 404, "the route is gone");
    const log = red.log();
    assert.doesNotMatch(log, /Close timed out|Error stopping node|Unhandled|uncaught/i);
    assert.deepEqual(leaks(log, secretForms(KEY, TOKEN)), []);
  });
});
