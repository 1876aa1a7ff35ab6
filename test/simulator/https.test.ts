// HTTPS with the certificate generated at start: trusted through `sim.ca`, refused without it.
import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import https from "node:https";
import { startSimulator, type Simulator } from "../../src/simulator";
import { request, webapiUrl } from "./helpers";

describe("simulator: HTTPS", () => {
  let sim: Simulator;

  before(async () => {
    sim = await startSimulator({ httpPort: false });
  });
  after(() => sim.close());

  it("listens on https://127.0.0.1 only (no HTTP listener when httpPort is false)", () => {
    assert.match(sim.httpsUrl, /^https:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(sim.httpUrl, "");
  });

  it("answers when the client trusts sim.ca", async () => {
    const res = await request(webapiUrl(sim.httpsUrl, sim.accessKey, "info"), { ca: sim.ca });
    assert.equal(res.status, 200);
    assert.equal((JSON.parse(res.body) as { product: string }).product, "3CX REST API");
  });

  it("is refused by default (self-signed certificate)", async () => {
    await assert.rejects(
      request(webapiUrl(sim.httpsUrl, sim.accessKey, "info"), { agent: new https.Agent() }),
      (err: NodeJS.ErrnoException) => /SELF_SIGNED|UNABLE_TO_VERIFY/.test(String(err.code)),
    );
  });

  it("has a certificate for 127.0.0.1, ::1 and localhost", async () => {
    const cert = new X509Certificate(sim.ca);
    assert.ok(cert.checkIP("127.0.0.1"));
    assert.ok(cert.checkIP("::1"));
    assert.equal(cert.checkHost("localhost"), "localhost");
    assert.ok(new Date(cert.validTo).getTime() > Date.now() + 300 * 24 * 3600_000);
    // A client that names the server "localhost" (without DNS: connect to 127.0.0.1) accepts it too.
    const status = await new Promise<number>((resolve, reject) => {
      https.get(webapiUrl(sim.httpsUrl, sim.accessKey, "info"), { ca: sim.ca, servername: "localhost", agent: false }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      }).on("error", reject);
    });
    assert.equal(status, 200);
  });
});
