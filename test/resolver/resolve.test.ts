import assert from "node:assert/strict";
import { METHODS } from "../../src/catalog";
import { resolveParams, soleRequiredParam } from "../../src/resolver";
import { method, paramError } from "./support";

describe("resolver: resolveParams", () => {
  const state = method("ext.state.get"); // one required: num
  const queueSet = method("ext.queue.set"); // num, queue, log — all required
  const fwd = method("ext.fwd.set"); // num required; status, message optional

  it("a non-blank node field wins over msg.payload", () => {
    assert.deepEqual(resolveParams(state, { num: "101" }, { num: "202" }), { num: "101" });
    assert.deepEqual(resolveParams(state, { num: 0 }, { num: "202" }), { num: "0" });
    assert.deepEqual(resolveParams(method("ext.options.set"), { num: "1", enabled: false }, { enabled: true }), {
      num: "1",
      enabled: "off",
    });
  });

  it("a blank node field (undefined, null, \"\") takes msg.payload.<param>", () => {
    for (const blank of [undefined, null, ""]) {
      assert.deepEqual(resolveParams(state, { num: blank }, { num: "202" }), { num: "202" });
    }
    assert.deepEqual(resolveParams(queueSet, { num: "101" }, { queue: 802, log: true }), { num: "101", queue: "802", log: "on" });
  });

  it("a blank payload value is not a value either", () => {
    paramError(() => resolveParams(state, { num: "" }, { num: "" }), "num");
    paramError(() => resolveParams(state, {}, { num: null }), "num");
  });

  it("a string or number payload is the one required parameter", () => {
    assert.deepEqual(resolveParams(state, {}, "102"), { num: "102" });
    assert.deepEqual(resolveParams(state, {}, 102), { num: "102" });
    assert.deepEqual(resolveParams(state, { num: "101" }, "102"), { num: "101" }, "the node field still wins");
    assert.equal(soleRequiredParam(state)?.name, "num");
    // ext.fwd.set has one required parameter among optional ones: the bare payload is num.
    assert.deepEqual(resolveParams(fwd, { status: "Away" }, 102), { num: "102", status: "Away" });
  });

  it("a bare payload is ignored when the method has no or several required parameters", () => {
    assert.equal(soleRequiredParam(queueSet), undefined);
    paramError(() => resolveParams(queueSet, {}, "102"), "num");
    assert.deepEqual(resolveParams(method("pbx.calls.get"), {}, "whatever"), {});
    assert.deepEqual(resolveParams(method("contact.new"), {}, "Smith"), {});
  });

  it("other payload types are not a parameter (booleans, arrays, Buffers, class instances)", () => {
    paramError(() => resolveParams(state, {}, true), "num");
    paramError(() => resolveParams(state, {}, ["102"]), "num");
    paramError(() => resolveParams(state, {}, Buffer.from("102")), "num");
    paramError(() => resolveParams(state, {}, new Map([["num", "102"]])), "num");
    class Msg { num = "102"; }
    paramError(() => resolveParams(state, {}, new Msg()), "num", /msg\.payload itself$/);
  });

  it("a null-prototype payload object is read", () => {
    const p = Object.create(null) as Record<string, unknown>;
    p.num = "103";
    assert.deepEqual(resolveParams(state, {}, p), { num: "103" });
  });

  it("keys of msg.payload that are not parameters of the method are not sent", () => {
    const out = resolveParams(state, { other: "x" }, { num: "102", queue: "802", log: "on", topic: "t", key: "k" });
    assert.deepEqual(out, { num: "102" });
  });

  it("prototype keys and inherited values are ignored, getters are not run", () => {
    const proto = { num: "999" };
    paramError(() => resolveParams(state, {}, Object.create(proto)), "num");
    const polluted = JSON.parse('{"__proto__": {"num": "999"}, "constructor": {"num": "998"}}') as unknown;
    paramError(() => resolveParams(state, {}, polluted), "num");
    paramError(() => resolveParams(state, Object.create(proto) as Record<string, unknown>, {}), "num");
    let ran = false;
    const getter = Object.defineProperty({}, "num", { enumerable: true, get: () => { ran = true; throw new Error("boom"); } });
    paramError(() => resolveParams(state, {}, getter), "num");
    assert.equal(ran, false);
    assert.equal(({} as Record<string, unknown>).num, undefined, "nothing was polluted");
  });

  it("blank optional parameters are not sent", () => {
    assert.deepEqual(resolveParams(fwd, { num: "102", status: "", message: undefined }, { message: null }), { num: "102" });
  });

  it("a missing required parameter names the field, its meaning and where to set it", () => {
    paramError(() => resolveParams(queueSet, { num: "101", log: "on" }, {}), "queue",
      "queue is required (queue number): set it in the node or as msg.payload.queue");
    paramError(() => resolveParams(state, {}, undefined), "num",
      "num is required (extension number): set it in the node, as msg.payload.num or as msg.payload itself");
    paramError(() => resolveParams(method("makecall"), { first: "101" }, {}), "second", /^second is required \(number to connect to/);
  });

  it("an invalid value names the field, whichever source it came from", () => {
    paramError(() => resolveParams(queueSet, { num: "1", queue: "2", log: "maybe" }, {}), "log", 'log must be on/off or true/false, got "maybe"');
    paramError(() => resolveParams(queueSet, { num: "1", queue: "2" }, { log: "maybe" }), "log", /got "maybe"$/);
    paramError(() => resolveParams(state, {}, NaN), "num", /got NaN$/);
  });

  it("returns parameters in catalog order with only catalog names, for every method", () => {
    for (const m of METHODS) {
      const values: Record<string, unknown> = {};
      for (const p of m.params) {
        values[p.name] = p.type === "boolean" ? true : p.type === "number" ? (p.min ?? 0) : p.type === "enum" ? p.values[0].value : p.type === "list" ? [1, 2] : "x";
      }
      const out = resolveParams(m, values, { unknown: "1" });
      assert.deepEqual(Object.keys(out), m.params.map((p) => p.name), m.name);
    }
  });
});
