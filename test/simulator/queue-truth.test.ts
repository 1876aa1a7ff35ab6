// The simulator's own count of queue calls (GET /_sim/queues), the ground truth the monitor's
// queue.stats are held to: a call answered after a wait, one missed, one still waiting.
import assert from "node:assert/strict";
import { startSimulator, type Simulator } from "../../src/simulator";
import { call, request, waitFor } from "./helpers";

describe("simulator: queue ground truth", () => {
  let sim: Simulator;
  before(async () => {
    sim = await startSimulator({ httpsPort: false });
  });
  after(() => sim.close());
  beforeEach(() => sim.reset());

  const truth = async () => JSON.parse((await request(`${sim.httpUrl}/_sim/queues`)).body) as {
    day: string; queues: Record<string, Record<string, number>>;
  };

  it("counts calls, answers, misses, waits and talk per queue; agents from the PBX's state", async () => {
    const answered = sim.pbx.inboundCall({ from: "420774852529", to: "820", timing: { ringMs: 300, talkMs: 400 } });
    sim.pbx.inboundCall({ from: "420111222333", to: "820", answer: false, timing: { ringMs: 200 } });
    const before = await truth();
    assert.match(before.day, /^\d{4}-\d\d-\d\d$/);
    assert.deepEqual([before.queues["820"].calls, before.queues["820"].waiting], [2, 2]);
    // 820: 100 and 101 logged in, both ringing now (a call is not free).
    assert.deepEqual([before.queues["820"].agentsLoggedIn, before.queues["820"].agentsFree], [2, 0]);
    await waitFor(() => (sim.pbx.calls.get(answered.callID) ? undefined : true), 3000, "the answered call to end");
    const q = (await truth()).queues["820"];
    assert.deepEqual([q.calls, q.answered, q.missed, q.waiting, q.averageWaitSeconds, q.averageTalkSeconds], [2, 1, 1, 0, 0, 0]);
    assert.deepEqual((await truth()).queues["802"].calls, 0);
    // While waiting, the queue's leg is in routingTo (what the monitor attributes the call by).
    sim.pbx.inboundCall({ from: "420111222333", to: "804", timing: { ringMs: 5000 } });
    const info = (await call(sim, "pbx.callsinfo.get")).json as { callsInfo: Array<{ routingTo: Array<{ dnNum: string; dnType: string }> }> };
    assert.ok(info.callsInfo.some((c) => c.routingTo.some((l) => l.dnNum === "804" && l.dnType === "queue")));
    assert.equal((await truth()).queues["804"].waiting, 1);
  });
});
