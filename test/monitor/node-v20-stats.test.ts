// queue.stats on `source: v20` through a real Node-RED runtime (test helper, real config node on
// api v20) against the simulator's V20 mode on 127.0.0.1: the queue DN's participants come over the
// Call Control WebSocket, and the monitor's figures must equal the simulator's own count of the
// same calls (GET /_sim/queues): one answered after a wait, one missed, one still waiting.
import assert from "node:assert/strict";
import { forgetSavedStats } from "../../nodes/shared/monitor-extras";
import { startSimulator, type Simulator } from "../../src/simulator";
import { helper, nodeModule } from "../support/nodered";
import { MonitorProbe, monitorModule, until, type Msg } from "./support";

const API_KEY = "V20-stats+Key/Secret=Zz4";
const QUEUE = "820";

interface Figures { calls: number; answered: number; missed: number; waiting: number; averageWaitSeconds: number; averageTalkSeconds: number }

describe("3cx-monitor v20 source: queue.stats (Node-RED + simulator)", function () {
  this.timeout(30000);
  let sim: Simulator;
  before(async () => {
    sim = await startSimulator({ httpsPort: false, v20: { apiKey: API_KEY } });
  });
  afterEach(async () => {
    await helper.unload();
    forgetSavedStats();
  });
  after(() => sim.close());

  const truth = async (): Promise<Record<string, Figures>> =>
    ((await (await fetch(`${sim.httpUrl}/_sim/queues`)).json()) as { queues: Record<string, Figures> }).queues;

  it("a queue call answered after a wait, one missed, one waiting: the figures equal the simulator's count", async () => {
    await sim.reset();
    await helper.load([nodeModule("3cx-config"), monitorModule], [
      { id: "f1", type: "tab", label: "v20 stats" },
      { id: "cfg", type: "3cx-config", name: "pbx", fqdn: sim.httpUrl, api: "v20", clientId: sim.v20.clientId, timeout: 3000 },
      { id: "mon", z: "f1", type: "3cx-monitor", server: "cfg", source: "v20", queues: QUEUE, statsInterval: 0.2, wires: [["out"]] },
      { id: "out", z: "f1", type: "helper" },
    ], { cfg: { accessKey: API_KEY } });
    const probe = new MonitorProbe();
    await until(() => sim.v20.sockets >= 1 && probe.statuses.some((s) => /connected$/.test(s.text ?? "") && !/dis/.test(s.text ?? "")), 8000, "connected");
    // The resync after the connect tells the monitor the queue DN's type (Wqueue) before any call.
    await until(() => probe.of("queue.stats").length > 0, 3000, "a first queue.stats");

    const answered = sim.pbx.inboundCall({ from: "420774852529", to: QUEUE, timing: { ringMs: 1200, talkMs: 600 } });
    sim.pbx.inboundCall({ from: "420111222333", to: QUEUE, answer: false, timing: { ringMs: 400 } });
    await until(() => probe.of("call.ended").some((m) => m.payload.missed === true), 5000, "the missed call to end");
    await until(() => !sim.pbx.calls.get(answered.callID), 5000, "the answered call to end");
    await until(() => probe.of("call.ended").length >= 2, 3000, "both call.ended");
    sim.pbx.inboundCall({ from: "420999888777", to: QUEUE, answer: false, timing: { ringMs: 20000 } });
    await until(() => sim.v20.pushed > 0 && probe.of("call.ringing").filter((m) => m.payload.usertype === "queue").length >= 3, 3000, "the third call ringing in the queue");

    // Each queue call's ringing is the queue DN's own participant, pushed over the socket.
    for (const m of probe.of("call.ringing").filter((x) => x.payload.usertype === "queue")) {
      assert.equal(m.payload.dnNum, QUEUE);
      assert.equal(typeof m.payload.participantId, "number");
    }
    const want = (await truth())[QUEUE];
    const t = Date.now();
    let found: Msg | undefined;
    await until(() => (found = probe.of("queue.stats").find((m) => Date.parse(String(m.payload.at)) > t)) !== undefined, 3000, "a queue.stats after the calls");
    const got = ((found as Msg).payload.queues as Record<string, Figures>)[QUEUE];
    assert.ok(got, `queue ${QUEUE} reported: ${JSON.stringify((found as Msg).payload)}`);
    assert.deepEqual([want.calls, want.answered, want.missed, want.waiting], [3, 1, 1, 1], "the simulator's own count");
    assert.deepEqual([got.calls, got.answered, got.missed, got.waiting], [want.calls, want.answered, want.missed, want.waiting], "calls, answered, missed, waiting");
    // The simulator counts exact ms; the monitor from the pushed events, a REST round trip later.
    assert.ok(Math.abs(got.averageWaitSeconds - want.averageWaitSeconds) <= 1, `wait ${got.averageWaitSeconds} vs ${want.averageWaitSeconds}`);
    assert.ok(Math.abs(got.averageTalkSeconds - want.averageTalkSeconds) <= 1, `talk ${got.averageTalkSeconds} vs ${want.averageTalkSeconds}`);
  });
});
