// The key is in the request line and nowhere else, also when it needs URL-encoding and when the
// server echoes it back (as written, encoded, or encoded in lower-case hex).
import assert from "node:assert/strict";
import util from "node:util";
import { WebApiClient } from "../../src/client";
import { makeRedactor } from "../../src/client/errors";
import { usingClient } from "./support/hooks";
import { assertNoSecret, rejectsWith, secretForms } from "./support/secrecy";
import { TestServer, json } from "./support/server";

const ODD_KEY = "K3y/SECRET+zz9%é&=";

describe("client: secrecy", () => {
  let server: TestServer;
  before(async () => {
    server = await TestServer.start({ key: ODD_KEY });
  });
  after(() => server.close());
  beforeEach(() => server.reset());

  it("sends the key encoded in the path, and keeps it out of results, baseUrl and the client object", async () => {
    await usingClient({ fqdn: server.url, accessKey: ODD_KEY }, async (c) => {
      const r = await c.call("ext.state.get", { num: "1" });
      assert.equal(server.hits.length, 1, "the server decoded the key and accepted it");
      assertNoSecret(r, ODD_KEY);
      assertNoSecret(c, ODD_KEY);
      assert.ok(!c.baseUrl.includes("webapi"));
    });
  });

  it("the redactor finds the key as written, encoded in any case, and half-encoded", () => {
    const redact = makeRedactor(ODD_KEY);
    const mixed = "K3y%2FSECRET+zz9%25%c3%A9&%3D"; // some characters encoded, hex in both cases
    for (const form of [...secretForms(ODD_KEY), mixed]) assert.equal(redact(`a ${form} b ${form}`), "a *** b ***", form);
    assert.equal(redact("K3y/SECRET+zz9%é"), "K3y/SECRET+zz9%é", "a part of the key is left alone");
    assert.equal(makeRedactor("a.b")("axb a.b"), "axb ***", "regex characters in the key are literal");
  });

  it("redacts every form of the key from server text that echoes it, in every error code", async () => {
    const echo = secretForms(ODD_KEY).join(" | ");
    const statuses = [401, 403, 404, 400, 500, 503];
    for (const status of statuses) {
      server.handler = (_q, res) => json(res, status, { error: `bad key ${echo}` });
      await usingClient({ fqdn: server.url, accessKey: ODD_KEY, retries: 0 }, async (c) => {
        const e = await rejectsWith(c.call("ext.state.get", { num: "1" }), status < 404 && status !== 400 ? "AUTH" : `HTTP_${status}`, ODD_KEY);
        assert.match(e.message, /bad key \*\*\*/);
      });
    }
  });

  it("a wrong key echoed by the PBX is redacted too (the client's own key is what it knows)", async () => {
    const wrong = "Wr0ng/K3y+é";
    server.handler = (_q, res) => json(res, 200, {});
    const leaky = await TestServer.start({ key: "other" });
    leaky.handler = (_q, res) => json(res, 200, {});
    try {
      await usingClient({ fqdn: leaky.url, accessKey: wrong }, async (c) => {
        const e = await rejectsWith(c.call("info", {}), "AUTH", wrong);
        assertNoSecret(util.inspect(e, { depth: 10, showHidden: true }), wrong);
      });
    } finally {
      await leaky.close();
    }
  });

  it("errors with the odd key (timeout, unreachable, abort, bad body) never show it", async () => {
    server.handler = () => undefined;
    await usingClient({ fqdn: server.url, accessKey: ODD_KEY, timeout: 50 }, async (c) => {
      await rejectsWith(c.call("all.ext.get", {}), "TIMEOUT", ODD_KEY);
      const ac = new AbortController();
      const p = c.call("all.ext.get", {}, { signal: ac.signal });
      ac.abort();
      await rejectsWith(p, "ABORTED", ODD_KEY);
    });
    server.handler = (_q, res) => {
      res.writeHead(200);
      res.end(`<html>${ODD_KEY}</html>`);
    };
    await usingClient({ fqdn: server.url, accessKey: ODD_KEY }, async (c) => {
      await rejectsWith(c.call("all.ext.get", {}), "BAD_RESPONSE", ODD_KEY);
    });
    const closed = new WebApiClient({ fqdn: "http://127.0.0.1:1", accessKey: ODD_KEY, retries: 0 });
    await rejectsWith(closed.call("info", {}), "UNREACHABLE", ODD_KEY);
    closed.close();
    await rejectsWith(closed.call("info", {}), "ABORTED", ODD_KEY);
  });
});
