// NOT_FOUND through Node-RED against the simulator (SPEC §4): with "Check numbers" on (the default,
// also for a config node saved before it existed) a write naming a number the PBX's lists lack is
// refused before anything is sent; a number made a moment before works; off, the request goes out.
import assert from "node:assert/strict";
import { loadAction, requestsOf, useSimulator } from "./support";

describe("action nodes: numbers the PBX does not have (NOT_FOUND)", () => {
  const ctx = useSimulator();

  it("ext.fwd.set for 999: NOT_FOUND in Catch, nothing sent, msg not sent, red ring", async () => {
    const flow = await loadAction("3cx-ext", ctx.sim, { checkNumbers: true, props: { method: "ext.fwd.set" } });
    let outputs = 0;
    flow.out.on("input", () => outputs++);
    const err = await flow.fail({ payload: { num: "999", status: "Away" } });
    assert.equal(err.code, "NOT_FOUND");
    assert.match(err.message, /ext\.fwd\.set: num "999" is not an extension of this PBX .*untick "Check numbers"/);
    assert.deepEqual(requestsOf(ctx.sim, "ext.fwd.set"), []);
    assert.deepEqual(ctx.sim.requests.map((r) => r.method), ["all.ext.get"], "the list, read once (the first read is fresh)");
    assert.equal(outputs, 0);
    assert.deepEqual(flow.statuses.at(-1), { fill: "red", shape: "ring", text: "NOT_FOUND" });
  });

  it("a config node saved before checkNumbers existed checks too", async () => {
    const flow = await loadAction("3cx-queue", ctx.sim, { checkNumbers: undefined, props: { method: "queue.agents.set" } });
    const err = await flow.fail({ payload: { num: "807", members: "101,103" } });
    assert.equal(err.code, "NOT_FOUND");
    assert.match(err.message, /num "807" is not a queue/);
    assert.deepEqual(requestsOf(ctx.sim, "queue.agents.set"), []);
  });

  it("a blank num and a default Inject: the timestamp is refused as no extension, nothing sent", async () => {
    const flow = await loadAction("3cx-ext", ctx.sim, { checkNumbers: true, props: { method: "ext.fwd.set" } });
    const err = await flow.fail({ payload: 1796160691673, topic: "" });
    assert.equal(err.code, "NOT_FOUND");
    assert.match(err.message, /num "1796160691673" is not an extension/);
    assert.deepEqual(requestsOf(ctx.sim, "ext.fwd.set"), []);
  });

  it("an extension made by ext.new a moment before works, and one made on the PBX after the last read too", async () => {
    const flow = await loadAction("3cx-ext", ctx.sim, { checkNumbers: true });
    await flow.send({ method: "ext.fwd.set", payload: { num: "101", status: "Away" } }); // warms the cache
    await flow.send({ method: "ext.new", payload: { num: "555" } });
    const out = await flow.send({ method: "ext.fwd.set", payload: { num: "555", status: "Away" } });
    assert.deepEqual(out.payload, { result: true });
    assert.equal(ctx.sim.requests.filter((r) => r.method === "all.ext.get").length, 1, "ext.new taught the cache: no re-read");
    ctx.sim.pbx.createExtension("556"); // someone else made it, after our last read
    await flow.send({ method: "ext.fwd.set", payload: { num: "556", status: "Away" } });
    assert.equal(ctx.sim.requests.filter((r) => r.method === "all.ext.get").length, 2, "read again once before refusing, then found");
    assert.deepEqual(requestsOf(ctx.sim, "ext.fwd.set").map((p) => p.num), ["101", "555", "556"]);
  });

  it("makecall's first and second are never checked (a CFD app, an external number)", async () => {
    const flow = await loadAction("3cx-call", ctx.sim, { checkNumbers: true, props: { method: "makecall" } });
    await flow.send({ payload: { first: "102", second: "420774852529" } });
    assert.deepEqual(ctx.sim.requests.map((r) => r.method), ["makecall"]);
  });

  it("Check numbers off: no list is read and the write goes to the PBX", async () => {
    const flow = await loadAction("3cx-ext", ctx.sim, { checkNumbers: false, props: { method: "ext.fwd.set" } });
    await flow.send({ payload: { num: "102", status: "Away" } }).catch(() => undefined);
    assert.deepEqual(ctx.sim.requests.map((r) => r.method), ["ext.fwd.set"]);
  });
});
