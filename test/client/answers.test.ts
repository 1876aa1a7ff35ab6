// The client judges every 2xx by the answer contract (SPEC §4): failing answers become REFUSED,
// PBX_ERROR or BAD_RESPONSE with err.answer, sent once, the key scanned out; reads lacking a key
// the nodes read pass with one warning per method.
import assert from "node:assert/strict";
import { rejectsWith } from "./support/secrecy";
import { usingClient, withServer } from "./support/hooks";
import { KEY, json } from "./support/server";

describe("client: 2xx answers judged by the answer contract", () => {
  const fx = withServer({ retryDelayMs: 5 });

  it("a write answered result: false → REFUSED, sent once, err.answer the answer", async () => {
    fx.server.handler = (_q, res) => json(res, 200, { result: false });
    const e = await rejectsWith(fx.client.call("ext.fwd.set", { num: "999", status: "Away" }), "REFUSED");
    assert.equal(e.message, "ext.fwd.set failed: the PBX did not do it (it answered result: false)");
    assert.deepEqual(e.answer, { result: false });
    assert.equal(e.method, "ext.fwd.set");
    assert.equal(fx.server.hits.length, 1);
  });

  it("a JSON string → PBX_ERROR quoting it, the key scanned out of the message and the answer", async () => {
    fx.server.handler = (_q, res) => json(res, 200, `Extension not found (/webapi/${KEY}/ext.state.get)`);
    const e = await rejectsWith(fx.client.call("ext.state.get", { num: "999" }), "PBX_ERROR");
    assert.equal(e.message, `ext.state.get failed: the PBX answered with an error: "Extension not found (/webapi/***/ext.state.get)"`);
    assert.equal(e.answer, "Extension not found (/webapi/***/ext.state.get)");
    assert.equal(fx.server.hits.length, 1, "a 2xx read is not retried");
  });

  it("{error} → PBX_ERROR; an HTML login page → BAD_RESPONSE with the page (redacted) as the answer", async () => {
    fx.server.handler = (_q, res) => json(res, 200, { error: "Extension 999 not found" });
    const e = await rejectsWith(fx.client.call("ext.info.get", { num: "999" }), "PBX_ERROR");
    assert.equal(e.message, `ext.info.get failed: the PBX answered with an error: "Extension 999 not found"`);
    fx.server.handler = (_q, res) => {
      res.writeHead(200, { "content-type": "text/html" });
      res.end(`<html><body>Login <a href="/webapi/${KEY}/">again</a></body></html>`);
    };
    const html = await rejectsWith(fx.client.call("makecall", { first: "102", second: "103" }), "BAD_RESPONSE");
    assert.match(html.message, /HTML page/);
    assert.equal(html.answer, `<html><body>Login <a href="/webapi/***/">again</a></body></html>`);
    fx.server.handler = (_q, res) => {
      res.writeHead(200);
      res.end("");
    };
    const empty = await rejectsWith(fx.client.call("makecall", { first: "102", second: "103" }), "BAD_RESPONSE");
    assert.equal(empty.answer, "");
    assert.equal(fx.server.hits.filter((h) => h.method === "makecall").length, 2, "each makecall sent exactly once");
  });

  it("a number where an object belongs → BAD_RESPONSE", async () => {
    fx.server.handler = (_q, res) => json(res, 200, 5);
    const e = await rejectsWith(fx.client.call("pbx.calls.get", {}), "BAD_RESPONSE");
    assert.equal(e.message, "pbx.calls.get failed: the PBX's answer is the number 5, expected an object");
    assert.equal(e.answer, 5);
  });

  it("makecall answering a chid gives it back on the result", async () => {
    fx.server.handler = (_q, res) => json(res, 200, { chid: "00000000-01dc-27fa-d1eb-64b00000002e" });
    const r = await fx.client.call("makecall", { first: "102", second: "103" });
    assert.equal(r.chid, "00000000-01dc-27fa-d1eb-64b00000002e");
    fx.server.handler = (_q, res) => json(res, 200, { first: "102", second: "103" });
    assert.equal((await fx.client.call("makecall", { first: "102", second: "103" })).chid, undefined);
  });

  it("a read lacking a key the nodes read passes unchanged, with one warning per method", async () => {
    const warnings: string[] = [];
    await usingClient({ fqdn: fx.server.url, accessKey: KEY, onWarning: (m) => warnings.push(m) }, async (c) => {
      fx.server.handler = (_q, res) => json(res, 200, { numbers: ["100"] });
      for (let i = 0; i < 3; i++) assert.deepEqual((await c.call("all.ext.get", {})).data, { numbers: ["100"] });
      await c.call("all.queue.get", {});
      fx.server.handler = (_q, res) => json(res, 200, { nums: ["100"], extra: 1 });
      await c.call("all.ext.get", {});
    });
    assert.equal(warnings.length, 2, warnings.join("\n"));
    assert.match(warnings[0], /^all\.ext\.get: the PBX's answer lacks nums/);
    assert.match(warnings[1], /^all\.queue\.get: /);
  });
});
