// Every method of every action node, with the seed's example parameters, through a real Node-RED
// runtime against the simulator: the seed's request is sent and the simulator's answer (the seed's
// example answer, for a fresh simulator) comes out unchanged — once from msg.payload, once from
// node fields. "Check numbers" is off here (the harness's default): the seed writes to queues 807
// and 813 and extension 300, which its own list answers lack (README, "Check numbers").
import assert from "node:assert/strict";
import { getMethod, type MethodSpec } from "../../../src/catalog";
import { fieldProp, typeProp } from "../../../src/operations/offers";
import { loadSeedExamples, type SeedExample } from "../../support/seed";
import { loadAction, requestsOf, type HomeType, useSimulator } from "./support";

/** The request the seed shows, as sent: blank values (the seed's bare `status`) are not sent. */
function expectedParams(example: SeedExample): Record<string, string> {
  return Object.fromEntries(Object.entries(example.params).filter(([, v]) => v !== ""));
}

function homeOf(example: SeedExample): { type: HomeType; spec: MethodSpec } {
  const spec = getMethod(example.method);
  assert.ok(spec, example.method);
  return { type: `3cx-${spec.node}` as HomeType, spec };
}

describe("action nodes: every seed method", function () {
  const seed = loadSeedExamples();
  const ctx = useSimulator();

  it("covers the seed's 46 methods", () => {
    assert.equal(seed.length, 46);
  });

  for (const example of seed) {
    it(`${example.method}: msg.payload → the seed's request and answer`, async () => {
      const { type } = homeOf(example);
      const flow = await loadAction(type, ctx.sim, { props: { method: example.method } });
      const out = await flow.send({ payload: { ...example.params }, topic: "keep" });
      assert.deepEqual(requestsOf(ctx.sim, example.method), [expectedParams(example)]);
      assert.deepEqual(out.payload, example.response);
      assert.equal(out.topic, "keep", "the rest of msg passes through");
      const threecx = out.threecx as { method: string; params: Record<string, string>; durationMs: number };
      assert.equal(threecx.method, example.method);
      assert.deepEqual(threecx.params, expectedParams(example));
      assert.equal(typeof threecx.durationMs, "number");
    });

    it(`${example.method}: node fields → the seed's request`, async () => {
      const { type, spec } = homeOf(example);
      const props: Record<string, unknown> = { method: example.method };
      for (const p of spec.params) {
        const v = example.params[p.name];
        if (v === undefined) continue;
        props[fieldProp(p.name)] = v;
        props[typeProp(p.name)] = "str";
      }
      const flow = await loadAction(type, ctx.sim, { props });
      const out = await flow.send({ payload: {} });
      assert.deepEqual(requestsOf(ctx.sim, example.method), [expectedParams(example)]);
      assert.deepEqual(out.payload, example.response);
    });
  }
});
