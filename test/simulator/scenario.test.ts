// Scenario mode: generated calls ring, talk and end in the callsinfo view; the same seed plays the
// same actions.
import assert from "node:assert/strict";
import { startSimulator, type Simulator } from "../../src/simulator";
import { call, waitFor } from "./helpers";

interface InfoCall {
  callID: number;
  state: string;
}

describe("simulator: scenario mode", () => {
  const sims: Simulator[] = [];
  const start = async (...args: Parameters<typeof startSimulator>) => {
    const sim = await startSimulator(...args);
    sims.push(sim);
    return sim;
  };
  afterEach(async () => {
    await Promise.all(sims.map((s) => s.close()));
    sims.length = 0;
  });

  it("produces calls that ring, then talk, then end, as pbx.callsinfo.get shows", async () => {
    const sim = await start({ httpsPort: false, scenario: { intervalMs: 30, ringMs: 150, talkMs: 150, seed: 3, missedRatio: 0 } });
    const seen = new Map<number, string[]>();
    const lifecycle = await waitFor(async () => {
      const { callsInfo } = (await call(sim, "pbx.callsinfo.get")).json as { callsInfo: InfoCall[] };
      const live = new Set(callsInfo.map((c) => c.callID));
      for (const c of callsInfo) {
        const states = seen.get(c.callID) ?? [];
        if (states[states.length - 1] !== c.state) states.push(c.state);
        seen.set(c.callID, states);
      }
      for (const [id, states] of seen) {
        if (!live.has(id) && states[states.length - 1] !== "Ended") states.push("Ended");
      }
      return [...seen.values()].find((s) => s.join(">") === "Ringing>Talking>Ended");
    }, 5000, "a generated call to ring, talk and end");
    assert.deepEqual(lifecycle, ["Ringing", "Talking", "Ended"]);
    assert.ok(sim.scenario.running);
    assert.ok(sim.scenario.history.some((h) => /^(inbound|outbound|internal) /.test(h)));
  });

  it("plays the same actions for the same seed, other ones for another seed", async () => {
    // Calls neither get answered nor end within the test, so only the seed decides.
    const opts = { intervalMs: 5, ringMs: 60_000, talkMs: 60_000, missedRatio: 0.3 };
    const a = await start({ httpPort: false, httpsPort: false, scenario: { ...opts, seed: 42 } });
    const b = await start({ httpPort: false, httpsPort: false, scenario: { ...opts, seed: 42 } });
    const c = await start({ httpPort: false, httpsPort: false, scenario: { ...opts, seed: 43 } });
    const first = (s: Simulator) => waitFor(() => (s.scenario.history.length >= 12 ? s.scenario.history.slice(0, 12) : undefined), 3000, "12 actions");
    const [ha, hb, hc] = await Promise.all([first(a), first(b), first(c)]);
    assert.deepEqual(ha, hb);
    assert.notDeepEqual(ha, hc);
  });

  it("also logs agents in and out of queues and changes forwarding profiles", async () => {
    // Calls outlive the test, so the actions depend on the seed only.
    const sim = await start({ httpPort: false, httpsPort: false, scenario: { intervalMs: 2, ringMs: 60_000, talkMs: 60_000, seed: 9 } });
    await waitFor(() => (sim.scenario.history.length >= 40 ? true : undefined), 3000, "40 actions");
    sim.scenario.stop();
    const h = sim.scenario.history;
    assert.ok(h.some((l) => /^agent \d+ logs (in to|out of) \d+$/.test(l)), h.join("\n"));
    assert.ok(h.some((l) => /^extension \d+ profile /.test(l)), h.join("\n"));
    // The logins it reports are what the WebAPI shows.
    const last = [...h].reverse().find((l) => l.startsWith("agent "));
    const [, num, dir, queue] = /^agent (\d+) logs (in to|out of) (\d+)$/.exec(last ?? "") ?? [];
    assert.equal(sim.pbx.extensions.get(num)?.queueLogin[queue], dir === "in to");
  });

  it("can be started and stopped at runtime", async () => {
    const sim = await start({ httpPort: false, httpsPort: false });
    assert.equal(sim.scenario.running, false);
    sim.scenario.start({ intervalMs: 1000, seed: 5 });
    assert.equal(sim.scenario.running, true);
    assert.equal(sim.scenario.history.length, 1, "the first action at once");
    sim.scenario.stop();
    assert.equal(sim.scenario.running, false);
  });
});
