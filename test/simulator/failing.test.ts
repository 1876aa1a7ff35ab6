// The simulator answering like a real PBX does wrong (failing 200s per method, through the API and
// the control API) and like WebAPI 3.x (--version 3: makecall's chid, the 3.0.8 license object).
import assert from "node:assert/strict";
import { startSimulator, type Simulator } from "../../src/simulator";
import { call, request, startReceiver, waitFor } from "./helpers";

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe("simulator: failing 200 answers", () => {
  let sim: Simulator;
  before(async () => {
    sim = await startSimulator({ httpsPort: false });
  });
  after(() => sim.close());
  afterEach(() => sim.faults.clear());

  const cases: Array<[string, string, unknown]> = [
    ["refused", "application/json", { result: false }],
    ["null", "application/json", null],
    ["error-text", "application/json", "Extension not found"],
    ["error-object", "application/json", { error: "Extension not found" }],
    ["login-page", "text/html", undefined],
  ];
  for (const [mode, type, body] of cases) {
    it(`answer "${mode}": the method answers 200 with it, other methods as usual`, async () => {
      await sim.faults.set({ methods: ["ext.fwd.set"], answer: mode as never });
      const res = await call(sim, "ext.fwd.set", { num: "102", status: "Away" });
      assert.equal(res.status, 200);
      assert.ok(String(res.headers["content-type"]).startsWith(type));
      if (mode === "login-page") assert.match(res.text, /^<!DOCTYPE html>.*Login/);
      else assert.deepEqual(res.json, body);
      assert.equal(sim.pbx.extensions.get("102")?.fwdName, "Available", "the PBX did not change");
      assert.deepEqual((await call(sim, "ext.queueglobal.set", { num: "102", log: "on" })).json, { result: true });
    });
  }

  it("through the control API: POST /_sim/faults {methods, answer}, a bad mode is refused", async () => {
    const post = await request(`${sim.httpUrl}/_sim/faults`, { method: "POST", body: JSON.stringify({ methods: ["makecall"], answer: "null" }) });
    assert.equal(post.status, 200, post.body);
    assert.equal((await call(sim, "makecall", { first: "102", second: "103" })).text, "null");
    const bad = await request(`${sim.httpUrl}/_sim/faults`, { method: "POST", body: JSON.stringify({ answer: "teapot" }) });
    assert.equal(bad.status, 400);
    assert.match(bad.body, /answer must be one of refused, null, error-text, error-object, login-page/);
  });
});

describe("simulator: --version 3 answer shapes", () => {
  let sim: Simulator;
  let hooks: Awaited<ReturnType<typeof startReceiver>>;
  before(async () => {
    hooks = await startReceiver();
    sim = await startSimulator({ httpsPort: false, version: 3, callTiming: { ringMs: 30, talkMs: 60 }, webhook: { url: hooks.url, method: "POST" } });
  });
  after(async () => {
    await sim.close();
    await hooks.close();
  });

  it("makecall answers the call's chid, and that call's webhooks carry the same chid", async () => {
    const res = await call(sim, "makecall", { first: "102", second: "420774852529" });
    const chid = (res.json as { chid: string }).chid;
    assert.match(chid, GUID);
    assert.deepEqual(Object.keys(res.json as object), ["chid"]);
    const end = await waitFor(() => hooks.received.find((r) => (r.body as { event?: string })?.event === "outgoing"), 3000, "the end webhook");
    assert.equal((end.body as { chid: string }).chid, chid);
  });

  it("the license object is 3.0.8's: version, sql and ai, no callRecords", async () => {
    const info = (await call(sim, "info")).json as Record<string, unknown>;
    assert.equal(info.version, "3.0.8 20.1");
    assert.equal(info.sql, true);
    assert.equal(info.ai, true);
    assert.equal("callRecords" in info, false);
    assert.deepEqual(Object.keys(info), ["product", "version", "release", "licenseExpire", "clientLicensesNum", "concurrentCalls", "sql", "api", "ai", "quality"]);
  });
});
