// Live calls: makecall rings then is answered, drop ends it; inbound calls ring queue agents;
// every view (callsinfo, ac, calls count, ext.state, queue.talk) follows.
import assert from "node:assert/strict";
import { startSimulator, type Simulator } from "../../src/simulator";
import type { CallEvent } from "../../src/simulator";
import { call, waitFor } from "./helpers";

interface InfoCall {
  callID: number;
  state: string;
  startedAt: string;
  answeredAt?: string;
  did: string;
  owner: { dnNum: string; status: string };
  talkTo: Array<{ dnNum: string; dnType: string; externalParty: string; status: string }>;
  routingTo: Array<{ dnNum: string; externalParty: string; status: string }>;
}

describe("simulator: live calls", () => {
  let sim: Simulator;
  const events: CallEvent[] = [];
  const info = async () => (await call(sim, "pbx.callsinfo.get")).json as { count: number; callsInfo: InfoCall[] };
  const findCall = async (id: number) => (await info()).callsInfo.find((c) => c.callID === id);
  const status = async (num: string) => ((await call(sim, "ext.state.get", { num })).json as { status: string }).status;
  /** Calls made by this test (not the seed's two). */
  const newCalls = async () => (await info()).callsInfo.filter((c) => c.callID >= 46900);

  before(async () => {
    sim = await startSimulator({ httpsPort: false });
    sim.pbx.onCall((e) => events.push(e));
  });
  after(() => sim.close());
  beforeEach(async () => {
    await sim.reset();
    events.length = 0;
    // Long enough that nothing is answered behind a test's back; tests that wait for it set less.
    sim.pbx.callTiming = { ringMs: 10_000, talkMs: 0 };
  });

  it("makecall creates a ringing call; answered, it talks; drop ends it", async () => {
    assert.deepEqual((await call(sim, "makecall", { first: "102", second: "420774852529" })).json, { first: "102", second: "420774852529" });
    const [ringing] = await newCalls();
    assert.equal(ringing.state, "Ringing");
    assert.equal(ringing.answeredAt, undefined);
    assert.match(ringing.startedAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.deepEqual(ringing.routingTo.map((l) => [l.dnNum, l.status]), [["10000", "Ringing"]]);
    assert.equal(await status("102"), "Dialing");

    assert.ok(sim.pbx.calls.answer(ringing.callID), "the far end answers");
    const talking = await findCall(ringing.callID);
    assert.equal(talking?.state, "Talking");
    assert.match(talking?.answeredAt ?? "", /Z$/);
    assert.deepEqual(talking?.talkTo, [{ dnNum: "10000", dnType: "externalline", externalParty: "420774852529", status: "Connected" }]);
    assert.deepEqual(talking?.routingTo, []);
    assert.equal(talking?.owner.status, "Connected");
    assert.equal(await status("102"), "Talking");
    assert.deepEqual((await call(sim, "pbx.calls.get")).json, { result: 3 });
    const ac = (await call(sim, "pbx.ac.get")).json as { count: number; AConnByCallID: Array<{ callID: number; direction: string; AConnList: unknown[] }> };
    const acCall = ac.AConnByCallID.find((c) => c.callID === ringing.callID);
    assert.equal(acCall?.direction, "Outbound");
    assert.equal(acCall?.AConnList.length, 2);

    assert.deepEqual((await call(sim, "drop", { num: "102" })).json, { result: "Drop" });
    assert.equal(await findCall(ringing.callID), undefined);
    assert.equal(await status("102"), "Free");
    assert.deepEqual(events.map((e) => e.type), ["answered", "ended"]);
  });

  it("makecall is answered by itself after ringMs", async () => {
    sim.pbx.callTiming = { ringMs: 30, talkMs: 0 };
    await call(sim, "makecall", { first: "102", second: "420774852529" });
    const [c] = await newCalls();
    await waitFor(async () => ((await findCall(c.callID))?.state === "Talking" ? true : undefined), 3000, "the call to be answered");
    assert.equal(await status("102"), "Talking");
  });

  it("an internal makecall rings the other extension, which can answer at once", async () => {
    await call(sim, "makecall", { first: "101", second: "104" });
    assert.equal(await status("104"), "Ringing");
    assert.deepEqual((await call(sim, "answer", { num: "104", contact: "104" })).json, { result: "Answer" });
    const [c] = await newCalls();
    assert.equal(c.state, "Talking");
    assert.deepEqual([await status("101"), await status("104")], ["Talking", "Talking"]);
    const ac = (await call(sim, "pbx.ac.get")).json as { AConnByCallID: Array<{ callID: number; direction: string }> };
    assert.equal(ac.AConnByCallID.find((x) => x.callID === c.callID)?.direction, "Internal");
  });

  it("a talking agent shows in queue.talk.get and not in queue.free.get", async () => {
    await call(sim, "makecall", { first: "102", second: "101" });
    await call(sim, "answer", { num: "101" });
    assert.deepEqual((await call(sim, "queue.talk.get", { num: "802" })).json, {
      count: 1, members: [{ num: "102", name: "Tom", lastname: "Smith", loggedIn: true }],
    });
    assert.deepEqual((await call(sim, "queue.free.get", { num: "804" })).json, { count: 0, members: [] });
    assert.deepEqual((await call(sim, "queue.isfree.get", { num: "802" })).json, { result: false });
  });

  it("an inbound call to a queue rings the free logged-in agent; answer picks it up", async () => {
    const c = sim.pbx.inboundCall({ from: "420774852529", to: "804", timing: { ringMs: 5000 } });
    const ringing = await findCall(c.callID);
    assert.equal(ringing?.did, "420223003090");
    // The queue's own leg holds the caller while the agent rings.
    assert.deepEqual(ringing?.routingTo.map((l) => [l.dnNum, l.status]), [["804", "Ringing"], ["102", "Ringing"]]);
    assert.equal(await status("102"), "Ringing");
    await call(sim, "answer", { num: "102" });
    const talking = await findCall(c.callID);
    assert.equal(talking?.state, "Talking");
    assert.deepEqual(talking?.talkTo.map((l) => l.dnNum), ["102"]);
    assert.deepEqual(events.map((e) => [e.type, "dn" in e ? e.dn : ""]), [["ringing", "804"], ["ringing", "102"], ["answered", "102"]]);
  });

  it("an unanswered inbound call is missed after ringMs", async () => {
    const c = sim.pbx.inboundCall({ from: "420111222333", to: "802", answer: false, timing: { ringMs: 20 } });
    await waitFor(async () => ((await findCall(c.callID)) ? undefined : true), 2000, "the missed call to end");
    const ended = events.find((e) => e.type === "ended");
    assert.ok(ended && ended.type === "ended" && ended.missed && ended.breakside === "Undef");
  });

  it("a call ends by itself after talkMs", async () => {
    const c = sim.pbx.makeCall("100", "101", { ringMs: 5, talkMs: 30 });
    await waitFor(async () => ((await findCall(c.callID)) ? undefined : true), 2000, "the call to end");
    assert.deepEqual(events.map((e) => e.type), ["ringing", "answered", "ended"]);
  });

  it("transfer hands an extension's call to another number", async () => {
    await call(sim, "makecall", { first: "102", second: "420774852529" });
    const [c] = await newCalls();
    sim.pbx.calls.answer(c.callID);
    assert.deepEqual((await call(sim, "transfer", { num: "102", contact: "102", dest: "101" })).json, { result: "Transfer" });
    const after = await findCall(c.callID);
    assert.equal(after?.owner.dnNum, "101");
    assert.deepEqual([await status("102"), await status("101")], ["Free", "Talking"]);
    assert.equal(sim.pbx.calls.get(c.callID)?.meta.transferred, true);
  });

  it("drop with `external` ends only the call with that party", async () => {
    sim.pbx.makeCall("102", "420111000111", { ringMs: 5000 });
    sim.pbx.makeCall("102", "420222000222", { ringMs: 5000 });
    await call(sim, "drop", { num: "102", external: "420222000222" });
    const left = await newCalls();
    assert.deepEqual(left.map((c) => [...c.talkTo, ...c.routingTo].map((l) => l.externalParty)), [["420111000111"]]);
  });

  it("the seed's calls can be dropped by one of their DNs", async () => {
    await call(sim, "drop", { num: "1739" });
    assert.deepEqual((await info()).callsInfo.map((c) => c.callID), [46864]);
  });
});
