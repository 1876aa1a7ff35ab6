// Every failure becomes a WebApiError with a stable code, a message naming the method in plain
// words, and no trace of the key (rejectsWith scans every rendering of the error).
import assert from "node:assert/strict";
import net from "node:net";
import { rejectsWith } from "./support/secrecy";
import { usingClient, withServer } from "./support/hooks";
import { KEY, closedPort, json } from "./support/server";

describe("client: errors", () => {
  const fx = withServer({ retryDelayMs: 5 });

  it("wrong key → AUTH, with the server's short error text", async () => {
    await usingClient({ fqdn: fx.server.url, accessKey: "wrong-key" }, async (bad) => {
      const e = await rejectsWith(bad.call("ext.state.get", { num: "102" }), "AUTH");
      assert.equal(e.message, "ext.state.get failed: the PBX refused the access key (HTTP 401: Invalid access key)");
      assert.equal(e.status, 401);
      assert.equal(e.method, "ext.state.get");
      assert.equal(fx.server.hits.length, 1, "an AUTH failure is not retried, even for a read");
    });
  });

  it("403 is AUTH too", async () => {
    fx.server.handler = (_q, res) => json(res, 403, { error: "Forbidden" });
    const e = await rejectsWith(fx.client.call("info", {}), "AUTH");
    assert.match(e.message, /^info failed: the PBX refused the access key \(HTTP 403: Forbidden\)$/);
  });

  it("other statuses → HTTP_<status> with the server text, which is redacted if it echoes the key", async () => {
    fx.server.handler = (_q, res) => json(res, 404, { error: `Unknown method for ${KEY} / ${encodeURIComponent(KEY)}\nline2` });
    const e = await rejectsWith(fx.client.call("queue.del", { num: "813" }), "HTTP_404");
    assert.equal(e.message, "queue.del failed: the PBX answered with an error (HTTP 404: Unknown method for *** / *** line2)");
    assert.equal(e.status, 404);
    fx.server.handler = (_q, res) => json(res, 400, { error: "num: required".repeat(50) });
    const long = await rejectsWith(fx.client.call("queue.del", { num: "813" }), "HTTP_400");
    assert.ok(long.message.length < 260, long.message);
  });

  it("a non-JSON error body adds no text", async () => {
    fx.server.handler = (_q, res) => {
      res.writeHead(418, { "content-type": "text/html" });
      res.end(`<html>${KEY}</html>`);
    };
    const e = await rejectsWith(fx.client.call("ext.del", { num: "1" }), "HTTP_418");
    assert.equal(e.message, "ext.del failed: the PBX answered with an error (HTTP 418)");
  });

  it("a redirect is reported, not followed → HTTP_302", async () => {
    fx.server.handler = (_q, res) => {
      res.writeHead(302, { location: "http://127.0.0.1:1/elsewhere" });
      res.end();
    };
    const e = await rejectsWith(fx.client.call("all.ext.get", {}), "HTTP_302");
    assert.match(e.message, /redirected the request, which is not followed/);
    assert.equal(fx.server.hits.length, 1);
  });

  const badBodies: Array<[string, string, RegExp]> = [
    ["an HTML page", "<!DOCTYPE html><html><body>Login</body></html>", /is an HTML page, not JSON/],
    ["truncated JSON", '{"num":"102","registered":tr', /is not valid JSON \(cut short or garbled\)/],
    ["an empty body", "", /is empty, expected JSON/],
    ["whitespace", "  \n", /is empty/],
  ];
  for (const [what, body, message] of badBodies) {
    it(`a 2xx with ${what} → BAD_RESPONSE`, async () => {
      fx.server.handler = (_q, res) => {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(body);
      };
      const e = await rejectsWith(fx.client.call("ext.state.get", { num: "1" }), "BAD_RESPONSE");
      assert.match(e.message, /^ext.state.get failed: the PBX's answer /);
      assert.match(e.message, message);
      assert.equal(fx.server.hits.length, 1, "not retried");
    });
  }

  it("a 2xx null is BAD_RESPONSE (SPEC §4), carries the answer, and is not retried", async () => {
    fx.server.handler = (_q, res) => json(res, 200, null);
    const e = await rejectsWith(fx.client.call("pbx.calls.get", {}), "BAD_RESPONSE");
    assert.equal(e.message, "pbx.calls.get failed: the PBX's answer is null, expected an object");
    assert.ok("answer" in e && e.answer === null);
    assert.equal(e.status, 200);
    assert.equal(fx.server.hits.length, 1);
  });

  it("an oversize answer → BAD_RESPONSE, stopped while streaming (not buffered whole)", async () => {
    let written = 0;
    const total = 256 * 1024 * 1024;
    const closed = new Promise<void>((resolve) => {
      fx.server.handler = (_q, res) => {
        res.writeHead(200, { "content-type": "application/json" });
        const chunk = Buffer.alloc(64 * 1024, 0x20);
        res.on("close", resolve);
        const pump = (): void => {
          while (written < total && !res.destroyed) {
            written += chunk.length;
            if (!res.write(chunk)) return void res.once("drain", pump);
          }
          res.end();
        };
        pump();
      };
    });
    await usingClient({ fqdn: fx.server.url, accessKey: KEY, maxResponseBytes: 64 * 1024 }, async (small) => {
      const e = await rejectsWith(small.call("all.ext.get", {}), "BAD_RESPONSE");
      assert.match(e.message, /larger than 65536 bytes \(maxResponseBytes\)/);
      await closed;
      assert.ok(written < 64 * 1024 * 1024, `server wrote ${written} bytes before the client hung up`);
      console.log(`      oversize: the server wrote ${(written / 1024 / 1024).toFixed(1)} MB of ${total / 1024 / 1024} MB before the connection closed`);
    });
  });

  it("a port with nothing listening → UNREACHABLE naming the base URL (a read is retried)", async () => {
    const port = await closedPort();
    await usingClient({ fqdn: `http://127.0.0.1:${port}`, accessKey: KEY, retryDelayMs: 5 }, async (c) => {
      const e = await rejectsWith(c.call("ext.state.get", { num: "1" }), "UNREACHABLE");
      assert.equal(e.message, `ext.state.get failed: cannot reach the PBX at http://127.0.0.1:${port} (connection refused, after 3 attempts)`);
      assert.equal(e.attempts, 3);
      const w = await rejectsWith(c.call("makecall", { first: "1", second: "2" }), "UNREACHABLE");
      assert.equal(w.attempts, 1, "a write is tried once");
    });
  });

  it("no answer in time → TIMEOUT", async () => {
    fx.server.handler = () => undefined; // never answers
    await usingClient({ fqdn: fx.server.url, accessKey: KEY, timeout: 150 }, async (c) => {
      const e = await rejectsWith(c.call("ext.info.get", { num: "1" }), "TIMEOUT");
      assert.equal(e.message, "ext.info.get failed: no answer from the PBX within 150 ms (timeout)");
    });
  });

  it("an answer that is not HTTP → BAD_RESPONSE", async () => {
    const raw = net.createServer((s) => {
      s.resume(); // read the request, so the client's close is seen
      s.end("HELLO THERE\r\n\r\n");
    });
    await new Promise<void>((resolve) => raw.listen(0, "127.0.0.1", resolve));
    const { port } = raw.address() as net.AddressInfo;
    try {
      await usingClient({ fqdn: `http://127.0.0.1:${port}`, accessKey: KEY }, async (c) => {
        const e = await rejectsWith(c.call("info", {}), "BAD_RESPONSE");
        assert.match(e.message, /^info failed: the PBX sent an answer that is not valid HTTP \(HPE_/);
      });
    } finally {
      await new Promise<void>((resolve) => raw.close(() => resolve()));
    }
  });
});
