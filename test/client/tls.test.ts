// HTTPS: certificate verification is on by default; the CA, client cert, servername and
// verify-off are per client (the https agent), never process-wide.
import assert from "node:assert/strict";
import https from "node:https";
import { WebApiClient, WebApiError, type TlsOptions } from "../../src/client";
import { CLIENT_PASSPHRASE, testCerts, type TestCerts } from "./support/certs";
import { usingClient, withServer } from "./support/hooks";
import { rejectsWith } from "./support/secrecy";
import { KEY, TestServer } from "./support/server";

describe("client: TLS", function () {
  this.timeout(20_000); // certificate generation on a slow machine
  let certs: TestCerts;
  const fx = withServer({}, async () => (certs = await testCerts()).good);

  it("refuses a certificate from an unknown CA by default → TLS, not retried", async () => {
    const e = await rejectsWith(fx.client.call("all.ext.get", {}), "TLS");
    assert.match(e.message, /^all.ext.get failed: the PBX's certificate is not trusted \(self-signed or unknown CA\).*\(DEPTH_ZERO_SELF_SIGNED_CERT\)$/);
    assert.equal(e.attempts, 1);
    assert.equal(fx.server.hits.length, 0, "no request was sent");
  });

  it("accepts it with the CA given, over one keep-alive TLS connection", async () => {
    await usingClient({ fqdn: fx.server.url, accessKey: KEY, tls: { ca: certs.good.cert } }, async (c) => {
      for (let i = 0; i < 20; i++) await c.call("ext.state.get", { num: String(i) });
    });
    assert.equal(fx.server.hits.length, 20);
    assert.equal(fx.server.connections, 1);
  });

  it("checks the host name: https://localhost works, a CA-trusted cert for another name does not", async () => {
    const port = new URL(fx.server.url).port;
    await usingClient({ fqdn: `localhost:${port}`, accessKey: KEY, tls: { ca: Buffer.from(certs.good.cert) } }, async (c) => {
      assert.deepEqual((await c.call("info", {})).data, { method: "info", params: {} });
    });
    const other = await TestServer.start({ tls: certs.otherHost });
    try {
      await usingClient({ fqdn: other.url, accessKey: KEY, tls: { ca: certs.otherHost.cert } }, async (c) => {
        const e = await rejectsWith(c.call("info", {}), "TLS");
        assert.match(e.message, /not made out for the host name in the PBX address \(ERR_TLS_CERT_ALTNAME_INVALID\)/);
      });
      // …unless the name to check is given (servername).
      await usingClient({ fqdn: other.url, accessKey: KEY, tls: { ca: certs.otherHost.cert, servername: "pbx.invalid" } }, async (c) => {
        assert.equal((await c.call("info", {})).status, 200);
      });
    } finally {
      await other.close();
    }
  });

  it("refuses an expired certificate even from a trusted CA → TLS", async () => {
    const expired = await TestServer.start({ tls: certs.expired });
    try {
      await usingClient({ fqdn: expired.url, accessKey: KEY, tls: { ca: certs.expired.cert } }, async (c) => {
        const e = await rejectsWith(c.call("info", {}), "TLS");
        assert.match(e.message, /certificate has expired \(CERT_HAS_EXPIRED\)/);
      });
    } finally {
      await expired.close();
    }
  });

  it("rejectUnauthorized: false accepts it for this client only", async () => {
    const before = { env: process.env.NODE_TLS_REJECT_UNAUTHORIZED, global: https.globalAgent.options.rejectUnauthorized };
    await usingClient({ fqdn: fx.server.url, accessKey: KEY, tls: { rejectUnauthorized: false } }, async (c) => {
      assert.equal((await c.call("info", {})).status, 200);
      // Another client at the same time still verifies.
      await rejectsWith(fx.client.call("info", {}), "TLS");
    });
    assert.deepEqual({ env: process.env.NODE_TLS_REJECT_UNAUTHORIZED, global: https.globalAgent.options.rejectUnauthorized }, before);
  });

  it("presents a client certificate (encrypted key + passphrase) when the PBX requires one", async () => {
    const mutual = await TestServer.start({ tls: certs.good, clientCa: certs.client.cert });
    const base = { fqdn: mutual.url, accessKey: KEY };
    try {
      await usingClient({ ...base, tls: { ca: certs.good.cert } }, async (c) => {
        const e = await rejectsWith(c.call("info", {}), "TLS");
        assert.match(e.message, /the PBX wants a client certificate it accepts/);
      });
      assert.equal(mutual.hits.length, 0, "refused without a client certificate");
      const tls = { ca: certs.good.cert, cert: certs.client.cert, key: certs.client.key, passphrase: CLIENT_PASSPHRASE };
      await usingClient({ ...base, tls }, async (c) => {
        assert.equal((await c.call("info", {})).status, 200);
      });
      assert.throws(() => new WebApiClient({ ...base, tls: { ...tls, passphrase: "wrong" } }), /tls: the CA, certificate, key or passphrase cannot be used/);
    } finally {
      await mutual.close();
    }
  });

  it("https to a plain HTTP port → TLS", async () => {
    const plain = await TestServer.start();
    try {
      await usingClient({ fqdn: plain.url.replace("http:", "https:"), accessKey: KEY }, async (c) => {
        const e = await rejectsWith(c.call("info", {}), "TLS");
        assert.match(e.message, /the PBX answered plain HTTP at https:.*: try http:\/\//); // test/client/scheme.test.ts has the rest
      });
    } finally {
      await plain.close();
    }
  });

  it("unusable TLS material is BAD_CONFIG at construction, naming tls, without quoting it", () => {
    const cases: Array<[TlsOptions, RegExp]> = [
      [{ ca: "not a pem" }, /^tls\.ca must hold one or more PEM certificates/],
      [{ ca: "-----BEGIN CERTIFICATE-----\nK3y-SECRET-zz9\n-----END CERTIFICATE-----" }, /^tls\.ca holds a certificate that cannot be read/],
      [{ cert: certs.good.cert }, /^tls\.cert and tls\.key must be given together/],
      [{ cert: certs.good.cert, key: "-----BEGIN PRIVATE KEY-----\nK3y-SECRET-zz9\n-----END PRIVATE KEY-----" }, /^tls: the CA, certificate, key or passphrase cannot be used/],
      [{ cert: certs.good.cert, key: certs.good.key, passphrase: 1 as unknown as string }, /^tls/],
    ];
    for (const [tls, message] of cases) {
      assert.throws(() => new WebApiClient({ fqdn: fx.server.url, accessKey: KEY, tls }), (e: unknown) => {
        assert.ok(e instanceof WebApiError && e.code === "BAD_CONFIG", String(e));
        assert.match(e.message, message);
        assert.ok(!e.message.includes("K3y"), e.message);
        return true;
      });
    }
  });
});
