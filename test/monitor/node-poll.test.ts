// 3cx-monitor with source "poll" in a real Node-RED runtime (test helper) with the real config
// node and client, against the simulator over HTTP on 127.0.0.1.
import assert from "node:assert/strict";
import { startSimulator, type Simulator } from "../../src/simulator";
import { helper } from "../support/nodered";
import { activePollers, loadMonitor, redeploy, sleep, until, type MonitorFlowOptions, type MonitorProbe, type Msg } from "./support";

const KEY = "SIMKEY-7f3a9c1e2b4d";

describe("3cx-monitor poll source (Node-RED + simulator)", function () {
  this.timeout(20000);
  let sim: Simulator;

  before(async () => {
    sim = await startSimulator({ httpsPort: false, accessKey: KEY });
  });
  beforeEach(async () => {
    await sim.reset();
  });
  afterEach(async () => {
    await helper.unload();
    await sim.faults.clear();
  });
  after(async () => {
    await sim.close();
  });

  function opts(props: Record<string, unknown>, accessKey = KEY): MonitorFlowOptions {
    return { fqdn: sim.httpUrl, accessKey, props: { source: "poll", interval: 0.05, ...props } };
  }

  const callsinfoCount = (): number => sim.requests.filter((r) => r.method === "pbx.callsinfo.get").length;

  const readsOf = (num: string): number => sim.requests.filter((r) => (r.method === "ext.state.get" || r.method === "queue.members.get") && r.params.num === num).length;

  /** Waits until the monitor has its baseline: two calls polls answered, and each of `nums` read twice more. */
  async function baseline(...nums: string[]): Promise<void> {
    const n = callsinfoCount();
    const reads = nums.map(readsOf);
    await until(() => callsinfoCount() >= n + 2 && nums.every((num, i) => readsOf(num) >= reads[i] + 2), 5000, "baseline polls");
  }

  async function webapi(method: string, params: Record<string, string>): Promise<unknown> {
    const res = await fetch(`${sim.httpUrl}/webapi/${KEY}/${method}?${new URLSearchParams(params).toString()}`);
    assert.equal(res.status, 200, method);
    return res.json();
  }

  it("a call's life (scenario mode) gives started → answered → ended in order, with matching callID, each once", async () => {
    const probe = await loadMonitor(opts({}));
    await baseline();
    sim.scenario.start({ intervalMs: 100, ringMs: 200, talkMs: 300, missedRatio: 0, seed: 11 });
    const lifeDone = (): boolean => probe.of("call.ended").some((e) => probe.msgs.some((s) => s.topic === "call.started" && s.payload.callID === e.payload.callID));
    await until(() => probe.of("call.ended").length >= 3 && lifeDone(), 10000, "three ended calls");
    sim.scenario.stop();
    const byCall = new Map<unknown, Msg[]>();
    for (const m of probe.msgs.filter((x) => x.topic.startsWith("call."))) byCall.set(m.payload.callID, [...(byCall.get(m.payload.callID) ?? []), m]);
    let complete = 0;
    for (const [id, msgs] of byCall) {
      const order = msgs.map((m) => m.topic).filter((t) => t !== "call.ringing");
      for (const t of ["call.started", "call.answered", "call.ended"]) assert.ok(order.filter((x) => x === t).length <= 1, `${t} twice for call ${String(id)}: ${order.join(",")}`);
      const idx = (t: string): number => order.indexOf(t);
      if (idx("call.started") >= 0 && idx("call.ended") >= 0) {
        complete++;
        assert.ok(idx("call.started") < idx("call.ended"), order.join(","));
        if (idx("call.answered") >= 0) assert.ok(idx("call.started") < idx("call.answered") && idx("call.answered") < idx("call.ended"), order.join(","));
        const end = msgs.find((m) => m.topic === "call.ended")!.payload;
        assert.equal(typeof end.duration, "number");
        assert.equal(end.missed, idx("call.answered") < 0);
      }
    }
    assert.ok(complete >= 1, "at least one whole call life seen");
    assert.ok(probe.of("call.answered").length >= 1);
    assert.equal(probe.of("extension.status").length, 0, "no extension watched");
  });

  it("a watched extension's profile change (ext.fwd.set over HTTP) gives one extension.status", async () => {
    const probe = await loadMonitor(opts({ extensions: "100, 101" }));
    await baseline("100", "101");
    await webapi("ext.fwd.set", { num: "101", status: "Away" });
    await until(() => probe.of("extension.status").length >= 1);
    await baseline("101"); // a few more polls: still one
    const evs = probe.of("extension.status");
    assert.equal(evs.length, 1);
    const p = evs[0].payload as { num: string; changed: string[]; previous: { fwdName: string }; current: { fwdName: string } };
    assert.equal(p.num, "101");
    assert.deepEqual(p.changed, ["fwdName"]);
    assert.equal(p.previous.fwdName, "Available");
    assert.equal(p.current.fwdName, "Away");
    assert.ok(probe.statuses.some((s) => s.fill === "green"), "the status shows the last event");
  });

  it("a queue agent logging out gives one queue.agent", async () => {
    const probe = await loadMonitor(opts({ queues: "802" }));
    await baseline("802");
    await webapi("ext.queue.set", { num: "102", queue: "802", log: "off" });
    await until(() => probe.of("queue.agent").length >= 1);
    await baseline("802");
    assert.deepEqual(probe.of("queue.agent").map((m) => [m.payload.queue, m.payload.num, m.payload.loggedIn]), [["802", "102", false]]);
    assert.deepEqual(probe.topics(), ["queue.agent"]);
  });

  it("the PBX going down and back: one pbx.down, one pbx.up, no call events from the gap", async () => {
    const probe = await loadMonitor(opts({ extensions: "100" }));
    await baseline();
    await sim.faults.set({ down: true });
    await until(() => probe.of("pbx.down").length === 1, 5000, "pbx.down");
    assert.ok(probe.statuses.some((s) => s.fill === "red" && /status\.down|unreachable/i.test(s.text ?? "")), JSON.stringify(probe.statuses));
    // During the gap: a call that is still there afterwards, one that comes and goes, a profile change.
    sim.pbx.inboundCall({ from: "420774852529", to: "100", timing: { ringMs: 30, talkMs: 0 } });
    sim.pbx.inboundCall({ from: "420774852530", to: "101", timing: { ringMs: 30, talkMs: 60 } });
    sim.pbx.extensions.get("100")!.fwdName = "Away";
    await sleep(300);
    await sim.faults.clear();
    await until(() => probe.of("pbx.up").length === 1, 5000, "pbx.up");
    await baseline();
    assert.deepEqual(probe.topics(), ["pbx.down", "pbx.up"]);
    const down = probe.of("pbx.down")[0].payload;
    assert.equal(down.code, "UNREACHABLE");
    assert.equal(typeof down.reason, "string");
    const up = probe.of("pbx.up")[0].payload;
    assert.ok((up.downtimeMs as number) >= 300);
    assert.notEqual(probe.statuses[probe.statuses.length - 1].fill, "red", "no longer shown as down");
    assert.ok(probe.statuses.some((s, i) => s.fill === "blue" && i > probe.statuses.findIndex((x) => x.fill === "red")), "polling again");
  });

  it("a wrong access key: pbx.down with code AUTH, status says the key was refused", async () => {
    const probe = await loadMonitor(opts({}, "wrong-key-3b9d"));
    await until(() => probe.of("pbx.down").length === 1);
    assert.equal(probe.of("pbx.down")[0].payload.code, "AUTH");
    assert.ok(probe.statuses.some((s) => /refused/.test(s.text ?? "")), JSON.stringify(probe.statuses));
  });

  it("an unknown watched extension is left out with one warning; the rest keeps working", async () => {
    const probe = await loadMonitor(opts({ extensions: "999,101" }));
    await baseline("101");
    await baseline("101");
    // One warning however many polls (the helper does not interpolate messages: it shows the key).
    assert.equal(probe.warnings.length, 1, probe.warnings.join("\n"));
    assert.match(probe.warnings[0], /warn\.entry/);
    await webapi("ext.fwd.set", { num: "101", status: "Away" });
    await until(() => probe.of("extension.status").length === 1);
    assert.equal(probe.of("pbx.down").length, 0);
  });

  it("an input message polls at once and answers with a snapshot of calls and watched states", async () => {
    const probe = await loadMonitor(opts({ interval: 60, extensions: "101", queues: "802" }));
    await until(() => callsinfoCount() >= 1);
    await sleep(50);
    const before = callsinfoCount();
    const snap = await probe.ask("snapshot");
    assert.equal(callsinfoCount(), before + 1, "one immediate poll");
    const p = snap.payload as { source: string; calls: Array<{ callID: number }>; extensions: Record<string, { fwdName: string }>; queues: Record<string, Array<{ num: string }>> };
    assert.equal(p.source, "poll");
    assert.equal(p.calls.length, sim.pbx.calls.list().length);
    assert.equal(p.extensions["101"].fwdName, "Available");
    assert.deepEqual(p.queues["802"].map((m) => m.num), ["102", "104"]);
  });

  it("10 redeploys leave one poll engine (requests per second counted at the simulator)", async () => {
    const o = opts({ interval: 0.1, extensions: "101" });
    let probe: MonitorProbe = await loadMonitor(o);
    for (let i = 0; i < 10; i++) probe = await redeploy({ ...o, props: { ...o.props, name: `v${i}` } });
    assert.equal(activePollers(), 1);
    await sleep(150);
    const t0 = Date.now();
    await sleep(1000);
    const window = sim.requests.filter((r) => r.at >= t0 && r.at < t0 + 1000);
    const calls = window.filter((r) => r.method === "pbx.callsinfo.get").length;
    const states = window.filter((r) => r.method === "ext.state.get").length;
    console.log(`      after 10 redeploys: ${calls} pbx.callsinfo.get and ${states} ext.state.get in 1 s at interval 0.1 s`);
    assert.ok(calls >= 4 && calls <= 11, `one loop polls about 10 times a second, got ${calls}`);
    assert.ok(states >= 5 && states <= 11, `one reader of 101 (every 0.1 s, within the budget of 10/s), got ${states}`);
    assert.ok(probe);
    await helper.unload();
    assert.equal(activePollers(), 0);
  });

  it("a redeploy aborts a slow poll at once: close finishes quickly, nothing piles up", async () => {
    await sim.faults.set({ methods: ["pbx.callsinfo.get"], latencyMs: 10000 });
    await loadMonitor(opts({}));
    await until(() => sim.stats.inFlight >= 1);
    const t0 = Date.now();
    await helper.unload();
    const ms = Date.now() - t0;
    assert.ok(ms < 2000, `close took ${ms} ms`);
    assert.equal(activePollers(), 0);
    await until(() => sim.stats.inFlight === 0, 3000, "the aborted request is gone at the simulator");
  });

  it("a slow PBX stretches the interval: ticks never overlap", async () => {
    await sim.faults.set({ methods: ["pbx.callsinfo.get"], latencyMs: 150 });
    sim.resetStats();
    await loadMonitor(opts({ interval: 0.02 }));
    await sleep(800);
    assert.equal(sim.stats.maxInFlight, 1);
    assert.ok(callsinfoCount() <= 6, `at most one poll per 150 ms, got ${callsinfoCount()}`);
  });

  it("without a config node: a clear error and a red status, no loop", async () => {
    const probe = await loadMonitor({ props: { source: "poll", interval: 0.05 } });
    await until(() => probe.errors.length > 0);
    assert.match(String(probe.errors[0]), /server|PBX/i);
    assert.equal(activePollers(), 0);
    await assert.rejects(probe.ask("snapshot", 300), "an input gets no snapshot");
    await until(() => probe.errors.length >= 2, 2000, "the input's error");
  });
});
