// The friendly operations end to end (agent login/logout in 3cx-queue; answer/drop/transfer that
// find the device in 3cx-call), and that their names can never be WebAPI names.
import assert from "node:assert/strict";
import { METHODS } from "../../../src/catalog";
import { offersOf } from "../../../src/operations/offers";
import { OPERATIONS } from "../../../src/operations/operations";
import { loadAction, requestsOf, useSimulator } from "./support";

describe("action nodes: friendly operations", function () {
  const ctx = useSimulator();

  describe("names", () => {
    const webapi = new Set(METHODS.map((m) => m.name));
    const prefixes = new Set(METHODS.map((m) => m.name.split(".")[0]));

    it("no operation is named like a WebAPI method or under a WebAPI prefix", () => {
      for (const op of OPERATIONS) {
        assert.ok(!webapi.has(op.name), op.name);
        assert.ok(!prefixes.has(op.name.split(".")[0]), `${op.name} uses a WebAPI prefix`);
        assert.doesNotMatch(op.name, /\.(get|set|new|del|update|find|reset|reread)$/, op.name);
      }
    });

    it("each operation maps onto a method its home node keeps too", () => {
      for (const op of OPERATIONS) {
        const target = METHODS.find((m) => m.name === op.method);
        assert.ok(target, op.method);
        assert.ok(offersOf(target.node).some((o) => o.name === op.method), `${op.method} stays in 3cx-${target.node}`);
        assert.ok(offersOf(op.node).some((o) => o.name === op.name));
      }
    });
  });

  describe("3cx-queue agent login / logout", () => {
    const agent = (): { queueLogin: Record<string, boolean>; qGlobalStatus: boolean } => {
      const e = ctx.sim.pbx.extensions.get("102");
      assert.ok(e);
      return e;
    };

    it("agent.login logs the agent into one queue with ext.queue.set log=on", async () => {
      agent().queueLogin["802"] = false;
      const flow = await loadAction("3cx-queue", ctx.sim, { props: { method: "agent.login" } });
      const out = await flow.send({ payload: { agent: "102", queue: "802" } });
      assert.deepEqual(requestsOf(ctx.sim, "ext.queue.set"), [{ num: "102", queue: "802", log: "on" }]);
      assert.equal(ctx.sim.requests.length, 1);
      assert.equal(agent().queueLogin["802"], true);
      assert.deepEqual(out.threecx && { ...(out.threecx as object), durationMs: 0 },
        { method: "ext.queue.set", operation: "agent.login", params: { num: "102", queue: "802", log: "on" }, durationMs: 0, api: "webapi" });
      assert.deepEqual(out.payload, { result: true });
    });

    it("agent.logout logs the agent out of one queue (fields from the node)", async () => {
      agent().queueLogin["804"] = true;
      const flow = await loadAction("3cx-queue", ctx.sim, {
        props: { method: "agent.logout", p_agent: "102", p_agentType: "str", p_queue: "804", p_queueType: "str" },
      });
      await flow.send({ payload: {} });
      assert.deepEqual(requestsOf(ctx.sim, "ext.queue.set"), [{ num: "102", queue: "804", log: "off" }]);
      assert.equal(agent().queueLogin["804"], false);
    });

    it("agent.login.all and agent.logout.all take a lone extension and use ext.queueglobal.set", async () => {
      const flow = await loadAction("3cx-queue", ctx.sim, { props: { method: "" } });
      await flow.send({ method: "agent.logout.all", payload: "102" });
      assert.equal(agent().qGlobalStatus, false);
      await flow.send({ method: "agent.login.all", payload: 102 });
      assert.equal(agent().qGlobalStatus, true);
      assert.deepEqual(requestsOf(ctx.sim, "ext.queueglobal.set"), [{ num: "102", log: "off" }, { num: "102", log: "on" }]);
    });

    it("a fixed parameter cannot be overridden from msg.payload", async () => {
      const flow = await loadAction("3cx-queue", ctx.sim, { props: { method: "agent.logout" } });
      await flow.send({ payload: { agent: "102", queue: "802", log: "on", num: "999" } });
      assert.deepEqual(requestsOf(ctx.sim, "ext.queue.set"), [{ num: "102", queue: "802", log: "off" }]);
    });

    it("a missing queue is an error naming the field; nothing is sent", async () => {
      const flow = await loadAction("3cx-queue", ctx.sim, { props: { method: "agent.login" } });
      const err = await flow.fail({ payload: { agent: "102" } });
      assert.equal(err.code, "BAD_PARAM");
      assert.match(err.message, /agent\.login: queue is required/);
      assert.equal(ctx.sim.requests.length, 0);
    });

    it("the operations belong to 3cx-queue only: 3cx-ext rejects them as msg.method", async () => {
      const flow = await loadAction("3cx-ext", ctx.sim, { props: { method: "" } });
      const err = await flow.fail({ method: "agent.login", payload: { agent: "102", queue: "802" } });
      assert.equal(err.code, "BAD_PARAM");
      assert.equal(ctx.sim.requests.length, 0);
    });
  });

  describe("3cx-call answer / drop / transfer finding the device", () => {
    const firstContact = (num: string): string => {
      const contact = ctx.sim.pbx.extensions.get(num)?.devices[0]?.contact;
      assert.ok(contact, `extension ${num} has a device`);
      return contact;
    };

    for (const [op, method, extra] of [
      ["call.answer", "answer", {}],
      ["call.drop", "drop", { external: "787" }],
      ["call.transfer", "transfer", { dest: "101" }],
    ] as const) {
      it(`${op}: a blank contact is looked up with ext.devices.get, then ${method} is sent once`, async () => {
        const contact = firstContact("102");
        const flow = await loadAction("3cx-call", ctx.sim, { props: { method: op } });
        const out = await flow.send({ payload: { num: "102", ...extra } });
        assert.deepEqual(ctx.sim.requests.map((r) => r.method), ["ext.devices.get", method]);
        assert.deepEqual(requestsOf(ctx.sim, "ext.devices.get"), [{ num: "102" }]);
        assert.deepEqual(requestsOf(ctx.sim, method), [{ num: "102", ...extra, contact }]);
        const threecx = out.threecx as { method: string; operation: string; params: Record<string, string> };
        assert.equal(threecx.method, method);
        assert.equal(threecx.operation, op);
        assert.equal(threecx.params.contact, contact);
      });

      it(`${op}: a given contact is used as it is, with no look-up`, async () => {
        const flow = await loadAction("3cx-call", ctx.sim, { props: { method: op } });
        await flow.send({ payload: { num: "102", contact: "102", ...extra } });
        assert.deepEqual(ctx.sim.requests.map((r) => r.method), [method]);
        assert.deepEqual(requestsOf(ctx.sim, method), [{ num: "102", contact: "102", ...extra }]);
      });
    }

    it("an extension with no device: NO_DEVICE, and the call-control request is not sent", async () => {
      const flow = await loadAction("3cx-call", ctx.sim, { props: { method: "call.answer" } });
      await ctx.sim.faults.set({ methods: ["ext.devices.get"], status: 200, body: '{"count":0,"devices":[]}', contentType: "application/json" });
      const err = await flow.fail({ payload: "102" });
      assert.equal(err.code, "NO_DEVICE");
      assert.match(err.message, /call\.answer: ext\.devices\.get \(num=102\) gave no contact/);
      assert.deepEqual(ctx.sim.requests.map((r) => r.method), ["ext.devices.get"]);
    });

    it("a failing look-up is the error; the write is not sent", async () => {
      const flow = await loadAction("3cx-call", ctx.sim, { props: { method: "call.drop" } });
      await ctx.sim.faults.set({ methods: ["ext.devices.get"], status: 404, body: '{"error":"Unknown extension"}', contentType: "application/json" });
      const err = await flow.fail({ payload: { num: "777" } });
      assert.equal(err.code, "HTTP_404");
      assert.equal(requestsOf(ctx.sim, "drop").length, 0);
    });

    it("a failing write after the look-up was sent once", async () => {
      const flow = await loadAction("3cx-call", ctx.sim, { props: { method: "call.transfer" } });
      await ctx.sim.faults.set({ methods: ["transfer"], status: 500, body: "{}", contentType: "application/json" });
      const err = await flow.fail({ payload: { num: "102", dest: "101" } });
      assert.equal(err.code, "HTTP_500");
      assert.equal(requestsOf(ctx.sim, "transfer").length, 1);
    });
  });
});
