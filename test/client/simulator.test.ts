// The client (with the resolver in front) against the WebAPI simulator over real HTTP and HTTPS:
// every seed example end to end, the simulator's error design, and its faults.
import assert from "node:assert/strict";
import { getMethod, type MethodSpec } from "../../src/catalog";
import { WebApiClient, type ClientOptions } from "../../src/client";
import { resolveParams } from "../../src/resolver";
import { startSimulator, type Simulator } from "../../src/simulator";
import { loadSeedExamples } from "../support/seed";
import { usingClient } from "./support/hooks";
import { rejectsWith } from "./support/secrecy";

const KEY = "K3y-SECRET-zz9";

describe("client: against the simulator", function () {
  this.timeout(20_000);
  let sim: Simulator;
  let client: WebApiClient; // HTTPS, trusting the simulator's certificate
  const opts = (extra: Partial<ClientOptions> = {}): ClientOptions => ({ fqdn: sim.httpUrl, accessKey: KEY, retryDelayMs: 5, ...extra });

  before(async () => {
    sim = await startSimulator({ accessKey: KEY });
  });
  beforeEach(async () => {
    await sim.reset();
    client = new WebApiClient({ fqdn: sim.httpsUrl, accessKey: KEY, tls: { ca: sim.ca } });
  });
  afterEach(() => client.close());
  after(() => sim.close());

  describe("seed examples, resolved and sent over HTTPS", () => {
    for (const ex of loadSeedExamples()) {
      it(`${ex.method} answers the seed JSON`, async () => {
        const m = getMethod(ex.method)!;
        const params = resolveParams(m, {}, ex.params);
        const r = await client.call(m, params);
        assert.deepStrictEqual(r.data, ex.response);
        assert.deepEqual(sim.requests.map((q) => [q.method, q.params]), [[ex.method, params]]);
      });
    }
  });

  it("keeps one connection for 50 calls, and never exceeds maxConcurrent under a burst of 100", async () => {
    for (let i = 0; i < 50; i++) await client.call("ext.state.get", { num: "102" });
    assert.equal(sim.stats.connections, 1);
    sim.resetStats();
    await sim.faults.set({ latencyMs: 3 });
    const t0 = performance.now();
    await Promise.all(Array.from({ length: 100 }, () => client.call("all.ext.get", {})));
    const ms = performance.now() - t0;
    assert.equal(sim.stats.maxInFlight, 4);
    assert.equal(sim.stats.requests, 100);
    console.log(`      simulator, HTTPS, burst of 100 (3 ms latency, 4 at once): ${ms.toFixed(0)} ms, ${sim.stats.connections} new connections`);
  });

  it("every value with & = # / ? + % space and non-ASCII arrives intact and alone", async () => {
    const names = ["A&B=C", "#1/2?x", "1+1 100%", "Zürich ☎ 😀", "%41%2"];
    for (const firstname of names) {
      const m = getMethod("contact.new")!;
      const r = await client.call(m, resolveParams(m, {}, { firstname, lastname: "L", id: "ignored" }));
      const { id } = r.data as { id: number };
      const got = await client.call("contact.get", { id: String(id) });
      assert.equal((got.data as { name: string }).name, firstname);
    }
    for (const q of sim.requests.filter((x) => x.method === "contact.new")) assert.deepEqual(Object.keys(q.params).sort(), ["firstname", "lastname"]);
  });

  it("the simulator's error design maps to codes: wrong key AUTH, unknown method 404, bad parameter 400", async () => {
    await usingClient(opts({ accessKey: "wrong-key" }), async (c) => {
      const e = await rejectsWith(c.call("info", {}), "AUTH");
      assert.match(e.message, /^info failed: the PBX refused the access key \(HTTP 401/);
    });
    const ghost: MethodSpec = { ...getMethod("all.ext.get")!, name: "ghost.get", path: "ghost.get" };
    const e404 = await rejectsWith(client.call(ghost, {}), "HTTP_404");
    assert.match(e404.message, /^ghost.get failed: the PBX answered with an error \(HTTP 404/);
    const e400 = await rejectsWith(client.call("ext.state.get", {}), "HTTP_400");
    assert.match(e400.message, /HTTP 400: num/);
  });

  it("faults: a read is retried through 503s; a write dropped before headers is sent once", async () => {
    await sim.faults.set({ methods: ["ext.state.get"], status: 503, times: 2 });
    const r = await client.call("ext.state.get", { num: "102" });
    assert.equal(r.attempts, 3);
    await sim.faults.set({ methods: ["makecall"], drop: "before-headers" });
    await rejectsWith(client.call("makecall", { first: "101", second: "102" }), "UNREACHABLE");
    assert.equal(sim.requests.filter((q) => q.method === "makecall").length, 1);
  });

  it("faults: hang → TIMEOUT, oversize → BAD_RESPONSE, HTML → BAD_RESPONSE, refused key → AUTH", async () => {
    await usingClient(opts({ timeout: 150 }), async (c) => {
      await sim.faults.set({ hang: "headers" });
      await rejectsWith(c.call("all.ext.get", {}), "TIMEOUT");
      await sim.faults.set({ hang: "body" });
      await rejectsWith(c.call("queue.agents.set", { num: "802", members: "101" }), "TIMEOUT");
    });
    await usingClient(opts({ maxResponseBytes: 10_000 }), async (c) => {
      await sim.faults.set({ oversizeBytes: 1_000_000 });
      await rejectsWith(c.call("all.ext.get", {}), "BAD_RESPONSE");
      await sim.faults.set({ status: 200, body: "<html><body>Login</body></html>", contentType: "text/html" });
      const e = await rejectsWith(c.call("all.ext.get", {}), "BAD_RESPONSE");
      assert.match(e.message, /HTML page/);
      await sim.faults.set({ refuseKey: true });
      await rejectsWith(c.call("all.ext.get", {}), "AUTH");
    });
  });

  it("faults: PBX down → UNREACHABLE, then back", async () => {
    await usingClient(opts(), async (c) => {
      await sim.faults.set({ down: true });
      const e = await rejectsWith(c.call("pbx.calls.get", {}), "UNREACHABLE");
      assert.equal(e.attempts, 3);
      await sim.faults.clear();
      assert.equal((await c.call("pbx.calls.get", {})).status, 200);
    });
  });

  it("faults: Retry-After on 503 is honoured", async () => {
    await sim.faults.set({ status: 503, retryAfter: 1, times: 1 });
    const t0 = performance.now();
    const r = await client.call("all.queue.get", {});
    assert.equal(r.attempts, 2);
    assert.ok(performance.now() - t0 >= 950);
  });

  it("refuses the simulator's certificate without its CA → TLS", async () => {
    await usingClient({ fqdn: sim.httpsUrl, accessKey: KEY }, async (c) => {
      await rejectsWith(c.call("info", {}), "TLS");
    });
  });
});
