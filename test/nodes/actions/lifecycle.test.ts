// Failures and redeploys: a write that fails (500, connection reset, timeout) was sent exactly
// once; a redeploy during 20 requests in flight calls every done and leaves no timer and no socket.
import assert from "node:assert/strict";
import { helper, loadAction, on, requestsOf, until, type TestNode, useSimulator } from "./support";

type ResourceCounts = { timers: number; sockets: number };

/** Timers and TCP sockets alive in this process (Node's own view of its event loop). */
function resources(): ResourceCounts {
  const info = process.getActiveResourcesInfo();
  return { timers: info.filter((r) => r === "Timeout").length, sockets: info.filter((r) => r === "TCPSocketWrap").length };
}

describe("action nodes: failures and redeploy", function () {
  const ctx = useSimulator();

  const WRITE = { method: "ext.fwd.set", payload: { num: "102", status: "Away" } };
  const cases = [
    { name: "HTTP 500", fault: { status: 500, body: '{"error":"boom"}', contentType: "application/json" }, code: "HTTP_500" },
    { name: "connection reset", fault: { drop: "before-headers" as const }, code: "UNREACHABLE" },
    { name: "timeout", fault: { hang: "headers" as const }, code: "TIMEOUT" },
  ];
  for (const c of cases) {
    it(`a write that fails (${c.name}) was sent once; a read under the same fault is retried`, async () => {
      // Only the timeout case needs a short budget; the others get room for a busy machine.
      const flow = await loadAction("3cx-ext", ctx.sim, { timeout: c.code === "TIMEOUT" ? 400 : 3000, props: { method: "" } });
      await ctx.sim.faults.set(c.fault);
      const err = await flow.fail(WRITE);
      assert.equal(err.code, c.code);
      assert.equal(requestsOf(ctx.sim, "ext.fwd.set").length, 1, "the write was sent exactly once");
      if (c.name !== "timeout") {
        const readErr = await flow.fail({ method: "ext.state.get", payload: "102" });
        assert.equal(readErr.code, c.code);
        assert.ok(requestsOf(ctx.sim, "ext.state.get").length > 1, "the read was retried");
      }
      assert.equal(ctx.sim.pbx.extensions.get("102")?.fwdName, "Available", "the failed write changed nothing");
    });
  }

  it("a redeploy during 20 requests in flight calls every done, leaving no timer and no socket", async () => {
    const flow = await loadAction("3cx-ext", ctx.sim, { maxConcurrent: 20, timeout: 30000, props: { method: "ext.state.get" } });
    const before = resources();
    await ctx.sim.faults.set({ hang: "headers" });
    let completed = 0;
    let caught = 0;
    on(flow.completed).on("input", () => completed++);
    on(flow.caught).on("input", () => caught++);
    for (let i = 0; i < 20; i++) flow.node.receive({ payload: "102" });
    await until(() => ctx.sim.stats.inFlight === 20, 5000, "20 requests in flight at the simulator");
    // The count shows within one busy interval (the status is not sent per message).
    await until(() => flow.statuses.at(-1)?.text === "3cx-ext.status.requestingMany", 2000, "the count on the status");

    // Redeploy only the action node (its name changed): the Complete node stays up and sees every done.
    // setFlows and _redNodes are in helper 0.3.6 but not in the project's type declaration for it.
    const h = helper as unknown as {
      _redNodes: { getFlows(): { flows: Array<Record<string, unknown>> } };
      setFlows(flows: unknown[], type: "nodes"): Promise<void>;
    };
    const changed = h._redNodes.getFlows().flows.map((n) => (n.id === "n1" ? { ...n, name: "renamed" } : n));
    await h.setFlows(changed, "nodes");
    await until(() => completed === 20, 3000, "20 completions");
    assert.equal(caught, 0, "a redeploy is not an error");
    await until(() => ctx.sim.stats.inFlight === 0, 3000, "the simulator to see every request closed");
    const client = (helper.getNode("cfg") as TestNode).client as { inFlight: number; queued: number };
    assert.equal(client.inFlight, 0);
    assert.equal(client.queued, 0);
    await until(() => resources().sockets <= before.sockets, 3000, "sockets to close");
    const after = resources();
    assert.ok(after.timers <= before.timers, `timers: ${before.timers} before, ${after.timers} after`);
    assert.equal((helper.getNode("n1") as TestNode).name, "renamed");
  });

  it("closing the node clears its status and its result timer", async () => {
    const flow = await loadAction("3cx-pbx", ctx.sim, { props: { method: "info" } });
    const before = resources().timers;
    await flow.send({ payload: {} });
    assert.equal(flow.statuses.at(-1)?.fill, "green");
    assert.equal(resources().timers, before + 1, "the green result's clearing timer runs");
    await flow.node.close(true); // as on removal (helper.unload() stops spying before it closes)
    await new Promise((r) => setImmediate(r)); // the helper reports status calls on the next tick
    assert.deepEqual(flow.statuses.at(-1), {});
    assert.ok(resources().timers <= before, "no timer left after close");
  });
});
