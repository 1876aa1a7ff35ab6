// The webhook generator's requests arrive at a local node:http receiver, POST (JSON) and GET (query).
import assert from "node:assert/strict";
import { startSimulator, type Simulator } from "../../src/simulator";
import { call, request, startReceiver, type Received } from "./helpers";

describe("simulator: webhooks", () => {
  let sim: Simulator;
  let hook: Awaited<ReturnType<typeof startReceiver>>;
  const bodies = () => hook.received.map((r) => r.body as Record<string, unknown>);
  const callEnded = () => new Promise<void>((resolve) => {
    const off = sim.pbx.onCall((e) => {
      if (e.type === "ended") { off(); resolve(); }
    });
  });
  const events = () => bodies().map((b) => (Array.isArray(b.FILES) ? "FILES" : String(b.event)));

  before(async () => {
    hook = await startReceiver();
    sim = await startSimulator({ httpsPort: false, webhook: { url: hook.url } });
  });
  after(async () => {
    await sim.close();
    await hook.close();
  });
  beforeEach(async () => {
    await sim.reset();
    sim.webhooks.target = { url: hook.url };
    sim.pbx.callTiming = { ringMs: 10_000, talkMs: 0 };
    hook.received.length = 0;
  });

  it("POSTs pickupoutgoing, outgoing and the recording for an answered makecall", async () => {
    await call(sim, "makecall", { first: "102", second: "420774852529" });
    const id = sim.pbx.calls.list().find((c) => c.meta.origin === "makecall")?.callID ?? 0;
    sim.pbx.calls.answer(id);
    await call(sim, "drop", { num: "102" });
    await sim.webhooks.idle();

    assert.deepEqual(events(), ["pickupoutgoing", "outgoing", "FILES"]);
    for (const r of hook.received) assert.deepEqual([r.method, r.path, r.contentType], ["POST", "/hook", "application/json"]);
    const [pickup, end, rec] = bodies();
    assert.equal(Object.keys(pickup)[0], "callerid", "the generator's key order");
    assert.deepEqual(
      [pickup.callerid, pickup.user, pickup.did, pickup.trtype, pickup.phonebook, pickup.inbound_did],
      ["420774852529", "102", "", "NotDef", "Doe, John", "420774852529"],
    );
    assert.match(String(pickup.id), new RegExp(`^\\d{12}_${id}-1$`));
    assert.match(String(pickup.chid), /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    assert.deepEqual(
      [end.event, end.user, end.finishtype, end.transfer, end.breakside, end.id],
      ["outgoing", "102", "Ok", "False", "Internal", pickup.id],
    );
    assert.match(String(end.title), /^Successful call to 420774852529 \(0:0\d\)$/);
    assert.equal(Object.keys(rec)[0], "FILES");
    assert.deepEqual(rec.FILES, [`${sim.httpUrl}/webapi/recording/${String(pickup.id)}-1.mp3`]);
    assert.equal(rec.event, "outgoing", "RECORDING_FULL_INFO: the end fields too");

    const mp3 = await request((rec.FILES as string[])[0]);
    assert.deepEqual([mp3.status, mp3.headers["content-type"]], [200, "audio/mpeg"]);
    assert.equal((await request(`${sim.httpUrl}/webapi/recording/000000000000_1-1-1.mp3`)).status, 404);
  });

  it("POSTs ringing (queue, then agent), pickupincoming, incoming and FILES for an answered inbound call", async () => {
    const c = sim.pbx.inboundCall({ from: "420555123456", to: "804", timing: { ringMs: 5, talkMs: 5 } });
    await callEnded();
    await sim.webhooks.idle();

    assert.deepEqual(events(), ["ringing", "ringing", "pickupincoming", "incoming", "FILES"]);
    const [q, agent, pickup, end] = bodies();
    assert.deepEqual([q.user, q.usertype, q.callerid, q.did, q.inbound_did], ["804", "queue", "420555123456", "DID Main", "420223003090"]);
    assert.equal(Object.keys(q)[0], "event");
    assert.deepEqual([agent.user, agent.usertype], ["102", "ext"]);
    assert.match(String(q.id), new RegExp(`_${c.callID}-0$`));
    assert.equal(pickup.user, "102");
    assert.equal(pickup.id, String(q.id).replace(/-0$/, "-1"), "same call id, next segment");
    assert.deepEqual([end.event, end.user, end.finishtype, end.breakside], ["incoming", "102", "Ok", "External"]);
    assert.match(String(end.title), /^DID Main:Answered call from 420555123456 \(0:0\d\)$/);
    assert.equal(end.source_presentation, "420555123456:DID Main");
  });

  it("reports a missed inbound call with finishtype Missed, breakside Undef and no recording", async () => {
    sim.pbx.inboundCall({ from: "420555000111", to: "802", answer: false, timing: { ringMs: 5 } });
    await callEnded();
    await sim.webhooks.idle();
    const end = bodies().find((b) => b.event === "incoming");
    assert.deepEqual(
      [end?.user, end?.finishtype, end?.breakside, end?.title, end?.termination_reason_details],
      ["802", "Missed", "Undef", "DID Main:Missed call by Queue 802 from 420555000111", "by_did"],
    );
    assert.match(String(end?.id), /-0$/);
    assert.ok(!events().includes("FILES"));
  });

  it("GET scheme: the fields in the query; the recording still a POST with JSON", async () => {
    sim.webhooks.target = { url: `${hook.url}?token=abc`, method: "GET", ai: true };
    sim.pbx.inboundCall({ from: "420555999888", to: "102", timing: { ringMs: 5, talkMs: 5 } });
    await callEnded();
    await sim.webhooks.idle();

    const summary = hook.received.map((r: Received) =>
      `${r.method} ${r.query.event ?? (Array.isArray((r.body as { FILES?: unknown } | undefined)?.FILES) ? "FILES" : "?")}`);
    assert.deepEqual(summary, ["GET ringing", "GET pickupincoming", "GET incoming", "POST FILES", "GET ai"]);
    const ringing = hook.received[0];
    assert.deepEqual([ringing.query.token, ringing.query.user, ringing.query.usertype, ringing.query.callerid], ["abc", "102", "ext", "420555999888"]);
    assert.equal(ringing.body, undefined);
    const ai = hook.received[4].query;
    assert.deepEqual(Object.keys(ai).sort(), ["event", "id", "sentiment_score", "summary", "token", "transcription"]);
    assert.equal(hook.received[3].contentType, "application/json");
  });

  it("recordingFullInfo false sends only FILES, to recordingUrl when set", async () => {
    sim.webhooks.target = { url: hook.url, recordingUrl: hook.url.replace("/hook", "/recordings"), recordingFullInfo: false };
    const c = sim.pbx.makeCall("101", "420774852529", { ringMs: 10_000 });
    sim.pbx.calls.answer(c.callID);
    sim.pbx.calls.end(c.callID, "External");
    await sim.webhooks.idle();
    const rec = hook.received[hook.received.length - 1];
    assert.equal(rec.path, "/recordings");
    assert.deepEqual(Object.keys(rec.body as object), ["FILES"]);
  });

  it("sends an arbitrary event on demand, and follows a target changed at runtime", async () => {
    assert.equal(await sim.webhooks.send({ event: "ringing", callerid: "1", user: "100", usertype: "ext", did: "", id: "x-0" }), 200);
    assert.deepEqual(hook.received.map((r) => r.body), [{ event: "ringing", callerid: "1", user: "100", usertype: "ext", did: "", id: "x-0" }]);

    sim.webhooks.target = null;
    assert.equal(await sim.webhooks.send({ event: "ai" }), 0);
    const other = await startReceiver();
    try {
      sim.webhooks.target = { url: other.url, method: "GET" };
      await sim.webhooks.send({ event: "incoming", id: "y-1" });
      await sim.webhooks.send({ FILES: ["u"] });
      assert.deepEqual(other.received.map((r) => r.method), ["GET", "POST"]);
      assert.equal(hook.received.length, 1);
    } finally {
      await other.close();
    }
  });

  it("counts a failed delivery and goes on", async () => {
    const gone = await startReceiver();
    await gone.close();
    sim.webhooks.target = { url: gone.url };
    const failuresBefore = sim.webhooks.failures;
    assert.equal(await sim.webhooks.send({ event: "ringing" }), 0);
    assert.equal(sim.webhooks.failures, failuresBefore + 1);
    assert.match(sim.webhooks.sent[sim.webhooks.sent.length - 1].error ?? "", /ECONNREFUSED/);
  });

  it("rejects a target that is not an http(s) URL", () => {
    assert.throws(() => { sim.webhooks.target = { url: "ftp://127.0.0.1/x" }; }, /http:\/\/ or https:\/\//);
  });
});
