// Out of the box the simulator answers every example request of the vendor's method list with the
// example's JSON, field by field (each on a freshly reset simulator, since writes change state).
import assert from "node:assert/strict";
import { METHODS } from "../../src/catalog";
import { startSimulator, type Simulator } from "../../src/simulator";
import { HANDLERS } from "../../src/simulator/api/handlers";
import { loadSeedExamples } from "../support/seed";
import { call } from "./helpers";

describe("simulator: seed examples", () => {
  const examples = loadSeedExamples();
  let sim: Simulator;

  before(async () => {
    sim = await startSimulator({ httpsPort: false });
  });
  after(() => sim.close());
  beforeEach(() => sim.reset());

  it("has a handler for every catalog method, and nothing else", () => {
    assert.deepEqual(Object.keys(HANDLERS).sort(), METHODS.map((m) => m.name).sort());
  });

  it("covers all 46 seed examples", () => {
    assert.equal(examples.length, 46);
  });

  for (const ex of examples) {
    const query = Object.entries(ex.params).map(([k, v]) => `${k}=${v}`).join("&");
    it(`${ex.method}${query ? `?${query}` : ""} answers the seed JSON`, async () => {
      const res = await call(sim, ex.method, ex.params);
      assert.equal(res.status, 200, res.text);
      assert.match(String(res.headers["content-type"]), /^application\/json/);
      assert.deepStrictEqual(res.json, ex.response);
    });
  }

  it("serves the seed's contradictory live snapshot until the first call change", async () => {
    assert.deepEqual((await call(sim, "pbx.calls.get")).json, { result: 5 });
    await call(sim, "makecall", { first: "101", second: "102" });
    const count = (await call(sim, "pbx.calls.get")).json as { result: number };
    const info = (await call(sim, "pbx.callsinfo.get")).json as { callsInfo: Array<{ callID: number }> };
    const ac = (await call(sim, "pbx.ac.get")).json as { AConnByCallID: Array<{ callID: number }> };
    // Computed now: the seed's callsinfo calls stay, the ac-only 46883 is gone, the new call is there.
    assert.equal(count.result, 3);
    assert.deepEqual(info.callsInfo.map((c) => c.callID).slice(0, 2), [46874, 46864]);
    assert.deepEqual(ac.AConnByCallID.map((c) => c.callID), info.callsInfo.map((c) => c.callID));
    const talk = (await call(sim, "queue.talk.get", { num: "802" })).json;
    assert.deepEqual(talk, { count: 0, members: [] });
  });
});
