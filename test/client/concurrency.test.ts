// At most maxConcurrent requests in flight per client; the rest wait FIFO and none is dropped.
import assert from "node:assert/strict";
import { usingClient, withServer } from "./support/hooks";
import { KEY, json } from "./support/server";

const later = (ms: number, fn: () => void): void => void setTimeout(fn, ms);

describe("client: concurrency", () => {
  const fx = withServer({ maxConcurrent: 4 });

  it("a burst of 100 never has more than maxConcurrent in flight at the server, and all complete", async () => {
    fx.server.handler = (_q, res, hit) => later(2, () => json(res, 200, { n: hit.query.get("num") }));
    let maxSeen = 0;
    let maxQueued = 0;
    const t0 = performance.now();
    const calls = Array.from({ length: 100 }, (_, i) => {
      const p = fx.client.call("ext.state.get", { num: String(i) });
      maxSeen = Math.max(maxSeen, fx.client.inFlight);
      maxQueued = Math.max(maxQueued, fx.client.queued);
      return p;
    });
    const results = await Promise.all(calls);
    const ms = performance.now() - t0;
    assert.deepEqual(results.map((r) => (r.data as { n: string }).n), Array.from({ length: 100 }, (_, i) => String(i)));
    assert.equal(fx.server.maxInFlight, 4);
    assert.equal(maxSeen, 4);
    assert.equal(maxQueued, 96);
    assert.ok(fx.server.connections <= 4, `${fx.server.connections} connections`);
    assert.equal(fx.client.inFlight, 0);
    assert.equal(fx.client.queued, 0);
    console.log(`      burst of 100 (server 2 ms each, 4 at once): ${ms.toFixed(0)} ms, ${fx.server.connections} connections, server max in flight ${fx.server.maxInFlight}`);
  });

  it("queued calls start in FIFO order", async () => {
    await usingClient({ fqdn: fx.server.url, accessKey: KEY, maxConcurrent: 1 }, async (c) => {
      fx.server.handler = (_q, res, hit) => later(1, () => json(res, 200, { n: hit.query.get("num") }));
      const done: string[] = [];
      const calls = Array.from({ length: 30 }, (_, i) =>
        c.call("ext.state.get", { num: String(i) }).then((r) => done.push((r.data as { n: string }).n)));
      await Promise.all(calls);
      const order = Array.from({ length: 30 }, (_, i) => String(i));
      assert.deepEqual(fx.server.hits.map((h) => h.query.get("num")), order, "arrival order at the server");
      assert.deepEqual(done, order, "completion order");
    });
  });

  it("a newcomer cannot overtake the queue when a slot frees", async () => {
    await usingClient({ fqdn: fx.server.url, accessKey: KEY, maxConcurrent: 1 }, async (c) => {
      fx.server.handler = (_q, res, hit) => later(5, () => json(res, 200, { n: hit.query.get("num") }));
      const first = c.call("ext.state.get", { num: "a" });
      const second = c.call("ext.state.get", { num: "b" });
      await first; // the slot passes to b in this very tick…
      const third = c.call("ext.state.get", { num: "c" }); // …so c waits behind it
      await Promise.all([second, third]);
      assert.deepEqual(fx.server.hits.map((h) => h.query.get("num")), ["a", "b", "c"]);
    });
  });

  it("waiting in the queue does not count against the timeout", async () => {
    await usingClient({ fqdn: fx.server.url, accessKey: KEY, maxConcurrent: 1, timeout: 600 }, async (c) => {
      fx.server.handler = (_q, res) => later(250, () => json(res, 200, {}));
      const results = await Promise.all([1, 2, 3, 4].map((n) => c.call("ext.state.get", { num: String(n) })));
      // The last one waited ~750 ms in the queue, longer than its 600 ms budget, and still succeeded.
      assert.equal(results.length, 4);
      assert.ok(results.every((r) => r.durationMs < 600), results.map((r) => r.durationMs).join(", "));
    });
  });

  it("reports inFlight and queued while busy", async () => {
    await usingClient({ fqdn: fx.server.url, accessKey: KEY, maxConcurrent: 2 }, async (c) => {
      const release: Array<() => void> = [];
      fx.server.handler = (_q, res) => release.push(() => json(res, 200, {}));
      const calls = [1, 2, 3, 4, 5].map((n) => c.call("ext.state.get", { num: String(n) }));
      while (release.length < 2) await new Promise((r) => setTimeout(r, 2));
      assert.equal(c.inFlight, 2);
      assert.equal(c.queued, 3);
      for (let released = 0; released < 5; ) {
        const next = release.shift();
        if (next) {
          next();
          released++;
        } else await new Promise((r) => setTimeout(r, 2));
      }
      await Promise.all(calls);
      assert.equal(c.inFlight, 0);
      assert.equal(c.queued, 0);
    });
  });
});

describe("client: actions ahead of monitor polls", () => {
  const fx = withServer({ maxConcurrent: 2 });

  it("a call sent while 50 monitor reads are queued starts at once and never waits behind them", async () => {
    fx.server.handler = (_q, res, hit) => later(20, () => json(res, 200, { n: hit.query.get("num") }));
    const polls = Array.from({ length: 50 }, (_, i) => fx.client.call("ext.state.get", { num: String(i) }, { priority: "monitor" }));
    assert.equal(fx.client.inFlight, 1, "monitor reads hold at most maxConcurrent − 1 slots");
    const t0 = performance.now();
    const action = await fx.client.call("ext.state.get", { num: "action" });
    const ms = performance.now() - t0;
    assert.equal((action.data as { n: string }).n, "action");
    // Its slot was free: it was not behind 50 × 20 ms of polls (one request time, not 1 s).
    assert.ok(ms < 500, `the action took ${ms.toFixed(0)} ms`);
    const served = fx.server.hits.map((h) => h.query.get("num"));
    assert.ok(served.indexOf("action") <= 1, `the action was served as request ${served.indexOf("action")}`);
    await Promise.all(polls);
    assert.equal(fx.server.maxInFlight, 2);
  });
});
