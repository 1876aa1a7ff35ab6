// SPEC §4 through a real Node-RED runtime against the simulator, for each action node: node value
// beats msg, msg fills blanks, a lone value for the sole required parameter, unknown keys not sent,
// missing required parameters, values that must arrive intact and alone, msg.method rules, Catch
// with a code, the status walk, and the TypedInput sources.
import assert from "node:assert/strict";
import { fieldProp, typeProp } from "../../../src/operations/offers";
import { helper, loadAction, requestsOf, type HomeType, useSimulator } from "./support";

/** Per node: a method with a required text parameter `key` and a second parameter `other`. */
interface Case {
  type: HomeType;
  method: string;
  key: string;
  other: string;
  /** A method of this node with exactly one required parameter, that parameter and a value the PBX knows. */
  sole: [string, string, string | number];
  /** A method of another node. */
  foreign: string;
  /** The rest of a valid request, where the method needs more. */
  base?: Record<string, string>;
}

const CASES: Case[] = [
  { type: "3cx-call", method: "drop", key: "num", other: "external", sole: ["join", "num", "102"], foreign: "ext.state.get" },
  { type: "3cx-ext", method: "ext.fwd.set", key: "num", other: "message", sole: ["ext.state.get", "num", "102"], foreign: "queue.members.get" },
  { type: "3cx-queue", method: "queue.update", key: "num", other: "name", sole: ["queue.members.get", "num", "802"], foreign: "ext.info.get" },
  { type: "3cx-contact", method: "contact.find", key: "num", other: "min_len", sole: ["contact.get", "id", 4], foreign: "info" },
  { type: "3cx-pbx", method: "group.members.set", key: "num", other: "members", sole: ["extgroup.members.get", "name", "__DEFAULT__"], foreign: "makecall",
    base: { members: "101" } },
];

const field = (param: string, value: string, type = "str"): Record<string, string> =>
  ({ [fieldProp(param)]: value, [typeProp(param)]: type });

describe("action nodes: parameter resolution and msg.method", function () {
  const ctx = useSimulator(undefined, false); // lenient: these tests send numbers the PBX does not have (resolution, not the PBX, is under test)

  for (const c of CASES) {
    const otherValue = c.other === "min_len" ? "3" : c.other === "members" ? "101,103" : "x";
    describe(c.type, () => {
      it("a node value beats msg.payload", async () => {
        const flow = await loadAction(c.type, ctx.sim, { props: { method: c.method, ...field(c.key, "102") } });
        await flow.send({ payload: { ...c.base, [c.key]: "999" } });
        assert.equal(requestsOf(ctx.sim, c.method)[0][c.key], "102");
      });

      it("msg.payload fills blank fields", async () => {
        const flow = await loadAction(c.type, ctx.sim, { props: { method: c.method, ...field(c.key, "102") } });
        await flow.send({ payload: { ...c.base, [c.other]: otherValue } });
        assert.deepEqual(requestsOf(ctx.sim, c.method), [{ ...c.base, [c.key]: "102", [c.other]: otherValue }]);
      });

      it("a lone string or number is the sole required parameter", async () => {
        const [method, param, value] = c.sole;
        const flow = await loadAction(c.type, ctx.sim, { props: { method } });
        await flow.send({ payload: value });
        assert.deepEqual(requestsOf(ctx.sim, method), [{ [param]: String(value) }]);
      });

      it("keys of msg.payload that are not parameters are not sent", async () => {
        const flow = await loadAction(c.type, ctx.sim, { props: { method: c.method } });
        await flow.send({ payload: { ...c.base, [c.key]: "102", foo: "bar", key: "x", method: "y", toString: "z" } });
        assert.deepEqual(requestsOf(ctx.sim, c.method), [{ ...c.base, [c.key]: "102" }]);
      });

      it("a missing required parameter errors naming the field, and nothing is sent", async () => {
        const flow = await loadAction(c.type, ctx.sim, { props: { method: c.method } });
        const err = await flow.fail({ payload: { ...c.base, [c.other]: otherValue } });
        assert.equal(err.code, "BAD_PARAM");
        assert.match(err.message, new RegExp(`^ParamError: ${c.method.replace(/\./g, "\\.")}: ${c.key} is required`));
        assert.equal(ctx.sim.requests.length, 0);
        assert.deepEqual(flow.statuses.at(-1), { fill: "red", shape: "ring", text: "BAD_PARAM" });
      });

      it("after an answered message, one missing the required parameter still reaches Catch; the next is answered", async () => {
        const flow = await loadAction(c.type, ctx.sim, { props: { method: c.method } });
        await flow.send({ payload: { ...c.base, [c.key]: "102" } });
        const err = await flow.fail({ payload: { ...c.base, [c.other]: otherValue } });
        assert.equal(err.code, "BAD_PARAM");
        await flow.send({ payload: { ...c.base, [c.key]: "103" } });
        assert.deepEqual(requestsOf(ctx.sim, c.method).map((r) => r[c.key]), ["102", "103"]);
      });

      it("a value with & = # / spaces and non-ASCII arrives intact and alone", async () => {
        const nasty = "a&b=c#d/e f?g+h%20 ü 日本";
        const text = c.other === "min_len" || c.other === "members" ? c.key : c.other;
        const flow = await loadAction(c.type, ctx.sim, { props: { method: c.method } });
        await flow.send({ payload: { ...c.base, [c.key]: "102", [text]: nasty } });
        assert.deepEqual(requestsOf(ctx.sim, c.method), [{ ...c.base, [c.key]: "102", [text]: nasty }]);
      });

      it("msg.method is used when the node's method is blank", async () => {
        const [method, param, value] = c.sole;
        const flow = await loadAction(c.type, ctx.sim, { props: { method: "" } });
        const out = await flow.send({ method, payload: { [param]: value } });
        assert.equal(requestsOf(ctx.sim, method).length, 1);
        assert.equal((out.threecx as { method: string }).method, method);
        assert.deepEqual(flow.warnings, []);
      });

      it("msg.method must be one of this node's methods", async () => {
        const flow = await loadAction(c.type, ctx.sim, { props: { method: "" } });
        const err = await flow.fail({ method: c.foreign, payload: { num: "102" } });
        assert.equal(err.code, "BAD_PARAM");
        assert.match(err.message, new RegExp(`msg.method "${c.foreign.replace(/\./g, "\\.")}" is not one of this node's methods`));
        const loop: Record<string, unknown> = { name: "loop" };
        loop.self = loop;
        for (const odd of [loop, 12n, ["x"], 7]) {
          const e = await flow.fail({ method: odd, payload: { num: "102" } });
          assert.equal(e.code, "BAD_PARAM", typeof odd);
        }
        const none = await flow.fail({ payload: { num: "102" } });
        assert.match(none.message, /no method/);
        assert.equal(ctx.sim.requests.length, 0);
      });

      it("the node's method wins over a different msg.method, with a warning", async () => {
        const [method, param, value] = c.sole;
        const flow = await loadAction(c.type, ctx.sim, { props: { method } });
        await flow.send({ method: c.foreign, payload: { [param]: value } });
        assert.equal(requestsOf(ctx.sim, method).length, 1);
        assert.equal(ctx.sim.requests.length, 1);
        assert.equal(flow.warnings.length, 1);
        assert.match(flow.warnings[0], /methodIgnored/);
        await flow.send({ method, payload: { [param]: value } });
        assert.equal(flow.warnings.length, 1, "no warning when msg.method is the node's method");
      });

      it("an error reaches a Catch node with its code; the status walks requesting → error", async () => {
        const [method, param, value] = c.sole;
        const flow = await loadAction(c.type, ctx.sim, { props: { method } });
        await ctx.sim.faults.set({ status: 503, body: '{"error":"busy"}', contentType: "application/json" });
        const err = await flow.fail({ payload: { [param]: value } });
        assert.equal(err.code, "HTTP_503");
        assert.match(err.message, new RegExp(method.replace(/\./g, "\\.")));
        assert.deepEqual(flow.statuses[0], { fill: "blue", shape: "dot", text: `${c.type}.status.requesting` });
        assert.deepEqual(flow.statuses.at(-1), { fill: "red", shape: "ring", text: "HTTP_503" });
      });

      it("the status walks requesting → a short green result; done() is called", async () => {
        const [method, param, value] = c.sole;
        const flow = await loadAction(c.type, ctx.sim, { props: { method } });
        const completed = flow.next(flow.completed);
        await flow.send({ payload: { [param]: value } });
        await completed;
        assert.equal(flow.statuses.length, 2);
        assert.deepEqual(flow.statuses[0], { fill: "blue", shape: "dot", text: `${c.type}.status.requesting` });
        assert.equal(flow.statuses[1].fill, "green");
        assert.equal(flow.statuses[1].shape, "dot");
        assert.ok((flow.statuses[1].text ?? "").length <= 20);
      });
    });
  }

  describe("encoding", () => {
    it("booleans become on/off or 1/0 as the method expects; numbers their decimal text", async () => {
      let flow = await loadAction("3cx-ext", ctx.sim, { props: { method: "ext.options.set", ...field("enabled", "true", "bool") } });
      await flow.send({ payload: { num: "102", external: false } });
      assert.deepEqual(requestsOf(ctx.sim, "ext.options.set"), [{ num: "102", enabled: "on", external: "off" }]);
      await helper.unload();
      flow = await loadAction("3cx-ext", ctx.sim, { props: { method: "ext.update", ...field("enabled", "true", "choice") } });
      await flow.send({ payload: { num: "102", vmenabled: false, noanswertimeout: 20 } });
      assert.deepEqual(requestsOf(ctx.sim, "ext.update"), [{ num: "102", enabled: "1", vmenabled: "0", noanswertimeout: "20" }]);
    });

    it("arrays become comma lists (from msg and from a JSON field)", async () => {
      let flow = await loadAction("3cx-queue", ctx.sim, { props: { method: "queue.agents.set" } });
      await flow.send({ payload: { num: "807", members: [101, "103"] } });
      await helper.unload();
      flow = await loadAction("3cx-pbx", ctx.sim, { props: { method: "group.members.set", ...field("members", "[\"520\",521]", "json") } });
      await flow.send({ payload: { num: "945" } });
      assert.deepEqual(requestsOf(ctx.sim, "queue.agents.set"), [{ num: "807", members: "101,103" }]);
      assert.deepEqual(requestsOf(ctx.sim, "group.members.set"), [{ num: "945", members: "520,521" }]);
    });

    it("values already in the WebAPI's encoding are sent as they are", async () => {
      const flow = await loadAction("3cx-ext", ctx.sim, { props: { method: "ext.queueglobal.set" } });
      await flow.send({ payload: { num: "102", log: "off" } });
      assert.deepEqual(requestsOf(ctx.sim, "ext.queueglobal.set"), [{ num: "102", log: "off" }]);
    });

    it("an enumeration is checked before anything is sent", async () => {
      const flow = await loadAction("3cx-queue", ctx.sim, { props: { method: "queue.update", ...field("pollingstrategy", "2", "choice") } });
      const err = await flow.fail({ payload: { num: "813" } });
      assert.equal(err.code, "BAD_PARAM");
      assert.match(err.message, /^ParamError: queue\.update: pollingstrategy must be one of/);
      assert.equal(ctx.sim.requests.length, 0);
    });
  });

  describe("field sources", () => {
    it("reads msg, flow, global, env and JSONata fields per message", async () => {
      process.env.THREECX_TEST_EXT = "105";
      const flow = await loadAction("3cx-ext", ctx.sim, {
        props: {
          method: "ext.update",
          ...field("num", "env.ext", "msg"),
          ...field("firstname", "first", "flow"),
          ...field("lastname", "last", "global"),
          ...field("email", "payload.user & '@example.com'", "jsonata"),
          ...field("mobile", "THREECX_TEST_EXT", "env"),
        },
      });
      flow.node.context().flow.set("first", "Ada");
      flow.node.context().global.set("last", "Lovelace");
      await flow.send({ env: { ext: "102" }, payload: { user: "ada" } });
      assert.deepEqual(requestsOf(ctx.sim, "ext.update"), [
        { num: "102", firstname: "Ada", lastname: "Lovelace", email: "ada@example.com", mobile: "105" },
      ]);
      delete process.env.THREECX_TEST_EXT;
    });

    it("a msg field whose property is missing is blank, so msg.payload fills it", async () => {
      const flow = await loadAction("3cx-ext", ctx.sim, { props: { method: "ext.state.get", ...field("num", "nothing.here", "msg") } });
      await flow.send({ payload: { num: "103" } });
      assert.deepEqual(requestsOf(ctx.sim, "ext.state.get"), [{ num: "103" }]);
    });

    it("a broken JSONata field errors naming the field when used", async () => {
      const flow = await loadAction("3cx-ext", ctx.sim, { props: { method: "ext.state.get", ...field("num", "$$$(", "jsonata") } });
      const err = await flow.fail({ payload: {} });
      assert.equal(err.code, "BAD_PARAM");
      assert.match(err.message, /^ParamError: ext\.state\.get: num is not a valid jsonata expression \(.*[a-z]/);
      assert.equal(ctx.sim.requests.length, 0);
    });
  });

  describe("configuration", () => {
    it("a node without a config node errors with BAD_CONFIG and says so in its status", async () => {
      const flow = await loadAction("3cx-pbx", ctx.sim, { noServer: true, props: { method: "info" } });
      const err = await flow.fail({ payload: {} });
      assert.equal(err.code, "BAD_CONFIG");
      assert.match(err.message, /no 3CX PBX selected: choose one/);
      assert.equal(flow.statuses[0].fill, "red");
      assert.equal(ctx.sim.requests.length, 0);
    });

    it("a method that is not the node's own is a clear error", async () => {
      const flow = await loadAction("3cx-pbx", ctx.sim, { props: { method: "makecall" } });
      const err = await flow.fail({ payload: {} });
      assert.equal(err.code, "BAD_PARAM");
      assert.match(err.message, /method "makecall" is not one of this node's methods/);
      assert.equal(ctx.sim.requests.length, 0);
    });
  });
});
