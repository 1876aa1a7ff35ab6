// The 3cx-config node through a real Node-RED runtime (test helper) against the simulator.
import assert from "node:assert/strict";
import net from "node:net";
import { startSimulator, type Simulator } from "../../src/simulator";
import type { ThreeCxConfigNode } from "../../nodes/shared/types";
import { helper, nodeModule } from "../support/nodered";

const KEY = "Zq9-SECRET-cfg-77";
const configModule = nodeModule("3cx-config");

async function closedPort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

function hostOf(url: string): string {
  return url.replace(/^https?:\/\//, "");
}

describe("3cx-config node", function () {
  let sim: Simulator;

  before(async () => {
    sim = await startSimulator({ accessKey: KEY });
  });
  after(async () => {
    await sim.close();
  });
  beforeEach(async () => {
    await helper.startServer();
  });
  afterEach(async () => {
    sim.faults.clear();
    await helper.unload();
    await helper.stopServer();
  });

  async function loadConfig(fqdn: string, key = KEY, extra: Record<string, unknown> = {}): Promise<ThreeCxConfigNode> {
    await helper.load(configModule, [{ id: "cfg", type: "3cx-config", fqdn, timeout: 2000, maxConcurrent: 4, ...extra }], { cfg: { accessKey: key } });
    return helper.getNode("cfg") as unknown as ThreeCxConfigNode;
  }

  const forms: Array<[string, string]> = [
    ["pbx.example.com", "https://pbx.example.com"],
    ["pbx.example.com:5001", "https://pbx.example.com:5001"],
    ["https://pbx.example.com:5001/", "https://pbx.example.com:5001"],
    ["https://pbx.example.com:5001/webapi", "https://pbx.example.com:5001"],
    ["http://127.0.0.1:8080", "http://127.0.0.1:8080"],
  ];
  for (const [fqdn, base] of forms) {
    it(`accepts fqdn "${fqdn}" as ${base}`, async () => {
      const cfg = await loadConfig(fqdn);
      assert.equal(cfg.baseUrl, base);
    });
  }

  it("keeps the access key in the credentials and uses it for requests", async () => {
    const cfg = await loadConfig(sim.httpUrl);
    assert.equal((cfg as unknown as { credentials: { accessKey: string } }).credentials.accessKey, KEY);
    const answer = await cfg.client.call("info", {});
    assert.equal((answer.data as { product: string }).product, "3CX REST API");
  });

  it("expands ${ENV} in fqdn and accessKey", async () => {
    process.env.TCX_TEST_HOST = hostOf(sim.httpUrl);
    process.env.TCX_TEST_KEY = KEY;
    try {
      const cfg = await loadConfig("http://${TCX_TEST_HOST}", "${TCX_TEST_KEY}");
      assert.equal(cfg.baseUrl, sim.httpUrl);
      const answer = await cfg.client.call("ext.state.get", { num: "102" });
      assert.equal((answer.data as { num: string }).num, "102");
    } finally {
      delete process.env.TCX_TEST_HOST;
      delete process.env.TCX_TEST_KEY;
    }
  });

  it("closes its client on redeploy: later calls are aborted", async () => {
    const cfg = await loadConfig(sim.httpUrl);
    await helper.unload();
    await assert.rejects(cfg.client.call("info", {}), (err: { code?: string }) => err.code === "ABORTED");
  });

  it("without an access key: the nodes using it say so in their status and log, naming the field", async () => {
    const pbxModule = nodeModule("3cx-pbx");
    const monitorModule = nodeModule("3cx-monitor");
    await helper.load([configModule, pbxModule, monitorModule], [
      { id: "t", type: "tab" },
      { id: "cfg", type: "3cx-config", name: "Office PBX", fqdn: sim.httpUrl, timeout: 2000, maxConcurrent: 4 },
      { id: "pbx", z: "t", type: "3cx-pbx", server: "cfg", method: "info", wires: [] },
      { id: "mon", z: "t", type: "3cx-monitor", server: "cfg", source: "poll", interval: 10, events: ["pbx.down"], wires: [] },
    ], {});
    assert.equal(helper.getNode("cfg"), null, "the config node did not start");
    // Statuses set while the nodes start: the helper spies on the Node prototype's status().
    const spy = (helper as unknown as { _NodePrototype: { status: { getCalls(): Array<{ thisValue: { id: string }; args: [{ text?: string }] }> } } })._NodePrototype.status;
    const statusOf = (id: string): string | undefined => spy.getCalls().filter((c) => c.thisValue.id === id).map((c) => c.args[0].text).pop();
    // The helper's RED._ gives the message keys (the real texts: test/browser/example-import.test.ts).
    assert.equal(statusOf("pbx"), "3cx-config.status.noKey");
    assert.equal(statusOf("mon"), "3cx-config.status.noKey");
    const log = helper.log().args.map((a) => a[0] as { level: number; id?: string; msg?: unknown });
    const errorOf = (id: string): string => String(log.find((e) => e.id === id && e.level === 20)?.msg ?? "");
    assert.match(errorOf("cfg"), /3cx-config\.errors\.no-key/);
    assert.match(errorOf("pbx"), /^3cx-pbx: 3cx-config\.errors\.no-key$/);
    assert.match(errorOf("mon"), /^3cx-monitor: 3cx-config\.errors\.no-key$/);
  });

  describe("test-connection endpoint", () => {
    const post = (body: Record<string, unknown>) => helper.request().post("/3cx-config/test").send(body);

    it("shows license info for a good typed key, with the license fields alone", async () => {
      await loadConfig(sim.httpUrl);
      const res = await post({ fqdn: sim.httpUrl, accessKey: KEY, timeout: 2000 });
      assert.equal(res.status, 200);
      assert.deepEqual(res.body, {
        ok: true,
        info: { product: "3CX REST API", version: "2.1.9", release: "Webhooks", licenseExpire: "02.05.2031 20:32:11", concurrentCalls: 16, clientLicensesNum: "50" },
      });
      const last = sim.requests[sim.requests.length - 1];
      assert.equal(last.method, "info");
    });

    it("uses the stored key of a deployed node when the dialog sends the unchanged-password marker", async () => {
      await loadConfig(sim.httpUrl);
      const res = await post({ id: "cfg", fqdn: sim.httpUrl, accessKey: "__PWRD__" });
      assert.equal(res.body.ok, true);
    });

    it("tests what the dialog shows: a cleared key field is an empty key, not the saved one, and nothing is sent", async () => {
      await loadConfig(sim.httpUrl);
      const before = sim.requests.length;
      const res = await post({ id: "cfg", fqdn: sim.httpUrl, accessKey: "" });
      assert.equal(res.body.ok, false);
      assert.equal(res.body.code, "BAD_CONFIG");
      assert.match(res.body.message, /^Access key is empty/);
      assert.equal(sim.requests.length, before, "no request with the saved key");
      assert.ok(!JSON.stringify(res.body).includes(KEY));
    });

    it("says which scheme the port speaks when the PBX address has the other one (both sides)", async () => {
      await loadConfig(sim.httpUrl);
      const plain = new URL(sim.httpUrl).port;
      const tlsPort = new URL(sim.httpsUrl).port;
      const one = await post({ fqdn: `https://127.0.0.1:${plain}`, accessKey: KEY });
      assert.equal(one.body.code, "TLS");
      assert.match(one.body.message, new RegExp(`answered plain HTTP at https://127\\.0\\.0\\.1:${plain}: try http://127\\.0\\.0\\.1:${plain} as the PBX address$`));
      const two = await post({ fqdn: `http://127.0.0.1:${tlsPort}`, accessKey: KEY });
      assert.equal(two.body.code, "TLS");
      assert.match(two.body.message, new RegExp(`answered HTTPS at http://127\\.0\\.0\\.1:${tlsPort}: try https://127\\.0\\.0\\.1:${tlsPort} as the PBX address$`));
      assert.ok(!JSON.stringify([one.body, two.body]).includes(KEY));
    });

    it("says AUTH for a wrong key", async () => {
      await loadConfig(sim.httpUrl);
      const res = await post({ fqdn: sim.httpUrl, accessKey: "wrong-key-123" });
      assert.equal(res.body.ok, false);
      assert.equal(res.body.code, "AUTH");
      assert.match(res.body.message, /key/i);
    });

    it("says UNREACHABLE for a closed port", async () => {
      await loadConfig(sim.httpUrl);
      const res = await post({ fqdn: `http://127.0.0.1:${await closedPort()}`, accessKey: KEY });
      assert.equal(res.body.code, "UNREACHABLE");
    });

    it("says TIMEOUT when the PBX does not answer in time", async () => {
      await loadConfig(sim.httpUrl);
      sim.faults.set({ latencyMs: 1500 });
      const res = await post({ fqdn: sim.httpUrl, accessKey: KEY, timeout: 200 });
      assert.equal(res.body.code, "TIMEOUT");
    });

    it("says TLS for the simulator's self-signed certificate without a CA", async () => {
      await loadConfig(sim.httpUrl);
      const res = await post({ fqdn: sim.httpsUrl, accessKey: KEY });
      assert.equal(res.body.code, "TLS");
    });

    it("accepts the certificate with the CA from a deployed tls-config node", async () => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const tlsModule = require("@node-red/nodes/core/network/05-tls.js") as unknown;
      await helper.load([configModule, tlsModule], [
        { id: "tls1", type: "tls-config", cert: "", key: "", ca: "", verifyservercert: true },
        { id: "cfg", type: "3cx-config", fqdn: sim.httpsUrl, timeout: 2000, maxConcurrent: 4, tls: "tls1" },
      ], { cfg: { accessKey: KEY }, tls1: { cadata: sim.ca } });
      const res = await post({ id: "cfg", fqdn: sim.httpsUrl, accessKey: "__PWRD__", tls: "tls1" });
      assert.equal(res.body.ok, true, JSON.stringify(res.body));
      const cfg = helper.getNode("cfg") as unknown as ThreeCxConfigNode;
      const answer = await cfg.client.call("all.ext.get", {});
      assert.ok(Array.isArray((answer.data as { nums: unknown }).nums));
    });

    it("says BAD_CONFIG for an fqdn it cannot use", async () => {
      await loadConfig(sim.httpUrl);
      const res = await post({ fqdn: "ftp://pbx", accessKey: KEY });
      assert.equal(res.body.code, "BAD_CONFIG");
      assert.match(res.body.message, /PBX address/);
    });
  });

  describe("look-up endpoint", () => {
    it("lists extensions with names from a deployed config", async () => {
      await loadConfig(sim.httpUrl);
      const res = await helper.request().get("/3cx-config/lists/extension?server=cfg");
      assert.equal(res.status, 200);
      const items = res.body.items as Array<{ value: string; label: string }>;
      assert.ok(items.length >= 10);
      assert.deepEqual(items.find((i) => i.value === "102"), { value: "102", label: "102 Tom Smith" });
    });

    it("lists queues from typed settings", async () => {
      await loadConfig(sim.httpUrl);
      const res = await helper.request().post("/3cx-config/lists/queue").send({ fqdn: sim.httpUrl, accessKey: KEY });
      assert.deepEqual((res.body.items as Array<{ value: string }>).map((i) => i.value), ["820", "802", "804"]);
    });

    it("refuses an unknown list kind", async () => {
      await loadConfig(sim.httpUrl);
      const res = await helper.request().get("/3cx-config/lists/secrets?server=cfg");
      assert.equal(res.status, 404);
    });
  });

  it("keeps the key out of every answer and log line of the failure paths", async () => {
    await loadConfig(sim.httpUrl);
    const answers: string[] = [];
    const posts: Array<Record<string, unknown>> = [
      { fqdn: `http://127.0.0.1:${await closedPort()}`, accessKey: KEY },
      { fqdn: sim.httpsUrl, accessKey: KEY },
      { fqdn: "ftp://pbx.example.com", accessKey: KEY },
      { fqdn: sim.httpUrl, accessKey: `${KEY}x` },
    ];
    for (const body of posts) answers.push(JSON.stringify((await helper.request().post("/3cx-config/test").send(body)).body));
    sim.faults.set({ latencyMs: 800 });
    answers.push(JSON.stringify((await helper.request().post("/3cx-config/test").send({ fqdn: sim.httpUrl, accessKey: KEY, timeout: 100 })).body));
    sim.faults.set({ status: 500, body: `{"error":"boom ${KEY}"}` });
    answers.push(JSON.stringify((await helper.request().post("/3cx-config/test").send({ fqdn: sim.httpUrl, accessKey: KEY })).body));
    answers.push(JSON.stringify((await helper.request().post("/3cx-config/lists/extension").send({ fqdn: sim.httpUrl, accessKey: KEY })).body));
    const logged = JSON.stringify(helper.log().args);
    assert.equal(answers.length, 7);
    for (const text of [...answers, logged]) {
      assert.ok(!text.includes(KEY.slice(0, 12)), `key leaked: ${text}`);
    }
  });
});
