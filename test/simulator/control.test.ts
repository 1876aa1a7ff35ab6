// The /_sim control API drives a simulator from outside its process.
import assert from "node:assert/strict";
import { startSimulator, type Simulator } from "../../src/simulator";
import { call, request } from "./helpers";

describe("simulator: control API", () => {
  let sim: Simulator;
  const ctl = async (method: string, path: string, body?: unknown, base = sim.httpUrl) => {
    const res = await request(`${base}/_sim${path}`, { method, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: res.status, json: JSON.parse(res.body) as Record<string, unknown> };
  };

  before(async () => {
    sim = await startSimulator({ httpsPort: false, controlPort: 0 });
  });
  after(() => sim.close());
  beforeEach(() => sim.reset());

  it("lists its endpoints and shows the PBX state, without the key", async () => {
    const index = await ctl("GET", "");
    assert.ok((index.json.endpoints as string[]).some((e) => e.includes("/_sim/faults")));
    const res = await request(`${sim.httpUrl}/_sim/state`);
    const state = JSON.parse(res.body) as { extensions: Array<{ num: string; state: { status: string } }>; seedSnapshotActive: boolean };
    assert.equal(state.extensions.find((e) => e.num === "102")?.state.status, "Free");
    assert.equal(state.seedSnapshotActive, true);
    assert.ok(!res.body.includes(sim.accessKey));
  });

  it("sets and clears faults", async () => {
    assert.equal((await ctl("POST", "/faults", { status: 503, retryAfter: 1, methods: ["info"] })).status, 200);
    assert.equal((await call(sim, "info")).status, 503);
    assert.deepEqual((await ctl("GET", "/faults")).json.faults, [{ status: 503, retryAfter: 1, methods: ["info"] }]);
    await ctl("DELETE", "/faults");
    assert.equal((await call(sim, "info")).status, 200);
    const bad = await ctl("POST", "/faults", { hang: "forever" });
    assert.deepEqual([bad.status, bad.json.error], [400, "fault: hang must be one of headers, body"]);
  });

  it("takes the PBX down and up again through the separate control port", async () => {
    await ctl("POST", "/faults", { down: true }, sim.controlUrl);
    await assert.rejects(call(sim, "info", {}, { agent: false }), (err: NodeJS.ErrnoException) => err.code === "ECONNREFUSED");
    await ctl("DELETE", "/faults", undefined, sim.controlUrl);
    assert.equal((await call(sim, "info")).status, 200);
    const other = await request(`${sim.controlUrl}/webapi/${sim.accessKey}/`);
    assert.equal(other.status, 404, "the control port serves no WebAPI");
  });

  it("resets the PBX, shows stats and recorded requests", async () => {
    await call(sim, "ext.fwd.set", { num: "102", status: "Away" });
    const reqs = (await ctl("GET", "/requests")).json.requests as Array<{ method: string }>;
    assert.deepEqual(reqs.map((r) => r.method), ["ext.fwd.set"]);
    assert.equal(((await ctl("GET", "/stats")).json as { requests: number }).requests, 1);
    await ctl("POST", "/reset");
    assert.equal(sim.pbx.extensions.get("102")?.fwdName, "Available");
    assert.deepEqual(sim.requests, []);
  });

  it("starts an inbound call and ends it", async () => {
    const { json } = await ctl("POST", "/calls", { from: "420774852529", to: "804", answer: false });
    const id = json.callID as number;
    assert.equal(sim.pbx.calls.get(id)?.state, "Ringing");
    assert.equal(((await call(sim, "ext.state.get", { num: "102" })).json as { status: string }).status, "Ringing");
    assert.deepEqual((await ctl("DELETE", `/calls/${id}`)).json, { ended: true });
    assert.equal(sim.pbx.calls.get(id), undefined);
  });

  it("sets the webhook target and starts and stops the scenario", async () => {
    await ctl("PUT", "/webhook", { url: "http://127.0.0.1:9/hook", method: "GET" });
    assert.deepEqual(sim.webhooks.target, { url: "http://127.0.0.1:9/hook", method: "GET" });
    await ctl("DELETE", "/webhook");
    assert.equal(sim.webhooks.target, null);
    await ctl("POST", "/scenario", { intervalMs: 60_000, seed: 2 });
    assert.equal(sim.scenario.running, true);
    await ctl("DELETE", "/scenario");
    assert.equal(sim.scenario.running, false);
  });

  it("refuses scenario options that would make it spin", async () => {
    const res = await ctl("POST", "/scenario", { intervalMs: "fast" });
    assert.deepEqual([res.status, res.json.error], [400, `scenario: intervalMs must be a number from 1 to ${Number.MAX_SAFE_INTEGER}`]);
    assert.equal(sim.scenario.running, false);
  });

  it("answers 404 for an unknown control endpoint and 400 for bad JSON", async () => {
    assert.equal((await ctl("GET", "/nope")).status, 404);
    const res = await request(`${sim.httpUrl}/_sim/faults`, { method: "POST", body: "{oops" });
    assert.equal(res.status, 400);
  });
});
