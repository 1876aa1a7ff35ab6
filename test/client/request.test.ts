// What goes on the wire: the URL shape, URL-encoding of every value, keep-alive, the result.
import assert from "node:assert/strict";
import type http from "node:http";
import net from "node:net";
import util from "node:util";
import { getMethod } from "../../src/catalog";
import { WebApiClient, WebApiError } from "../../src/client";
import { AXIOS_TCP_KEEPALIVE_MS } from "../../src/client/options";
import { assertNoSecret, rejectsWith } from "./support/secrecy";
import { usingClient, withServer } from "./support/hooks";
import { KEY, TestServer, json } from "./support/server";

describe("client: requests", () => {
  const fx = withServer();

  it("GETs {base}/webapi/{key}/{method}?{params} and returns the JSON unchanged", async () => {
    const answer = { num: "102", registered: true, qStatus: [{ num: "802", status: false }], n: 1.5, s: "ü" };
    fx.server.handler = (req, res, hit) => {
      assert.equal(req.method, "GET");
      assert.equal(req.url, `/webapi/${KEY}/ext.state.get?num=102`);
      assert.equal(hit.method, "ext.state.get");
      json(res, 200, answer);
    };
    const r = await fx.client.call("ext.state.get", { num: "102" });
    assert.deepEqual(r.data, answer);
    assert.equal(r.status, 200);
    assert.equal(r.attempts, 1);
    assert.ok(r.durationMs >= 0 && r.durationMs < 5000, String(r.durationMs));
  });

  it("sends only its own headers: Accept JSON, its User-Agent, keep-alive; no body, no credentials", async () => {
    let seen: http.IncomingHttpHeaders = {};
    fx.server.handler = (req, res) => {
      seen = req.headers;
      json(res, 200, { ok: true });
    };
    await fx.client.call("ext.state.get", { num: "102" });
    assert.equal(seen.accept, "application/json");
    assert.equal(seen["user-agent"], "node-red-3cx-webapi");
    assert.equal(seen.connection, "keep-alive");
    assert.equal(seen["content-type"], undefined);
    assert.equal(seen["content-length"], undefined);
    assert.equal(seen.authorization, undefined);
    assert.deepEqual(Object.keys(seen).sort(), ["accept", "accept-encoding", "connection", "host", "user-agent"]);
  });

  it("calls the license info at /webapi/{key}/ with no '?' when there are no params", async () => {
    let url = "";
    fx.server.handler = (req, res) => {
      url = req.url ?? "";
      json(res, 200, { product: "3CX REST API" });
    };
    const r = await fx.client.call("info", {});
    assert.equal(url, `/webapi/${KEY}/`);
    assert.deepEqual(r.data, { product: "3CX REST API" });
    await fx.client.call(getMethod("pbx.calls.get")!, {});
    assert.equal(url, `/webapi/${KEY}/pbx.calls.get`);
  });

  it("URL-encodes every value: each arrives intact and alone", async () => {
    const nasty = ["a&num=999", "x=y", "#frag", "a/b/../c", "?q=1", "1+1", "100%", "%41", "two words", "Zürich ☎ 😀 中文", "';--", " lead", "trail "];
    for (const v of nasty) {
      // a read: the echo is no write's confirmation (the answer contract would refuse it)
      const r = await fx.client.call("ext.info.get", { firstname: v, lastname: "L" });
      const echoed = r.data as { params: Record<string, string> };
      assert.deepEqual(echoed.params, { firstname: v, lastname: "L" }, JSON.stringify(v));
    }
    const last = fx.server.hits[fx.server.hits.length - 1];
    assert.deepEqual([...last.query.keys()], ["firstname", "lastname"]);
    assert.ok(!last.rawQuery.includes(" ") && !last.rawQuery.includes("+"), last.rawQuery);
  });

  it("encodes the key too, and keeps it out of baseUrl and util.inspect(client)", async () => {
    const key = "K3y/SECRET+zz9%é";
    const s2 = await TestServer.start({ key });
    try {
      await usingClient({ fqdn: `${s2.url}/webapi/`, accessKey: key }, async (c2) => {
        const r = await c2.call("ext.state.get", { num: "1" });
        assert.deepEqual(r.data, { method: "ext.state.get", params: { num: "1" } });
        assert.equal(c2.baseUrl, s2.url);
        assertNoSecret(c2, key);
        assertNoSecret(util.inspect(c2, { depth: 20, showHidden: true }), key);
      });
    } finally {
      await s2.close();
    }
  });

  it("reuses one keep-alive connection: 50 sequential calls, 1 connection", async () => {
    const t0 = performance.now();
    for (let i = 0; i < 50; i++) await fx.client.call("ext.state.get", { num: String(i) });
    const ms = performance.now() - t0;
    assert.equal(fx.server.hits.length, 50);
    assert.equal(fx.server.connections, 1);
    console.log(`      50 sequential calls over 1 connection: ${(ms / 50).toFixed(2)} ms per call`);
  });

  it("asks for one TCP keep-alive delay on its socket, so Node skips the setsockopt on every reuse", async () => {
    // The agent (when a socket goes idle) and axios (when a request takes it) both call
    // setKeepAlive; Node only reaches the kernel when the value changes. Two different delays
    // meant two syscalls per request.
    const seen: number[] = [];
    const orig = net.Socket.prototype.setKeepAlive;
    net.Socket.prototype.setKeepAlive = function (this: net.Socket, enable?: boolean, delay?: number) {
      if (this.remotePort === Number(new URL(fx.server.url).port)) seen.push(enable ? (delay ?? 0) : -1);
      return orig.call(this, enable, delay);
    };
    try {
      for (let i = 0; i < 20; i++) await fx.client.call("ext.state.get", { num: String(i) });
    } finally {
      net.Socket.prototype.setKeepAlive = orig;
    }
    assert.equal(fx.server.connections, 1);
    assert.ok(seen.length >= 20, `setKeepAlive seen ${seen.length} times`);
    assert.deepEqual([...new Set(seen)], [AXIOS_TCP_KEEPALIVE_MS]);
  });

  it("rejects an unknown method, a non-string value and broken Unicode before sending (BAD_PARAM)", async () => {
    const e1 = await rejectsWith(fx.client.call("no.such.method", {}), "BAD_PARAM");
    assert.match(e1.message, /unknown WebAPI method "no.such.method"/);
    const e2 = await rejectsWith(fx.client.call("ext.state.get", { num: 102 as unknown as string }), "BAD_PARAM");
    assert.match(e2.message, /ext.state.get: parameter num must be text/);
    const e3 = await rejectsWith(fx.client.call("ext.state.get", { num: "\uD800" }), "BAD_PARAM");
    assert.match(e3.message, /num is not valid Unicode/);
    assert.equal(fx.server.hits.length, 0);
  });

  it("checks its options at construction (BAD_CONFIG naming the field, never echoing the key)", () => {
    const bad = (opts: object, field: RegExp): void => {
      assert.throws(() => new WebApiClient({ fqdn: fx.server.url, accessKey: KEY, ...opts }), (e: unknown) => {
        assert.ok(e instanceof WebApiError && e.code === "BAD_CONFIG", String(e));
        assert.match(e.message, field);
        assertNoSecret(e);
        assertNoSecret(e, "K3y SECRET");
        return true;
      });
    };
    bad({ accessKey: "" }, /^Access key is empty/);
    bad({ accessKey: "K3y SECRET" }, /^Access key must not contain spaces/);
    bad({ accessKey: ".." }, /^Access key/);
    bad({ timeout: 0 }, /^timeout must be a whole number/);
    bad({ maxConcurrent: 1.5 }, /^maxConcurrent/);
    bad({ retries: -1 }, /^retries/);
    bad({ maxResponseBytes: "5MB" }, /^maxResponseBytes/);
    bad({ fqdn: "ftp://x" }, /^PBX address/);
  });
});
