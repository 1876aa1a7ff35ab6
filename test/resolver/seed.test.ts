// The vendor's example requests, given as node fields or as msg.payload, resolve to exactly the
// example's parameters. A blank example value (ext.fwd.set's bare `status`) is not sent: blank
// means "not set" everywhere in the resolver.
import assert from "node:assert/strict";
import { getMethod } from "../../src/catalog";
import { resolveParams } from "../../src/resolver";
import { loadSeedExamples } from "../support/seed";

describe("resolver: seed examples", () => {
  const examples = loadSeedExamples();

  it("has the seed's examples", () => assert.ok(examples.length >= 45, `${examples.length} examples`));

  for (const ex of examples) {
    it(`${ex.method} resolves to the example's parameters`, () => {
      const m = getMethod(ex.method);
      assert.ok(m, `catalog has ${ex.method}`);
      const expected = Object.fromEntries(Object.entries(ex.params).filter(([, v]) => v !== ""));
      assert.deepEqual(resolveParams(m, ex.params, undefined), expected, "as node fields");
      assert.deepEqual(resolveParams(m, {}, ex.params), expected, "as msg.payload");
      // Every parameter the example writes is one of the method's (so none is dropped silently).
      for (const [k] of ex.rawParams) assert.ok(m.params.some((p) => p.name === k), `${ex.method} knows ${k}`);
    });
  }

  it("ext.fwd.set's bare status is not sent", () => {
    const ex = examples.find((e) => e.method === "ext.fwd.set");
    assert.ok(ex);
    assert.equal(ex.params.status, "");
    assert.deepEqual(resolveParams(getMethod("ext.fwd.set")!, {}, ex.params), { num: "102", message: "Custom message" });
  });
});
