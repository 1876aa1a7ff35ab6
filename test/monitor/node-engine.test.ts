// The config node's one poll engine in a real Node-RED runtime (test helper), against the
// simulator on 127.0.0.1: several monitors share one poll, a long watch list stays within the
// budget, a ringing phone's extension.status comes within about one interval, a makecall is not
// held up by the polls, and redeploys leave one engine per PBX.
import assert from "node:assert/strict";
import { startSimulator, type Simulator } from "../../src/simulator";
import { helper, nodeModule } from "../support/nodered";
import { activePollers, monitorModule, sleep, until, type Msg, type TestNode } from "./support";

const KEY = "SIMKEY-engine-5c1d";

/** Adds extensions `from`..`from+count-1` to the simulated PBX (copies of 106, no devices). */
function addExtensions(sim: Simulator, from: number, count: number): string[] {
  const base = sim.pbx.extensions.get("106")!;
  const nums: string[] = [];
  for (let n = from; n < from + count; n++) {
    const num = String(n);
    sim.pbx.extensions.set(num, { ...structuredClone(base), num, name: `Ext${num}`, devices: [] });
    nums.push(num);
  }
  return nums;
}

interface Flow {
  monitors?: Array<Record<string, unknown>>;
  maxConcurrent?: number;
  pollBudget?: number;
  call?: boolean;
  configs?: number;
}

function flow(sim: Simulator, f: Flow): Array<Record<string, unknown>> {
  const configs = Array.from({ length: f.configs ?? 1 }, (_, i) => ({
    id: i === 0 ? "cfg" : `cfg${i}`, type: "3cx-config", name: "pbx", fqdn: sim.httpUrl, timeout: 3000,
    maxConcurrent: f.maxConcurrent ?? 4, ...(f.pollBudget !== undefined ? { pollBudget: f.pollBudget } : {}),
  }));
  return [
    { id: "f1", type: "tab", label: "engine" },
    ...configs,
    ...(f.monitors ?? []).map((m, i) => ({ id: `mon${i}`, z: "f1", type: "3cx-monitor", server: "cfg", source: "poll", interval: 0.5, wires: [[`out${i}`]], ...m })),
    ...(f.monitors ?? []).map((_, i) => ({ id: `out${i}`, z: "f1", type: "helper" })),
    ...(f.call ? [
      { id: "call", z: "f1", type: "3cx-call", server: "cfg", method: "makecall", p_first: "101", p_firstType: "str", p_second: "payload", p_secondType: "msg", wires: [["callout"]] },
      { id: "callout", z: "f1", type: "helper" },
    ] : []),
  ];
}

async function load(sim: Simulator, f: Flow): Promise<Msg[][]> {
  const creds: Record<string, Record<string, string>> = { cfg: { accessKey: KEY } };
  for (let i = 1; i < (f.configs ?? 1); i++) creds[`cfg${i}`] = { accessKey: KEY };
  await helper.load([nodeModule("3cx-config"), monitorModule, nodeModule("3cx-call")], flow(sim, f), creds);
  return (f.monitors ?? []).map((_, i) => {
    const msgs: Msg[] = [];
    (helper.getNode(`out${i}`) as unknown as NodeJS.EventEmitter).on("input", (m: Msg) => msgs.push(m));
    return msgs;
  });
}

/** Sends one makecall and resolves with the ms until its output. */
function makecall(to: string): Promise<number> {
  const call = helper.getNode("call") as TestNode;
  const out = helper.getNode("callout") as unknown as NodeJS.EventEmitter;
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const timer = setTimeout(() => reject(new Error("makecall: no answer in 10 s")), 10000);
    out.once("input", () => {
      clearTimeout(timer);
      resolve(performance.now() - t0);
    });
    call.receive({ payload: to });
  });
}

describe("3cx-monitor: one poll engine per PBX (Node-RED + simulator)", function () {
  this.timeout(30000);
  let sim: Simulator;

  before(async () => {
    sim = await startSimulator({ httpsPort: false, accessKey: KEY, callTiming: { ringMs: 60000, talkMs: 0 } });
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

  const count = (method: string, from: number, to = Infinity): number => sim.requests.filter((r) => r.method === method && r.at >= from && r.at < to).length;

  it("five monitors on one PBX poll the calls list once per interval, not five times", async () => {
    const monitors = [
      { extensions: "100,101" }, { extensions: "101,102" }, { queues: "802" }, {}, { extensions: "100", interval: 2 },
    ];
    await load(sim, { monitors });
    await sleep(600);
    const t0 = Date.now();
    await sleep(3000);
    const calls = count("pbx.callsinfo.get", t0, t0 + 3000);
    const reads101 = sim.requests.filter((r) => r.method === "ext.state.get" && r.params.num === "101" && r.at >= t0 && r.at < t0 + 3000).length;
    console.log(`      five monitors, interval 0.5 s: ${calls} pbx.callsinfo.get and ${reads101} reads of 101 in 3 s`);
    assert.ok(calls >= 4 && calls <= 7, `one calls poll per 0.5 s for all five: ${calls} in 3 s`);
    assert.ok(reads101 >= 4 && reads101 <= 7, `101, watched by two monitors, read once per interval: ${reads101}`);
    assert.equal(activePollers(), 1, "one engine");
  });

  it("one monitor watching 100 extensions stays within the budget (10 requests/s + the calls list)", async () => {
    addExtensions(sim, 200, 100);
    const [msgs] = await load(sim, { monitors: [{ extensions: "200-299", interval: 1 }] });
    const statuses: string[] = [];
    (helper.getNode("mon0") as unknown as NodeJS.EventEmitter).on("call:status", (c: { args: [{ text?: string }] }) => statuses.push(c.args[0].text ?? ""));
    await sleep(1500);
    const t0 = Date.now();
    await sleep(4000);
    const reads = count("ext.state.get", t0, t0 + 4000);
    const calls = count("pbx.callsinfo.get", t0, t0 + 4000);
    const perSecond = (reads + calls) / 4;
    console.log(`      100 extensions at interval 1 s: ${perSecond.toFixed(1)} requests/s (${reads} reads, ${calls} calls lists in 4 s)`);
    assert.ok(reads <= 41, `reads within 10/s: ${reads} in 4 s`);
    assert.ok(reads >= 30, `and the budget is used: ${reads} in 4 s`);
    assert.ok(perSecond <= 11.5, `${perSecond} requests/s`);
    // The status says how fresh the states are (the helper shows the message key, not the text).
    assert.ok(statuses.some((t) => /status\.fresh/.test(t)), `a freshness status: ${statuses.join(" | ")}`);
    assert.equal(msgs.filter((m) => m.topic === "pbx.down").length, 0);
  });

  it("a phone that starts ringing gives its extension.status within about one interval (100 watched)", async () => {
    addExtensions(sim, 200, 100);
    const [msgs] = await load(sim, { monitors: [{ extensions: "200-299", interval: 1, events: ["extension.status", "call.started"] }] });
    await until(() => count("ext.state.get", 0) >= 110, 20000, "every state read once"); // baselines
    const delays: number[] = [];
    for (const to of ["250", "275", "212"]) {
      const before = msgs.length;
      const t0 = Date.now();
      sim.pbx.inboundCall({ from: "420774852529", to, timing: { ringMs: 5000, talkMs: 0 } });
      await until(() => msgs.slice(before).some((m) => m.topic === "extension.status" && m.payload.num === to), 5000, `extension.status of ${to}`);
      delays.push(Date.now() - t0);
    }
    console.log(`      ringing → extension.status with 100 watched at 1 s (round robin alone: ~10 s): ${delays.join(", ")} ms`);
    assert.ok(Math.max(...delays) <= 1600, `within ~1.5 intervals: ${delays.join(", ")} ms`);
  });

  it("a makecall during heavy polling answers as fast as idle, within one request time", async () => {
    addExtensions(sim, 200, 100);
    const READ_MS = 100;
    await sim.faults.set({ methods: ["ext.state.get", "pbx.callsinfo.get"], latencyMs: READ_MS });
    await load(sim, { maxConcurrent: 2, call: true });
    const idle: number[] = [];
    for (let i = 0; i < 8; i++) idle.push(await makecall(`42077485${1000 + i}`));
    await helper.unload();
    await load(sim, { maxConcurrent: 2, call: true, pollBudget: 50, monitors: [{ extensions: "200-299", interval: 0.5 }] });
    await sleep(1000);
    const busy: number[] = [];
    for (let i = 0; i < 8; i++) {
      busy.push(await makecall(`42077485${2000 + i}`));
      await sleep(37);
    }
    const max = (l: number[]): number => Math.max(...l);
    console.log(`      makecall (maxConcurrent 2, reads ${READ_MS} ms): idle max ${max(idle).toFixed(0)} ms, during polling of 100 extensions max ${max(busy).toFixed(0)} ms`);
    assert.ok(count("ext.state.get", Date.now() - 1000) >= 5, "the monitor was polling");
    assert.ok(max(busy) <= max(idle) + READ_MS + 60, `during polling ${busy.map((x) => x.toFixed(0)).join(", ")} ms vs idle ${idle.map((x) => x.toFixed(0)).join(", ")} ms`);
  });

  it("redeploys leave one engine per PBX and no timers; removing the monitors stops the polling", async () => {
    const f: Flow = { configs: 2, monitors: [{ extensions: "100" }, { extensions: "101" }, { server: "cfg1", extensions: "102" }] };
    await load(sim, f);
    const red = helper as unknown as { setFlows(flows: unknown[], type: string, creds: unknown): Promise<void> };
    const creds = { cfg: { accessKey: KEY }, cfg1: { accessKey: KEY } };
    for (let i = 0; i < 6; i++) {
      const changed = flow(sim, f).map((n) => (n.id === "mon1" ? { ...n, name: `v${i}` } : n));
      await red.setFlows(changed, i % 2 === 0 ? "nodes" : "full", creds);
    }
    await sleep(300);
    assert.equal(activePollers(), 2, "one engine for each of the two PBXes");
    await red.setFlows(flow(sim, { configs: 2 }), "full", creds);
    await sleep(200);
    assert.equal(activePollers(), 0, "no monitor: no engine polls");
    const t0 = Date.now();
    await sleep(1200);
    assert.equal(count("pbx.callsinfo.get", t0), 0, "nothing polls the PBX");
  });
});
