// queue.stats and caller names through a real Node-RED runtime (test helper) with the real config
// node and client, against the simulator's scenario on 127.0.0.1: the monitor's figures must equal
// the simulator's own count of the same calls (GET /_sim/queues), by polling and by webhooks;
// today's counts survive a redeploy through the node's context; contact is set for a caller in the
// phonebook and null for one who is not.
import assert from "node:assert/strict";
import { startSimulator, type Simulator } from "../../src/simulator";
import { forgetSavedStats } from "../../nodes/shared/monitor-extras";
import { helper } from "../support/nodered";
import { loadMonitor, nodeUrl, redeploy, sleep, stopNodeServer, until, type MonitorFlowOptions, type MonitorProbe, type Msg } from "./support";

const KEY = "SIMKEY-stats-91c2";
const QUEUES = ["820", "802", "804"];

interface Figures {
  calls: number;
  answered: number;
  missed: number;
  waiting: number;
  averageWaitSeconds: number;
  averageTalkSeconds: number;
  agentsLoggedIn: number | null;
  agentsFree: number | null;
  agentsTalking: number | null;
}

describe("3cx-monitor queue.stats and caller names (Node-RED + simulator)", function () {
  this.timeout(30000);
  let sim: Simulator;

  before(async () => {
    sim = await startSimulator({ httpsPort: false, accessKey: KEY });
  });
  beforeEach(async () => {
    await sim.reset();
  });
  afterEach(async () => {
    sim.scenario.stop();
    sim.webhooks.target = null;
    await helper.unload();
    // Every case's monitor is "mon": the day's figures of one must not carry into the next.
    forgetSavedStats();
  });
  after(async () => {
    await stopNodeServer();
    await sim.close();
  });

  const truth = async (): Promise<Record<string, Figures>> =>
    ((await (await fetch(`${sim.httpUrl}/_sim/queues`)).json()) as { queues: Record<string, Figures> }).queues;

  /** Plays the scenario for `ms`, then lets every call end. */
  async function playScenario(ms: number): Promise<void> {
    sim.scenario.start({ intervalMs: 120, ringMs: 250, talkMs: 300, missedRatio: 0.3, seed: 21 });
    await sleep(ms);
    sim.scenario.stop();
    await until(() => sim.pbx.calls.list().length === 0, 10000, "every call to end");
  }

  /** The next queue.stats that comes after `t`. */
  async function statsAfter(probe: MonitorProbe, t: number): Promise<Record<string, Figures>> {
    let found: Msg | undefined;
    await until(() => (found = probe.of("queue.stats").find((m) => Date.parse(String(m.payload.at)) > t)) !== undefined, 5000, "a queue.stats after the calls");
    return (found as Msg).payload.queues as Record<string, Figures>;
  }

  function assertMatches(got: Record<string, Figures>, want: Record<string, Figures>, agents: boolean): void {
    let total = 0;
    for (const q of QUEUES) {
      const g = got[q];
      const w = want[q];
      assert.ok(g, `queue ${q} reported`);
      assert.deepEqual([g.calls, g.answered, g.missed, g.waiting], [w.calls, w.answered, w.missed, w.waiting], `queue ${q}: calls, answered, missed, waiting`);
      // The WebAPI prints whole seconds and polling sees an end up to one interval late.
      assert.ok(Math.abs(g.averageWaitSeconds - w.averageWaitSeconds) <= 1, `queue ${q} wait ${g.averageWaitSeconds} vs ${w.averageWaitSeconds}`);
      assert.ok(Math.abs(g.averageTalkSeconds - w.averageTalkSeconds) <= 1, `queue ${q} talk ${g.averageTalkSeconds} vs ${w.averageTalkSeconds}`);
      if (agents) assert.deepEqual([g.agentsLoggedIn, g.agentsFree, g.agentsTalking], [w.agentsLoggedIn, w.agentsFree, w.agentsTalking], `queue ${q} agents`);
      else assert.equal(g.agentsLoggedIn, null);
      total += g.calls;
    }
    assert.ok(total >= 6, `the scenario sent ${total} queue calls`);
    assert.ok(QUEUES.some((q) => got[q].missed > 0) && QUEUES.some((q) => got[q].answered > 0), "answered and missed calls both seen");
  }

  const pollOpts = (props: Record<string, unknown> = {}): MonitorFlowOptions => ({
    fqdn: sim.httpUrl, accessKey: KEY, props: { source: "poll", interval: 0.05, queues: QUEUES.join(","), statsInterval: 0.2, ...props },
  });

  it("polling: the figures equal the simulator's own count; a redeploy keeps today's counts", async () => {
    let probe = await loadMonitor(pollOpts());
    await sleep(200);
    await playScenario(3000);
    const t = Date.now() + 100;
    const want = await truth();
    assertMatches(await statsAfter(probe, t), want, true);
    // The same flow deployed again: new nodes, the day's counts from the context.
    probe = await redeploy(pollOpts());
    const snap = await probe.ask("snapshot");
    const after = (snap.payload.queueStats as { queues: Record<string, Figures> }).queues;
    for (const q of QUEUES) assert.deepEqual([after[q].calls, after[q].answered, after[q].missed], [want[q].calls, want[q].answered, want[q].missed], `queue ${q} after the redeploy`);
    await until(() => probe.of("queue.stats").length > 0, 2000, "a queue.stats right after the snapshot");
  });

  it("webhooks: the figures equal the simulator's own count (no agent figures from webhooks)", async () => {
    const base = await nodeUrl();
    const probe = await loadMonitor({ props: { source: "webhook", path: "/stats-hook", statsInterval: 0.2 } });
    sim.webhooks.target = { url: `${base}/stats-hook`, method: "POST" };
    await playScenario(3000);
    await sim.webhooks.idle();
    const t = Date.now() + 100;
    assertMatches(await statsAfter(probe, t), await truth(), false);
  });

  it("statistics off (0, the default): no queue.stats and no queueStats in a snapshot", async () => {
    const probe = await loadMonitor(pollOpts({ statsInterval: 0 }));
    const snap = await probe.ask("snapshot");
    assert.equal("queueStats" in snap.payload, false);
    await sleep(300);
    assert.equal(probe.of("queue.stats").length, 0);
  });

  it("a time zone that does not exist is an error naming the field; events still flow", async () => {
    const probe = await loadMonitor(pollOpts({ timeZone: "Europe/Atlantis" }));
    await until(() => probe.errors.length > 0, 2000, "an error");
    // The test helper loads no message catalogs: the label shows as its key there.
    assert.match(String(probe.errors[0]), /(Time zone|label\.timeZone): "Europe\/Atlantis" is not an IANA time zone/);
    await sleep(200);
    sim.pbx.inboundCall({ from: "420774852529", to: "101", timing: { ringMs: 5000 } });
    await until(() => probe.of("call.started").length > 0, 3000, "call.started");
  });

  it("lookupCallers: a caller in the phonebook gets contact, an unknown one null; each number asked once", async () => {
    const probe = await loadMonitor(pollOpts({ lookupCallers: true, statsInterval: 0 }));
    await sleep(200);
    sim.pbx.inboundCall({ from: "420774852529", to: "101", timing: { ringMs: 400 } });
    sim.pbx.inboundCall({ from: "420999888777", to: "102", timing: { ringMs: 400 } });
    await until(() => probe.of("call.answered").length >= 2, 5000, "both calls answered");
    const started = probe.of("call.started");
    const known = started.find((m) => m.payload.callerid === "420774852529");
    const unknown = started.find((m) => m.payload.callerid === "420999888777");
    assert.deepEqual(known?.payload.contact, { id: 1, name: "John", lastName: "Doe", company: "Doe Consulting" });
    assert.equal(unknown?.payload.contact, null);
    for (const m of probe.msgs.filter((x) => x.topic.startsWith("call."))) assert.ok("contact" in m.payload, `${m.topic} carries contact`);
    const finds = sim.requests.filter((r) => r.method === "contact.find").map((r) => r.params.num).sort();
    assert.deepEqual(finds, ["420774852529", "420999888777"], "one look-up per number for the call's events");
  });

  it("lookupCallers on a webhook monitor without a PBX: a warning naming the field, events without contact", async () => {
    const base = await nodeUrl();
    const probe = await loadMonitor({ props: { source: "webhook", path: "/no-pbx-hook", lookupCallers: true } });
    await until(() => probe.warnings.length > 0, 2000, "a warning");
    assert.match(probe.warnings[0], /lookupNoServer|Caller names need a PBX/);
    await fetch(`${base}/no-pbx-hook?event=ringing&callerid=420774852529&user=101&usertype=ext&id=261201100000_9-0`);
    await until(() => probe.of("call.ringing").length > 0, 2000, "call.ringing");
    assert.equal("contact" in probe.of("call.ringing")[0].payload, false);
  });

  it("lookupCallers off (the default): no contact, no phonebook request", async () => {
    const probe = await loadMonitor(pollOpts({ statsInterval: 0 }));
    await sleep(200);
    sim.pbx.inboundCall({ from: "420774852529", to: "101", timing: { ringMs: 5000 } });
    await until(() => probe.of("call.started").length > 0, 3000, "call.started");
    assert.equal("contact" in probe.of("call.started")[0].payload, false);
    assert.equal(sim.requests.some((r) => r.method.startsWith("contact.")), false);
  });
});
