// The feed on its own: socket messages → GETs → events, against a scripted Call Control reader
// whose answers the test releases one by one (so the order they come back in is the test's).
import assert from "node:assert/strict";
import type { MonitorEvent } from "../../../src/monitor";
import { CallTracker, V20Feed, type CallControlReader } from "../../../src/monitor/v20";
import { T0, dnInfo, inbound } from "./fixtures";

interface Pending {
  path: string;
  resolve(v: unknown): void;
  reject(e: unknown): void;
  signal: AbortSignal;
}

function scriptedReader() {
  const pending: Pending[] = [];
  const fulls: Pending[] = [];
  const reader: CallControlReader = {
    entity: (path, signal) => new Promise((resolve, reject) => pending.push({ path, resolve, reject, signal })),
    all: (signal) => new Promise((resolve, reject) => fulls.push({ path: "/callcontrol", resolve, reject, signal })),
  };
  return { reader, pending, fulls };
}

const upsert = (path: string, seq = 1): string => JSON.stringify({ sequence: seq, event: { event_type: 0, entity: path, attached_data: null } });
const remove = (path: string, seq = 1): string => JSON.stringify({ sequence: seq, event: { event_type: 1, entity: path, attached_data: null } });
const P7 = "/callcontrol/101/participants/7";
const flush = (): Promise<void> => new Promise((r) => setImmediate(r));
const topics = (events: readonly MonitorEvent[]): string[] => events.map((e) => e.topic).filter((t) => t.startsWith("call."));

async function started(clock: { now: number } = { now: T0 }) {
  const s = scriptedReader();
  const events: MonitorEvent[] = [];
  const lost: unknown[] = [];
  const feed = new V20Feed({
    reader: s.reader, tracker: new CallTracker({ now: () => clock.now }), now: () => clock.now,
    onEvents: (e) => events.push(...e), onLost: (e) => lost.push(e),
  });
  const baseline = feed.resync();
  s.fulls.shift()!.resolve([dnInfo("101"), dnInfo("102")]);
  await baseline;
  return { ...s, feed, events, lost };
}

describe("V20 feed", () => {
  it("an Upsert is read with one GET of its path; a Remove needs none", async () => {
    const { feed, pending, events } = await started();
    feed.message(upsert(P7));
    assert.deepEqual(pending.map((p) => p.path), [P7]);
    pending.shift()!.resolve(inbound(7, "101", 5, "Ringing"));
    await flush();
    assert.deepEqual(topics(events), ["call.started", "call.ringing"]);
    feed.message(remove(P7));
    assert.equal(pending.length, 0);
    assert.deepEqual(topics(events), ["call.started", "call.ringing", "call.ended"]);
    assert.deepEqual({ entity: feed.stats.entityReads, full: feed.stats.fullReads }, { entity: 1, full: 1 });
  });

  it("Upserts of one path while its GET is out are folded into one more GET", async () => {
    const { feed, pending, events } = await started();
    feed.message(upsert(P7, 1));
    feed.message(upsert(P7, 2));
    feed.message(upsert(P7, 3));
    assert.equal(pending.length, 1);
    pending.shift()!.resolve(inbound(7, "101", 5, "Ringing"));
    await flush();
    assert.equal(pending.length, 1, "one more GET for the two Upserts that came meanwhile");
    pending.shift()!.resolve(inbound(7, "101", 5, "Connected"));
    await flush();
    assert.equal(pending.length, 0);
    assert.deepEqual(topics(events), ["call.started", "call.ringing", "call.answered"]);
  });

  it("a GET answered after the Remove that followed it does not resurrect the participant", async () => {
    const { feed, pending, events } = await started();
    feed.message(upsert(P7));
    pending.shift()!.resolve(inbound(7, "101", 5, "Ringing"));
    await flush();
    feed.message(upsert(P7, 2));
    feed.message(remove(P7, 3));
    pending.shift()!.resolve(inbound(7, "101", 5, "Connected"));
    await flush();
    assert.deepEqual(topics(events), ["call.started", "call.ringing", "call.ended"]);
    assert.equal(feed.tracker.callCount, 0);
  });

  it("a GET that finds the participant gone (404) counts as its Remove; one seen only so reports nothing", async () => {
    const { feed, pending, events } = await started();
    feed.message(upsert(P7));
    pending.shift()!.resolve(inbound(7, "101", 5, "Ringing"));
    await flush();
    feed.message(upsert(P7, 2));
    pending.shift()!.resolve(null); // gone before the GET came
    await flush();
    assert.deepEqual(topics(events), ["call.started", "call.ringing", "call.ended"]);
    events.length = 0;
    feed.message(upsert("/callcontrol/101/participants/8"));
    pending.shift()!.resolve(null);
    feed.message(remove("/callcontrol/101/participants/8"));
    await flush();
    assert.deepEqual(events, []);
  });

  it("messages that arrive while the resync is read are held and applied after it, in order", async () => {
    const s = scriptedReader();
    const events: MonitorEvent[] = [];
    const feed = new V20Feed({ reader: s.reader, tracker: new CallTracker({ now: () => T0 }), onEvents: (e) => events.push(...e) });
    const first = feed.resync();
    s.fulls.shift()!.resolve([dnInfo("101", [inbound(7, "101", 5, "Ringing")])]);
    await first;
    const again = feed.resync();
    feed.message(remove(P7, 9));
    assert.equal(s.pending.length, 0);
    assert.deepEqual(events, [], "held");
    s.fulls.shift()!.resolve([dnInfo("101", [inbound(7, "101", 5, "Connected")])]);
    await again;
    assert.deepEqual(topics(events), ["call.answered", "call.ended"]);
  });

  it("a failed GET triggers a full read; if that fails too the caller is told (it reconnects)", async () => {
    const { feed, pending, fulls, events, lost } = await started();
    feed.message(upsert(P7));
    pending.shift()!.reject(Object.assign(new Error("socket hang up"), { code: "UNREACHABLE" }));
    await flush();
    assert.equal(fulls.length, 1, "a full read instead of losing the change");
    fulls.shift()!.resolve([dnInfo("101", [inbound(7, "101", 5, "Ringing")]), dnInfo("102")]);
    await flush();
    assert.deepEqual(topics(events), ["call.started", "call.ringing"]);
    feed.message(upsert("/callcontrol/102/participants/8"));
    pending.shift()!.reject(new Error("boom"));
    await flush();
    fulls.shift()!.reject(Object.assign(new Error("PBX unreachable"), { code: "UNREACHABLE" }));
    await flush();
    assert.equal(lost.length, 1);
  });

  it("after a disconnect, answers of GETs from before are dropped and messages wait for the resync", async () => {
    const { feed, pending, fulls, events } = await started();
    feed.message(upsert(P7));
    const old = pending.shift()!;
    feed.disconnected();
    assert.equal(old.signal.aborted, true);
    old.resolve(inbound(7, "101", 5, "Ringing"));
    await flush();
    assert.deepEqual(events, []);
    const r = feed.resync();
    fulls.shift()!.resolve([dnInfo("101", [inbound(7, "101", 5, "Connected")]), dnInfo("102")]);
    await r;
    assert.deepEqual(topics(events), ["call.started", "call.answered"]);
  });

  it("a resync whose answer is not a list rejects with BAD_RESPONSE and keeps the messages held", async () => {
    const s = scriptedReader();
    const feed = new V20Feed({ reader: s.reader, onEvents: () => undefined });
    const r = feed.resync();
    s.fulls.shift()!.resolve({ error: "nope" });
    await assert.rejects(r, (e: { code?: string }) => e.code === "BAD_RESPONSE");
    feed.message(upsert(P7));
    assert.equal(s.pending.length, 0);
  });

  it("a gap in the sequence is answered with one full read, which reports what the missing messages said", async () => {
    const clock = { now: T0 };
    const { feed, pending, fulls, events } = await started(clock);
    feed.message(upsert(P7, 10));
    pending.shift()!.resolve(inbound(7, "101", 5, "Ringing"));
    await flush();
    assert.deepEqual(fulls.length, 0, "consecutive so far");
    // 11 and 12 never arrive (say, the call was answered, and 102 got a call); 13 is about another path.
    feed.message(upsert("/callcontrol/102/devices/sip%3A102%40127.0.0.1%3A5061", 13));
    assert.equal(fulls.length, 1, "one full read for the gap");
    assert.equal(feed.stats.gaps, 1);
    fulls.shift()!.resolve([dnInfo("101", [inbound(7, "101", 5, "Connected")]), dnInfo("102", [inbound(8, "102", 6, "Ringing")])]);
    await flush();
    pending.splice(0).forEach((p) => p.resolve(null));
    await flush();
    assert.deepEqual(topics(events), ["call.started", "call.ringing", "call.answered", "call.started", "call.ringing"]);
  });

  it("gaps read at most once a minute; consecutive, repeated and late numbers read nothing", async () => {
    const clock = { now: T0 };
    const { feed, pending, fulls } = await started(clock);
    const answer = (): void => { pending.splice(0).forEach((p) => p.resolve(inbound(7, "101", 5, "Ringing"))); };
    for (const seq of [1, 2, 3, 3, 2, 4]) feed.message(upsert(P7, seq));
    answer();
    assert.equal(fulls.length, 0, "no gap: 1 2 3 3 2 4");
    feed.message(upsert(P7, 9));
    assert.equal(fulls.length, 1);
    fulls.shift()!.resolve([dnInfo("101"), dnInfo("102")]);
    await flush();
    clock.now += 30_000;
    feed.message(upsert(P7, 20));
    assert.equal(fulls.length, 0, "a second gap 30 s later: counted, not read");
    assert.equal(feed.stats.gaps, 2);
    clock.now += 31_000;
    feed.message(upsert(P7, 30));
    assert.equal(fulls.length, 1, "a minute after the last read: read again");
    fulls.shift()!.resolve([dnInfo("101"), dnInfo("102")]);
    await flush();
    answer();
    assert.equal(feed.stats.fullReads, 3, "the baseline and two gap reads in 61 s");
  });

  it("after a reconnect the numbering may start again: a lower number is no gap", async () => {
    const clock = { now: T0 };
    const { feed, fulls } = await started(clock);
    feed.message(upsert(P7, 500));
    feed.disconnected();
    const r = feed.resync();
    fulls.shift()!.resolve([dnInfo("101"), dnInfo("102")]);
    await r;
    clock.now += 120_000;
    feed.message(upsert(P7, 1));
    feed.message(upsert(P7, 2));
    assert.equal(fulls.length, 0);
    assert.equal(feed.stats.gaps, 0);
  });

  it("ignores what is not a participant or device event (responses, DTMF, garbage), and counts it", async () => {
    const { feed, pending } = await started();
    feed.message("garbage");
    feed.message('{"event":{"event_type":2,"entity":"/callcontrol/101/participants/7","attached_data":{"dtmf_input":"1"}}}');
    feed.message(upsert("/callcontrol/101"));
    assert.equal(pending.length, 0);
    assert.equal(feed.stats.ignored, 3);
  });
});
