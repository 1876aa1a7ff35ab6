// Load: 10 000 messages in one burst through five action nodes sharing one config node with
// maxConcurrent 4, against the simulator: none lost, never more than 4 in flight at the PBX, each
// node's outputs in its input order, the heap back near where it started. Then the PBX goes down
// in the middle of a burst: every message still ends (output or error), none hangs.
import assert from "node:assert/strict";
import v8 from "node:v8";
import vm from "node:vm";
import { startSimulator, type Simulator } from "../../src/simulator";
import { KEY, helper, leaks, loadFlow, secretForms, sleep, until, useRejectionCounter, type Msg, type NodeSpec, type Outcome, type Probe } from "./support";

v8.setFlagsFromString("--expose-gc");
const gc = vm.runInNewContext("gc") as () => void;

function heapMb(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed / 1048576;
}

const NODES: Array<NodeSpec & { msg: (i: number) => Msg }> = [
  { id: "ext", type: "3cx-ext", props: { method: "ext.state.get" }, msg: () => ({ payload: "102" }) },
  { id: "queue", type: "3cx-queue", props: { method: "queue.members.get" }, msg: () => ({ payload: "802" }) },
  { id: "pbx", type: "3cx-pbx", props: { method: "info" }, msg: () => ({ payload: {} }) },
  { id: "contact", type: "3cx-contact", props: { method: "contact.get" }, msg: (i) => ({ payload: 1 + (i % 4) }) },
  // A write: call control on a DN with no call is acknowledged and changes nothing.
  { id: "call", type: "3cx-call", props: { method: "drop" }, msg: () => ({ payload: { num: "105" } }) }, // 105: an extension in no call (drop is acknowledged)
];

interface End {
  seq: number;
  ok: boolean;
  code?: string;
  at: number;
}

interface Burst {
  /** Outcome per message, by node, in completion order. */
  ends: Map<string, End[]>;
  started: number;
  finished: number;
}

/** Sends `perNode` messages to each node, interleaved, all at once; resolves when every one has ended. */
async function burst(probe: Probe, perNode: number, ms: number, during?: (done: () => number) => Promise<void>): Promise<Burst> {
  const ends = new Map<string, End[]>(NODES.map((n) => [n.id, []]));
  let count = 0;
  const record = (id: string, seq: number) => (o: Outcome): void => {
    count++;
    ends.get(id)?.push({ seq, ok: o.ok, code: o.ok ? undefined : (o as { error: { code?: string } }).error.code, at: o.at });
  };
  const started = Date.now();
  const all: Array<Promise<void>> = [];
  for (let i = 0; i < perNode; i++) {
    for (const n of NODES) all.push(probe.send(n.id, { ...n.msg(i), seq: i }, ms).then(record(n.id, i)));
  }
  const side = during ? during(() => count) : Promise.resolve();
  await Promise.all(all);
  await side;
  return { ends, started, finished: Date.now() };
}

function assertInputOrder(b: Burst): void {
  for (const [id, list] of b.ends) {
    const out = list.map((e) => e.seq);
    const firstBad = out.findIndex((s, i) => i > 0 && s < out[i - 1]);
    assert.equal(firstBad, -1, `${id}: outputs out of input order at #${firstBad} (${out.slice(Math.max(0, firstBad - 3), firstBad + 3).join(",")})`);
  }
}

describe("reliability: load", function () {
  this.timeout(120000);
  const rejections = useRejectionCounter();
  let sim: Simulator;

  before(async () => {
    await helper.startServer();
    sim = await startSimulator({ httpsPort: false, accessKey: KEY, fast: true });
  });
  afterEach(async () => {
    await helper.unload();
    await sim.faults.clear();
  });
  after(async () => {
    await sim?.close();
    await helper.stopServer();
  });

  it("10 000 messages in a burst through 5 nodes on one config (maxConcurrent 4): none lost, ≤ 4 in flight, outputs in input order, heap bounded", async () => {
    const probe = await loadFlow({ fqdn: sim.httpUrl, maxConcurrent: 4, timeout: 10000, nodes: NODES }, { spies: false });
    await burst(probe, 20, 10000); // warm up (JIT, sockets)
    sim.resetStats();
    for (const list of probe.outputs.values()) list.length = 0;
    const heapBefore = heapMb();
    await sim.faults.set({ latencyMs: 20, times: 200 }); // the first answers take a moment: up to 4 are in flight at once
    const b = await burst(probe, 2000, 60000);
    const secs = (b.finished - b.started) / 1000;
    const total = [...b.ends.values()].reduce((s, l) => s + l.length, 0);
    const failed = [...b.ends.values()].flat().filter((e) => !e.ok);
    assertInputOrder(b);
    for (const list of probe.outputs.values()) list.length = 0; // let the outputs go before measuring
    probe.caught.length = 0;
    b.ends.clear();
    await sleep(50);
    const heapAfter = heapMb();
    console.log(`      figure: load: 10000 messages in ${secs.toFixed(1)} s (${Math.round(10000 / secs)} msg/s), max in flight ${sim.stats.maxInFlight}, ${sim.stats.requests} requests, heap ${heapBefore.toFixed(1)} → ${heapAfter.toFixed(1)} MB (Δ ${(heapAfter - heapBefore).toFixed(1)} MB)`);
    assert.equal(total, 10000, "every message ended");
    assert.deepEqual(failed.slice(0, 3), [], "none failed");
    assert.equal(sim.stats.requests, 10000, "one request per message");
    assert.ok(sim.stats.maxInFlight <= 4 && sim.stats.maxInFlight >= 1, `max in flight ${sim.stats.maxInFlight}`);
    assert.ok(heapAfter - heapBefore < 40, `heap grew by ${(heapAfter - heapBefore).toFixed(1)} MB`);
    assert.equal(rejections.count, 0);
  });

  it("a slow first answer holds back a faster second one: outputs leave in input order, errors too", async () => {
    const probe = await loadFlow({ fqdn: sim.httpUrl, maxConcurrent: 4, timeout: 5000, nodes: [{ id: "ext", type: "3cx-ext", props: { method: "" } }] });
    await sim.faults.set({ latencyMs: 300, times: 1 });
    const ends: string[] = [];
    const note = (what: string) => (o: Outcome): void => { ends.push(`${what}:${o.ok ? "ok" : (o as { error: { code?: string } }).error.code}`); };
    await Promise.all([
      probe.send("ext", { method: "ext.state.get", payload: "102" }).then(note("slow")),
      probe.send("ext", { method: "ext.state.get", payload: "103" }).then(note("fast")),
      probe.send("ext", { method: "ext.state.get", payload: {} }).then(note("bad")),
    ]);
    assert.deepEqual(ends, ["slow:ok", "fast:ok", "bad:BAD_PARAM"]);
  });

  it("the PBX going down in the middle of a burst: every message ends in an output or an error, none hangs", async () => {
    const timeout = 1500;
    const probe = await loadFlow({ fqdn: sim.httpUrl, maxConcurrent: 4, timeout, nodes: NODES }, { spies: false });
    let downAt = 0;
    let upAt = 0;
    const b = await burst(probe, 600, 60000, async (done) => {
      await until(() => done() >= 1000, 30000, "a third of the burst");
      downAt = Date.now();
      await sim.faults.set({ down: true });
      await sleep(700);
      await sim.faults.clear();
      upAt = Date.now();
    });
    const all = [...b.ends.values()].flat().sort((x, y) => x.at - y.at);
    const errors = all.filter((e) => !e.ok);
    const codes = [...new Set(errors.map((e) => e.code))];
    let maxGap = 0;
    for (let i = 1; i < all.length; i++) maxGap = Math.max(maxGap, all[i].at - all[i - 1].at);
    const lateErrors = errors.filter((e) => e.at > upAt + timeout);
    console.log(`      figure: load, PBX down ${upAt - downAt} ms mid-burst: 3000 messages, ${all.length} ended (${all.length - errors.length} outputs, ${errors.length} errors ${codes.join("/")}), longest wait between two endings ${maxGap} ms (timeout ${timeout} ms)`);
    assert.equal(all.length, 3000, "every message ended");
    assert.ok(errors.length > 0, "the outage was noticed");
    assert.deepEqual(codes.filter((c) => c !== "UNREACHABLE"), [], "an outage is UNREACHABLE");
    assert.equal(lateErrors.length, 0, "once the PBX is back, messages succeed again");
    assert.ok(maxGap <= 2 * timeout + 1000, `nothing hangs: the longest pause between two endings was ${maxGap} ms`);
    assertInputOrder(b);
    assert.deepEqual(leaks(probe.allText(), secretForms(KEY)), []);
    assert.equal(rejections.count, 0);
  });
});
