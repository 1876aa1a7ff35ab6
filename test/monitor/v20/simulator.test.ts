// The V20 source against the simulator's V20 mode, in plain TS (the Node-RED side has its own
// tests): the real V20 client (tokens, Call Control GETs), the simulator's WebSocket push, its
// control API dropping the socket and expiring the token. Real clock, short retry delays.
import assert from "node:assert/strict";
import { V20Client } from "../../../src/backends/v20";
import type { MonitorEvent } from "../../../src/monitor";
import { v20SourceFor, type V20Source } from "../../../src/monitor/v20";
import { startSimulator, type Simulator } from "../../../src/simulator";
import { until } from "./support";

const API_KEY = "V20-Api+Key/Secret=Zz9";

describe("V20 source against the simulator", function () {
  this.timeout(20000);
  let sim: Simulator;
  let client: V20Client;
  let source: V20Source;
  let leave: () => Promise<void>;
  const events: MonitorEvent[] = [];
  const calls = (): string[] => events.map((e) => e.topic).filter((t) => t !== "extension.status");
  const of = (topic: string, callID: number): Record<string, unknown> | undefined =>
    events.find((e) => e.topic === topic && (e.payload as { callID?: unknown }).callID === callID)?.payload as Record<string, unknown> | undefined;

  beforeEach(async () => {
    events.length = 0;
    sim = await startSimulator({ httpsPort: false, v20: { apiKey: API_KEY }, callTiming: { ringMs: 60000, talkMs: 60000 } });
    client = new V20Client({ fqdn: sim.httpUrl, clientId: sim.v20.clientId, accessKey: API_KEY, retryDelayMs: 5 });
    source = v20SourceFor({
      baseUrl: client.baseUrl, bearer: () => client.bearer(), invalidateToken: (t) => client.invalidateToken(t),
      callControl: (path, signal) => client.readCallControl(path, signal),
    }, { baseDelayMs: 50 });
    leave = source.subscribe({ onEvents: (e) => events.push(...e), onState: () => undefined });
    await until(() => source.state.kind === "connected", "connected", 5000);
  });
  afterEach(async () => {
    await leave();
    client.close();
    await sim.close();
  });

  it("a call's life in order, with what answer/drop/transfer on V20 need, and the one full read", async () => {
    const reads0 = sim.stats.requests;
    const call = sim.pbx.inboundCall({ from: "+4930123456", to: "101" });
    await until(() => calls().includes("call.ringing"), "ringing");
    const ringing = of("call.ringing", call.callID)!;
    assert.equal(ringing.dnNum, "101");
    assert.equal(ringing.num, "101");
    assert.equal(typeof ringing.participantId, "number");
    assert.equal(ringing.callerid, "+4930123456");
    // "Answer the call that just rang": Call Control on the participant the event names.
    const res = await fetch(`${sim.httpUrl}/callcontrol/${String(ringing.dnNum)}/participants/${String(ringing.participantId)}/answer`, {
      method: "POST", headers: { authorization: `Bearer ${await client.bearer()}` },
    });
    assert.equal(res.status, 200);
    await until(() => calls().includes("call.answered"), "answered");
    sim.pbx.calls.end(call.callID, "External");
    await until(() => calls().includes("call.ended"), "ended");
    assert.deepEqual(calls(), ["call.started", "call.ringing", "call.answered", "call.ended"]);
    assert.equal(of("call.ended", call.callID)!.missed, false);
    assert.ok(sim.stats.requests - reads0 <= 6, `REST reads for one call: ${sim.stats.requests - reads0}`);
  });

  it("the socket dropped mid-call: one pbx.down, one pbx.up, and after the resync exactly what changed", async () => {
    const a = sim.pbx.inboundCall({ from: "+4930111", to: "101" });
    await until(() => calls().includes("call.ringing"), "a rings");
    sim.pbx.calls.answer(a.callID, "101");
    await until(() => calls().includes("call.answered"), "a answered");
    events.length = 0;
    // Cut the socket and change the PBX before the client is back: a ends, b starts.
    assert.equal(sim.v20.dropSockets(), 1);
    sim.pbx.calls.end(a.callID, "External");
    const b = sim.pbx.inboundCall({ from: "+4930222", to: "102" });
    await until(() => calls().includes("pbx.up") && calls().includes("call.ended") && calls().includes("call.ringing"), "back, with the changes");
    await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(calls(), ["pbx.down", "pbx.up", "call.started", "call.ringing", "call.ended"]);
    assert.equal((of("call.ended", a.callID) ?? {}).callID, a.callID);
    assert.equal((of("call.started", b.callID) ?? {}).callID, b.callID);
  });

  it("the control API loses messages on request (numbered, not sent); the source reads the state again and misses nothing", async () => {
    const post = (body: unknown): Promise<Response> => fetch(`${sim.httpUrl}/_sim/v20/lose`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    assert.equal((await post({ count: -1 })).status, 400);
    assert.equal((await post({})).status, 400);
    const first = sim.pbx.inboundCall({ from: "+4930555", to: "102" }); // a numbered message before the gap
    await until(() => of("call.ringing", first.callID) !== undefined, "the first call heard");
    assert.deepEqual(await (await post({ count: 1000 })).json(), { sockets: 1 });
    const a = sim.pbx.inboundCall({ from: "+4930666", to: "101" });
    await until(() => sim.v20.lost > 0, "lost");
    await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(await (await post({ count: 0 })).json(), { sockets: 1 });
    assert.equal(of("call.ringing", a.callID), undefined, "not heard");
    const state = (await (await fetch(`${sim.httpUrl}/_sim/v20`)).json()) as { lost: number };
    assert.equal(state.lost, sim.v20.lost);
    sim.pbx.inboundCall({ from: "+4930777", to: "100" }); // after the gap
    await until(() => of("call.ringing", a.callID) !== undefined, "a heard after the gap");
    assert.equal(source.stats?.gaps, 1);
    assert.deepEqual(calls().filter((t) => t.startsWith("pbx.")), []);
  });

  it("an expired token: the socket closes, the reconnect takes a new token, nothing is lost", async () => {
    const issued = sim.v20.tokensIssued;
    assert.equal(sim.v20.expireTokens(), 1);
    const c = sim.pbx.inboundCall({ from: "+4930333", to: "100" });
    await until(() => calls().includes("pbx.up") && calls().includes("call.ringing"), "back, ringing");
    assert.ok(sim.v20.tokensIssued > issued, "a new token was taken");
    assert.deepEqual(calls(), ["pbx.down", "pbx.up", "call.started", "call.ringing"]);
    assert.equal((of("call.ringing", c.callID) ?? {}).dnNum, "100");
  });
});
