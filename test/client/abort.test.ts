// opts.signal aborts a call, queued or in flight; close() aborts everything and leaves no socket
// or timer behind.
import assert from "node:assert/strict";
import { getEventListeners } from "node:events";
import { WebApiClient } from "../../src/client";
import { rejectsWith } from "./support/secrecy";
import { usingClient, withServer } from "./support/hooks";
import { KEY, TestServer, json } from "./support/server";
import { trackTimers } from "./support/timers";

const tick = (ms = 5): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function until(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 400 && !cond(); i++) await tick(5);
  assert.ok(cond(), what);
}

describe("client: abort and close", () => {
  const fx = withServer({ maxConcurrent: 1 });

  it("aborts a call in flight (ABORTED) and the connection is closed", async () => {
    fx.server.handler = () => undefined; // hangs
    const ac = new AbortController();
    const p = fx.client.call("makecall", { first: "1", second: "2" }, { signal: ac.signal });
    await until(() => fx.server.hits.length === 1, "request arrived");
    ac.abort();
    const e = await rejectsWith(p, "ABORTED");
    assert.equal(e.message, "makecall aborted: the request was cancelled");
    await until(() => fx.server.sockets.size === 0, "server socket closed");
    assert.equal(fx.client.inFlight, 0);
  });

  it("aborts a queued call without sending it, and the queue moves on", async () => {
    let release = (): void => undefined;
    fx.server.handler = (_q, res) => (release = () => json(res, 200, { ok: 1 }));
    const first = fx.client.call("ext.state.get", { num: "1" });
    const ac = new AbortController();
    const second = fx.client.call("ext.state.get", { num: "2" }, { signal: ac.signal });
    const third = fx.client.call("ext.state.get", { num: "3" });
    await until(() => fx.server.hits.length === 1, "first arrived");
    assert.equal(fx.client.queued, 2);
    ac.abort();
    await rejectsWith(second, "ABORTED");
    assert.equal(fx.client.queued, 1);
    release();
    await first;
    await until(() => fx.server.hits.length === 2, "third arrived");
    release();
    await third;
    assert.deepEqual(fx.server.hits.map((h) => h.query.get("num")), ["1", "3"]);
  });

  it("an already aborted signal sends nothing", async () => {
    const e = await rejectsWith(fx.client.call("drop", { num: "1" }, { signal: AbortSignal.abort() }), "ABORTED");
    assert.equal(e.attempts, 0);
    assert.equal(fx.server.hits.length, 0);
  });

  it("aborting during a retry backoff stops it", async () => {
    fx.server.handler = (_q, res) => json(res, 503, {});
    await usingClient({ fqdn: fx.server.url, accessKey: KEY, retryDelayMs: 5000 }, async (c) => {
      const ac = new AbortController();
      const p = c.call("all.ext.get", {}, { signal: ac.signal });
      await until(() => fx.server.hits.length === 1, "first attempt");
      ac.abort();
      await rejectsWith(p, "ABORTED");
    });
    assert.equal(fx.server.hits.length, 1);
  });

  it("leaves no listener on a long-lived signal", async () => {
    const ac = new AbortController();
    for (let i = 0; i < 5; i++) await fx.client.call("all.ext.get", {}, { signal: ac.signal });
    assert.equal(getEventListeners(ac.signal, "abort").length, 0);
  });

  it("close() aborts in-flight and queued calls, later calls too, with no socket or timer left", async () => {
    const tracking = trackTimers();
    const server = await TestServer.start(); // its own, closed before the timers are checked
    server.handler = () => undefined; // hangs
    const client = new WebApiClient({ fqdn: server.url, accessKey: KEY, maxConcurrent: 1 });
    const calls = [1, 2, 3].map((n) => client.call("ext.state.get", { num: String(n) }));
    await until(() => server.hits.length === 1, "first arrived");
    assert.equal(client.queued, 2);
    client.close();
    for (const p of calls) {
      const e = await rejectsWith(p, "ABORTED");
      assert.match(e.message, /^ext.state.get aborted: the PBX client was closed/);
    }
    await rejectsWith(client.call("ext.state.get", { num: "4" }), "ABORTED");
    assert.equal(client.inFlight, 0);
    assert.equal(client.queued, 0);
    await until(() => server.sockets.size === 0, "every connection closed");
    assert.equal(server.hits.length, 1);
    client.close(); // twice is harmless
    await server.close();
    await tick(1);
    for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r)); // destroy hooks run late
    const left = tracking.stop();
    assert.deepEqual(left, [], "no timer left behind");
  });

  it("close() destroys idle keep-alive sockets", async () => {
    await fx.client.call("all.ext.get", {});
    assert.equal(fx.server.sockets.size, 1);
    fx.client.close();
    await until(() => fx.server.sockets.size === 0, "idle socket closed");
  });

  it("idle keep-alive sockets close by themselves after keepAliveMs, and a long request outlives it", async () => {
    await usingClient({ fqdn: fx.server.url, accessKey: KEY, keepAliveMs: 50 }, async (c) => {
      fx.server.handler = (_q, res) => setTimeout(() => json(res, 200, { slow: true }), 150);
      assert.deepEqual((await c.call("all.ext.get", {})).data, { slow: true });
      await until(() => fx.server.sockets.size === 0, "idle socket closed by the client");
    });
  });
});
