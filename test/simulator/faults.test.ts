// Each fault kind behaves as the Fault contract says; stats count connections and requests in flight.
import assert from "node:assert/strict";
import http from "node:http";
import { startSimulator, type Simulator } from "../../src/simulator";
import { call, request, waitFor, webapiUrl } from "./helpers";

describe("simulator: faults", () => {
  let sim: Simulator;
  const url = (method: string, params: Record<string, string> = {}) => webapiUrl(sim.httpUrl, sim.accessKey, method, params);

  before(async () => {
    sim = await startSimulator({ httpsPort: false });
  });
  after(() => sim.close());
  beforeEach(() => sim.reset());

  it("latencyMs delays the answer, only for the listed methods", async () => {
    await sim.faults.set({ latencyMs: 120, methods: ["info"] });
    const t0 = Date.now();
    assert.equal((await call(sim, "info")).status, 200);
    assert.ok(Date.now() - t0 >= 115, "delayed");
    assert.equal((await call(sim, "pbx.calls.get")).status, 200);
    assert.equal(sim.faults.active.length, 1, "no `times`: stays active");
  });

  it("status with Retry-After, for `times` requests only", async () => {
    await sim.faults.set({ status: 503, retryAfter: 7, times: 2 });
    for (let i = 0; i < 2; i++) {
      const res = await call(sim, "ext.state.get", { num: "102" });
      assert.deepEqual([res.status, res.headers["retry-after"], res.json], [503, "7", { error: "Simulated HTTP 503" }]);
    }
    assert.equal((await call(sim, "ext.state.get", { num: "102" })).status, 200);
    assert.deepEqual(sim.faults.active, []);
  });

  it("a canned body: an HTML page with 200, truncated JSON, an empty 200", async () => {
    await sim.faults.set({ status: 200, body: "<html><body>Please log in</body></html>", contentType: "text/html" });
    const html = await call(sim, "info");
    assert.deepEqual([html.status, html.headers["content-type"], html.text], [200, "text/html", "<html><body>Please log in</body></html>"]);

    await sim.faults.set({ body: '{"nums":["10' });
    const cut = await call(sim, "all.ext.get");
    assert.equal(cut.status, 200);
    assert.equal(cut.json, undefined, "not parseable");

    await sim.faults.set({ status: 200 });
    const empty = await call(sim, "all.ext.get");
    assert.deepEqual([empty.status, empty.text, empty.headers["content-length"]], [200, "", "0"]);
  });

  it("refuseKey answers as for a wrong key", async () => {
    await sim.faults.set({ refuseKey: true, methods: ["info"] });
    const res = await call(sim, "info");
    assert.deepEqual([res.status, res.json], [401, { error: "Invalid access key" }]);
    assert.equal((await call(sim, "all.ext.get")).status, 200);
  });

  it("drop before-headers destroys the socket, and the PBX never sees the write", async () => {
    await sim.faults.set({ drop: "before-headers", methods: ["ext.fwd.set"] });
    await assert.rejects(request(url("ext.fwd.set", { num: "102", status: "Away" })), /socket hang up|ECONNRESET/);
    assert.equal(sim.pbx.extensions.get("102")?.fwdName, "Available");
    assert.equal(sim.requests.filter((r) => r.method === "ext.fwd.set").length, 1, "but it was received");
  });

  it("drop mid-body sends headers and part of the body, then destroys the socket (the write was done)", async () => {
    await sim.faults.set({ drop: "mid-body", methods: ["ext.fwd.set"] });
    await assert.rejects(request(url("ext.fwd.set", { num: "102", status: "Away" })), /aborted|ECONNRESET/);
    assert.equal(sim.pbx.extensions.get("102")?.fwdName, "Away");
  });

  it("hang headers never answers; the request stays in flight until the client gives up", async () => {
    await sim.faults.set({ hang: "headers" });
    await assert.rejects(request(url("info"), { timeoutMs: 100 }), /timeout/);
    await waitFor(() => (sim.stats.inFlight === 0 ? true : undefined), 2000, "inFlight back to 0");
  });

  it("hang body sends the headers and part of the body, then stalls", async () => {
    await sim.faults.set({ hang: "body" });
    const seen = await new Promise<{ status: number; bytes: number; length: number; error: string }>((resolve) => {
      let bytes = 0;
      let status = 0;
      let length = 0;
      const req = http.get(url("all.ext.get"), { agent: false }, (res) => {
        status = res.statusCode ?? 0;
        length = Number(res.headers["content-length"]);
        res.on("data", (c: Buffer) => { bytes += c.length; });
        res.on("error", () => undefined);
      });
      req.setTimeout(150, () => req.destroy(new Error("stalled")));
      req.on("error", (err) => resolve({ status, bytes, length, error: err.message }));
    });
    assert.equal(seen.status, 200);
    assert.ok(seen.bytes > 0 && seen.bytes < seen.length, `${seen.bytes} of ${seen.length} bytes`);
    assert.equal(seen.error, "stalled");
  });

  it("down refuses connections until cleared, then the same port answers again", async () => {
    await sim.faults.set({ down: true });
    // A fresh connection (a kept-alive one is destroyed: the client sees it hang up).
    await assert.rejects(request(url("info"), { agent: false }), (err: NodeJS.ErrnoException) => err.code === "ECONNREFUSED");
    await sim.faults.clear();
    assert.equal((await call(sim, "info")).status, 200);
  });

  it("oversizeBytes answers 200 with a JSON body of exactly that size", async () => {
    await sim.faults.set({ oversizeBytes: 6 * 1024 * 1024, methods: ["all.ext.get"] });
    const res = await call(sim, "all.ext.get");
    assert.equal(res.status, 200);
    assert.equal(Buffer.byteLength(res.text), 6 * 1024 * 1024);
    assert.ok(Array.isArray((res.json as { nums: unknown }).nums));
  });

  it("add() stacks faults; the first matching one applies", async () => {
    await sim.faults.set({ status: 500, methods: ["pbx.calls.get"] });
    await sim.faults.add({ status: 502 });
    assert.equal((await call(sim, "pbx.calls.get")).status, 500);
    assert.equal((await call(sim, "info")).status, 502);
  });

  it("rejects a malformed fault at once", () => {
    assert.throws(() => sim.faults.set({ status: 42 }), /status must be 100-599/);
    assert.throws(() => sim.faults.set({ drop: "later" as never }), /drop must be one of/);
  });
});

describe("simulator: stats", () => {
  let sim: Simulator;
  before(async () => {
    sim = await startSimulator({ httpsPort: false });
  });
  after(() => sim.close());
  beforeEach(() => sim.reset());

  it("counts one connection for keep-alive requests, one per request without", async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      for (let i = 0; i < 5; i++) await call(sim, "info", {}, { agent });
      assert.deepEqual([sim.stats.connections, sim.stats.requests], [1, 5]);
    } finally {
      agent.destroy();
    }
    sim.resetStats();
    for (let i = 0; i < 3; i++) await call(sim, "info", {}, { agent: false });
    assert.deepEqual([sim.stats.connections, sim.stats.requests], [3, 3]);
  });

  it("tracks requests in flight and the maximum seen", async () => {
    await sim.faults.set({ hang: "headers" });
    const agent = new http.Agent({ keepAlive: true, maxSockets: 3 });
    const abort = new AbortController();
    const pending = Array.from({ length: 5 }, () =>
      request(webapiUrl(sim.httpUrl, sim.accessKey, "info"), { agent, signal: abort.signal }).catch(() => "aborted"));
    await waitFor(() => (sim.stats.inFlight === 3 ? true : undefined), 2000, "3 requests in flight");
    assert.equal(sim.stats.maxInFlight, 3, "a client capped at 3 sockets never has more in flight");
    abort.abort();
    agent.destroy();
    await Promise.all(pending);
    await waitFor(() => (sim.stats.inFlight === 0 ? true : undefined), 2000, "inFlight back to 0");
    assert.equal(sim.stats.maxInFlight, 3);
    sim.resetStats();
    assert.deepEqual(sim.stats, { connections: 0, inFlight: 0, maxInFlight: 0, requests: 0 });
  });
});

describe("simulator: latency and fast options", () => {
  it("latencyMs delays every answer", async () => {
    const sim = await startSimulator({ httpsPort: false, latencyMs: 80 });
    try {
      const t0 = Date.now();
      assert.equal((await call(sim, "info")).status, 200);
      assert.ok(Date.now() - t0 >= 75);
    } finally {
      await sim.close();
    }
  });

  it("fast: no base latency, no logging, no request recording (faults still apply)", async () => {
    const lines: string[] = [];
    const sim = await startSimulator({ httpsPort: false, fast: true, latencyMs: 60_000, log: (l) => lines.push(l) });
    try {
      assert.equal((await call(sim, "info")).status, 200, "answered at once despite latencyMs");
      assert.deepEqual([sim.requests.length, lines.length, sim.stats.requests], [0, 0, 1]);
      await sim.faults.set({ status: 500, times: 1 });
      assert.equal((await call(sim, "info")).status, 500);
    } finally {
      await sim.close();
    }
  });
});
