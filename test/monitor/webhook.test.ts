// Webhook reading and normalisation: every event of the reference, old and new names, the K2M
// variant, and the payload shapes shared with polling.
import assert from "node:assert/strict";
import { MalformedWebhookError, WebhookCalls, callIdOf, parseWebhook, type MonitorEvent } from "../../src/monitor";
import { clockSeconds, titleSeconds } from "../../src/monitor/webhook";
import { WEBHOOK_EXAMPLES } from "./webhook-examples";

const NOW = Date.parse("2025-09-10T18:39:03Z");
type P = Record<string, unknown>;
const payload = (e: MonitorEvent): P => e.payload as unknown as P;

describe("monitor webhook: every event of the reference", () => {
  for (const ex of WEBHOOK_EXAMPLES) {
    it(`${ex.name} → ${ex.topics.join(", ")}`, () => {
      const events = new WebhookCalls().handle(parseWebhook(ex.fields), NOW);
      assert.deepEqual(events.map((e) => e.topic), ex.topics);
      for (const e of events) {
        const p = payload(e);
        assert.equal(p.source, "webhook");
        assert.ok("callID" in p, "every call event has a callID (null when unknown)");
        assert.equal(p.at, new Date(NOW).toISOString());
      }
    });
  }
});

describe("monitor webhook: payloads", () => {
  it("takes callID from the id (yyMMddHHmmss_<callID>-<segment>), keeps id, chid, callerid, user, did", () => {
    const [started, ringing] = new WebhookCalls().handle(parseWebhook(WEBHOOK_EXAMPLES[1].fields), NOW);
    const p = payload(ringing);
    assert.equal(p.callID, 6);
    assert.equal(p.id, "250910183903_6-0");
    assert.equal(p.chid, "00000000-01dc-27fa-d1eb-64b00000002e");
    assert.equal(p.callerid, "381629759787");
    assert.equal(p.user, "100");
    assert.equal(p.dnNum, "100");
    assert.equal(p.usertype, "ext");
    assert.equal(p.did, "DID Serbia 021 3220 030");
    assert.equal((p.webhook as P).phonebook, "Smith, John");
    assert.equal(payload(started).callID, 6);
  });

  it("a call's life by webhook: one started, the -0 → -1 segment change is the same call, ended with duration", () => {
    const calls = new WebhookCalls();
    const seen: string[] = [];
    const t = (s: number): number => NOW + s * 1000;
    const send = (f: P, at: number): MonitorEvent[] => {
      const evs = calls.handle(parseWebhook(f), at);
      seen.push(...evs.map((e) => e.topic));
      return evs;
    };
    send({ event: "ringing", callerid: "381629759787", user: "809", usertype: "other", id: "250910183903_6-0" }, t(0));
    send({ event: "ringing", callerid: "381629759787", user: "802", usertype: "queue", id: "250910183903_6-0" }, t(1));
    send({ event: "ringing", callerid: "381629759787", user: "100", usertype: "ext", id: "250910183903_6-0" }, t(2));
    send({ event: "pickupincoming", callerid: "381629759787", user: "100", id: "250910183903_6-1", trtype: "NotDef" }, t(5));
    assert.equal(calls.size, 1);
    assert.equal(calls.snapshot(t(6)).calls.length, 1);
    const [ended] = send({ event: "incoming", callerid: "381629759787", user: "100", id: "250910183903_6-1", finishtype: "Ok", title: "X:Answered call from 381629759787 (0:30)" }, t(35));
    assert.deepEqual(seen, ["call.started", "call.ringing", "call.ringing", "call.ringing", "call.answered", "call.ended"]);
    const p = payload(ended);
    assert.equal(p.callID, 6);
    assert.equal(p.missed, false);
    assert.equal(p.duration, 35);
    assert.equal(p.talkTime, 30); // the generator's own (m:ss)
    assert.equal(p.direction, "inbound");
    assert.equal(calls.size, 0);
  });

  it("finishtype Missed → missed true, talk time 0; Ok → missed false", () => {
    const missed = payload(new WebhookCalls().handle(parseWebhook(WEBHOOK_EXAMPLES[8].fields), NOW)[0]);
    assert.equal(missed.missed, true);
    assert.equal(missed.talkTime, 0);
    assert.equal(missed.finishtype, "Missed");
    const ok = payload(new WebhookCalls().handle(parseWebhook(WEBHOOK_EXAMPLES[7].fields), NOW)[0]);
    assert.equal(ok.missed, false);
    assert.equal(ok.talkTime, 7);
    assert.equal(ok.duration, 7);
    assert.equal(ok.transferred, false);
    const k2m = payload(new WebhookCalls().handle(parseWebhook(WEBHOOK_EXAMPLES[16].fields), NOW)[0]);
    assert.equal(k2m.talkTime, 6); // Duration "00:06"
    assert.equal(k2m.callID, 77);
  });

  it("recording: the URLs, and the callID from the file name when the request has nothing else", () => {
    const p = payload(new WebhookCalls().handle(parseWebhook(WEBHOOK_EXAMPLES[11].fields), NOW)[0]);
    assert.deepEqual(p.files, ["https://fqdn.my3cx.eu:5001/webapi/recording/220726170922_4-1-1.mp3"]);
    assert.equal(p.callID, 4);
    const k = payload(new WebhookCalls().handle(parseWebhook(WEBHOOK_EXAMPLES[17].fields), NOW)[0]);
    assert.deepEqual(k.files, ["https://pbx.example.com/webapi/recording/240101101010_77-1-1.mp3"]);
  });

  it("ai: summary, transcription, sentiment as a number", () => {
    const p = payload(new WebhookCalls().handle(parseWebhook(WEBHOOK_EXAMPLES[13].fields), NOW)[0]);
    assert.equal(p.summary, "Customer asked for an invoice copy.");
    assert.equal(p.transcription, "Hello, I need…");
    assert.equal(p.sentiment, 5);
  });

  it("K2M: Capitalised keys are read, stray spaces trimmed", () => {
    const [, ringing] = new WebhookCalls().handle(parseWebhook(WEBHOOK_EXAMPLES[14].fields), NOW);
    const p = payload(ringing);
    assert.equal(p.callerid, "905321112233");
    assert.equal(p.user, "201");
    assert.equal(p.usertype, "queue");
    assert.equal(p.callID, 77);
  });

  it("FILES as a JSON text or a comma list (GET-ish forms) are lists too", () => {
    assert.equal(parseWebhook({ FILES: '["https://a/x.mp3","https://a/y.mp3"]' }).kind, "recording");
    const p = payload(new WebhookCalls().handle(parseWebhook({ files: "https://a/x.mp3, https://a/y.mp3" }), NOW)[0]);
    assert.deepEqual(p.files, ["https://a/x.mp3", "https://a/y.mp3"]);
  });

  it("the token field never reaches a payload", () => {
    const hook = parseWebhook({ event: "ringing", id: "250910183903_6-0", token: "s3cret", Token: "s3cret" });
    assert.equal(JSON.stringify(new WebhookCalls().handle(hook, NOW)).includes("s3cret"), false);
  });

  it("malformed: not an object, no event and no FILES, a non-string event", () => {
    for (const bad of [null, [], "ringing", 5, {}, { callerid: "1" }, { event: 5 }, { event: "  " }]) {
      assert.throws(() => parseWebhook(bad), MalformedWebhookError, JSON.stringify(bad));
    }
  });

  it("an event name we do not know is webhook.event: the name as sent, fields with keys lower-cased, never the token", () => {
    const hook = parseWebhook({ Event: "FwdStatusChanged", Num: "102", FwdName: "Away", token: "t0k3n" });
    assert.equal(hook.kind, "unknown");
    assert.deepEqual(new WebhookCalls().handle(hook, NOW), [{
      topic: "webhook.event",
      payload: { source: "webhook", event: "FwdStatusChanged", num: "102", fwdname: "Away", at: new Date(NOW).toISOString() },
    }]);
  });

  it("remembers at most maxCalls calls", () => {
    const calls = new WebhookCalls({ maxCalls: 3 });
    for (let i = 0; i < 5; i++) calls.handle(parseWebhook({ event: "ringing", id: `250910183903_${i}-0` }), NOW);
    assert.equal(calls.size, 3);
  });

  it("time and id helpers", () => {
    assert.equal(callIdOf("230115121143_9-1"), 9);
    assert.equal(callIdOf("381629759787-100_240729145056_39-1-1.mp3"), 39);
    assert.equal(callIdOf("abc"), null);
    assert.equal(clockSeconds("00:06"), 6);
    assert.equal(clockSeconds("1:02:03"), 3723);
    assert.equal(titleSeconds("…:Success call 420774852640(3:24)"), 204);
    assert.equal(titleSeconds("Unanswered call to 381629759787"), undefined);
  });
});
