// Reads may be retried (network errors, 5xx, 429) within the time budget; writes and call
// control are sent exactly once, whatever happens.
import assert from "node:assert/strict";
import type { ErrorCode } from "../../src/client";
import { rejectsWith } from "./support/secrecy";
import { usingClient, withServer } from "./support/hooks";
import { KEY, json, type Handler } from "./support/server";

/** Fails the first `n` requests with `fail`, then echoes. */
function failFirst(n: number, fail: Handler): Handler {
  let seen = 0;
  return (req, res, hit) => (seen++ < n ? fail(req, res, hit) : json(res, 200, { ok: true }));
}

const status503: Handler = (_q, res) => json(res, 503, { error: "Service Unavailable" });
const status500: Handler = (_q, res) => json(res, 500, { error: "boom" });
const reset: Handler = (req) => req.socket.destroy();
const hang: Handler = () => undefined;
/** Headers and part of a body, then the connection drops. */
const dropMidBody: Handler = (req, res) => {
  res.writeHead(200, { "content-type": "application/json", "content-length": "100" });
  res.write('{"nums":["1');
  setTimeout(() => req.socket.destroy(), 5);
};

describe("client: retries", () => {
  const fx = withServer({ retryDelayMs: 5 });

  const readFaults: Array<[string, Handler]> = [["503", status503], ["500", status500], ["a reset", reset], ["a drop mid-body", dropMidBody]];
  for (const [what, fault] of readFaults) {
    it(`retries a read after ${what}`, async () => {
      fx.server.handler = failFirst(2, fault);
      const r = await fx.client.call("all.ext.get", {});
      assert.deepEqual(r.data, { ok: true });
      assert.equal(r.attempts, 3);
      assert.equal(fx.server.count("all.ext.get"), 3);
    });
  }

  it("gives up after retries + 1 attempts with the last error", async () => {
    fx.server.handler = status503;
    const e = await rejectsWith(fx.client.call("ext.state.get", { num: "1" }), "HTTP_503");
    assert.equal(e.message, "ext.state.get failed: the PBX answered with a server error (HTTP 503: Service Unavailable, after 3 attempts)");
    assert.equal(e.attempts, 3);
    assert.equal(fx.server.count("ext.state.get"), 3);
  });

  it("a mid-body drop that persists is UNREACHABLE", async () => {
    fx.server.handler = dropMidBody;
    const e = await rejectsWith(fx.client.call("all.ext.get", {}), "UNREACHABLE");
    assert.match(e.message, /closed before the answer was complete, after 3 attempts/);
  });

  it("does not retry 4xx, even for reads", async () => {
    fx.server.handler = (_q, res) => json(res, 400, { error: "num: missing" });
    const e = await rejectsWith(fx.client.call("ext.state.get", { num: "1" }), "HTTP_400");
    assert.equal(e.message, "ext.state.get failed: the PBX answered with an error (HTTP 400: num: missing)");
    assert.equal(fx.server.count("ext.state.get"), 1);
  });

  it("retries: 0 turns retries off", async () => {
    fx.server.handler = status503;
    await usingClient({ fqdn: fx.server.url, accessKey: KEY, retries: 0 }, async (c) => {
      await rejectsWith(c.call("all.ext.get", {}), "HTTP_503");
    });
    assert.equal(fx.server.count("all.ext.get"), 1);
  });

  const writeFaults: Array<[string, Handler, ErrorCode]> = [["500", status500, "HTTP_500"], ["503", status503, "HTTP_503"], ["a reset", reset, "UNREACHABLE"], ["a drop mid-body", dropMidBody, "UNREACHABLE"]];
  for (const [what, fault, code] of writeFaults) {
    it(`sends a write exactly once on ${what}`, async () => {
      fx.server.handler = fault;
      const e = await rejectsWith(fx.client.call("makecall", { first: "101", second: "102" }), code);
      assert.equal(e.attempts, 1);
      await new Promise((r) => setTimeout(r, 50)); // time for a (wrong) retry to arrive
      assert.equal(fx.server.count("makecall"), 1);
    });
  }

  it("sends a write exactly once when it times out", async () => {
    fx.server.handler = hang;
    await usingClient({ fqdn: fx.server.url, accessKey: KEY, timeout: 100 }, async (c) => {
      await rejectsWith(c.call("queue.agents.set", { num: "800", members: "101,103" }), "TIMEOUT");
      await new Promise((r) => setTimeout(r, 100));
    });
    assert.equal(fx.server.count("queue.agents.set"), 1);
  });

  it("the timeout covers every attempt and backoff of a read", async () => {
    fx.server.handler = hang;
    const t0 = performance.now();
    await usingClient({ fqdn: fx.server.url, accessKey: KEY, timeout: 200 }, async (c) => {
      const e = await rejectsWith(c.call("all.ext.get", {}), "TIMEOUT");
      assert.equal(e.attempts, 1, "a hanging attempt uses up the budget; no second one starts");
    });
    assert.ok(performance.now() - t0 >= 190);
    assert.equal(fx.server.count("all.ext.get"), 1);
  });

  for (const status of [429, 503]) {
    it(`honours Retry-After on ${status} (a read waits as told, not its own backoff)`, async () => {
      fx.server.handler = failFirst(1, (_q, res) => json(res, status, { error: "busy" }, { "retry-after": "1" }));
      await usingClient({ fqdn: fx.server.url, accessKey: KEY, retryDelayMs: 0, timeout: 5000 }, async (c) => {
        const t0 = performance.now();
        const r = await c.call("pbx.calls.get", {});
        const waited = performance.now() - t0;
        assert.equal(r.attempts, 2);
        assert.ok(waited >= 950, `waited ${waited.toFixed(0)} ms`);
        console.log(`      Retry-After: 1 on ${status}: retried after ${waited.toFixed(0)} ms`);
      });
    });
  }

  it("gives up at once when Retry-After is beyond the time budget", async () => {
    fx.server.handler = (_q, res) => json(res, 503, { error: "maintenance" }, { "retry-after": "30" });
    await usingClient({ fqdn: fx.server.url, accessKey: KEY, timeout: 2000 }, async (c) => {
      const t0 = performance.now();
      const e = await rejectsWith(c.call("pbx.calls.get", {}), "HTTP_503");
      assert.equal(e.attempts, 1);
      assert.ok(performance.now() - t0 < 1500, "did not sit out the budget");
    });
    assert.equal(fx.server.count("pbx.calls.get"), 1);
  });

  it("a 429 on a write is not retried", async () => {
    fx.server.handler = (_q, res) => json(res, 429, {}, { "retry-after": "0" });
    await rejectsWith(fx.client.call("ext.fwd.set", { num: "1", status: "Away" }), "HTTP_429");
    assert.equal(fx.server.count("ext.fwd.set"), 1);
  });
});
