// A 2xx that is a failure (SPEC §4), through Node-RED against the simulator's failing modes: each
// code reaches Catch with the method's name and the answer (msg.threecx.answer), the msg is not
// sent on, the status is a red ring with the code, the request went out once, and the access key
// is in no output, error, status or warning.
import assert from "node:assert/strict";
import type { FailingAnswer } from "../../../src/simulator";
import { loadAction, requestsOf, useSimulator } from "./support";

const KEY = "Fail-K3y+Secret/xyz";

const MODES: Array<[FailingAnswer, string, unknown]> = [
  ["refused", "REFUSED", { result: false }],
  ["null", "BAD_RESPONSE", null],
  ["error-text", "PBX_ERROR", "Extension not found"],
  ["error-object", "PBX_ERROR", { error: "Extension not found" }],
  ["login-page", "BAD_RESPONSE", undefined],
];

function noKey(where: string, value: unknown): void {
  const text = typeof value === "string" ? value : JSON.stringify(value) ?? "";
  for (const form of [KEY, encodeURIComponent(KEY)]) assert.ok(!text.includes(form), `the key leaked into ${where}: ${text.slice(0, 200)}`);
}

describe("action nodes: failing 2xx answers reach Catch", () => {
  const ctx = useSimulator(KEY);

  for (const [mode, code, answer] of MODES) {
    it(`ext.fwd.set answered "${mode}" → ${code}`, async () => {
      await ctx.sim.faults.set({ methods: ["ext.fwd.set"], answer: mode });
      const flow = await loadAction("3cx-ext", ctx.sim, { props: { method: "ext.fwd.set" } });
      let outputs = 0;
      flow.out.on("input", () => outputs++);
      const caught = await new Promise<Record<string, unknown>>((resolve) => {
        flow.caught.once("input", resolve);
        flow.node.receive({ payload: { num: "102", status: "Away" } });
      });
      const error = caught.error as { message: string; code: string };
      assert.equal(error.code, code);
      assert.match(error.message, /ext\.fwd\.set failed: /);
      const threecx = caught.threecx as { method: string; params: Record<string, string>; answer: unknown };
      assert.equal(threecx.method, "ext.fwd.set");
      assert.deepEqual(threecx.params, { num: "102", status: "Away" });
      if (mode === "login-page") assert.match(String(threecx.answer), /^<!DOCTYPE html>/);
      else assert.deepEqual(threecx.answer, answer);
      await new Promise((r) => setTimeout(r, 50));
      assert.equal(outputs, 0, "the msg is not sent on");
      assert.deepEqual(flow.statuses.at(-1), { fill: "red", shape: "ring", text: code });
      assert.equal(requestsOf(ctx.sim, "ext.fwd.set").length, 1, "sent exactly once");
      for (const [where, v] of [["Catch", caught], ["statuses", flow.statuses], ["warnings", flow.warnings], ["errors", flow.errors]] as const) noKey(where, v);
      await ctx.sim.faults.clear();
    });
  }

  it("queue.isfree.get's result: false is an answer: sent on, green", async () => {
    await ctx.sim.pbx.setQueueAgents(ctx.sim.pbx.queues.get("802")!, []);
    const flow = await loadAction("3cx-queue", ctx.sim, { props: { method: "queue.isfree.get" } });
    const out = await flow.send({ payload: "802" });
    assert.deepEqual(out.payload, { result: false });
  });

  it("makecall answering a chid (WebAPI 3.x) puts it on msg.threecx.chid", async () => {
    await ctx.sim.faults.set({ methods: ["makecall"], status: 200, body: JSON.stringify({ chid: "00000000-01dc-27fa-d1eb-64b00000002e" }) });
    const flow = await loadAction("3cx-call", ctx.sim, { props: { method: "makecall" } });
    const out = await flow.send({ payload: { first: "102", second: "103" } });
    assert.equal((out.threecx as { chid?: string }).chid, "00000000-01dc-27fa-d1eb-64b00000002e");
  });

  it("a read lacking a key the nodes read: passed on unchanged, one warning per method and deploy", async () => {
    await ctx.sim.faults.set({ methods: ["all.ext.get"], status: 200, body: JSON.stringify({ numbers: ["100"] }) });
    const flow = await loadAction("3cx-ext", ctx.sim, { props: { method: "all.ext.get" } });
    for (let i = 0; i < 3; i++) assert.deepEqual((await flow.send({ payload: {} })).payload, { numbers: ["100"] });
    const cfgWarnings = flow.configWarnings();
    assert.equal(cfgWarnings.filter((w) => w.startsWith("all.ext.get: the PBX's answer lacks nums")).length, 1, cfgWarnings.join("\n"));
  });
});
