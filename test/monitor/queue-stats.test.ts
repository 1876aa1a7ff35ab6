// Today's queue figures on a fake clock: a whole day of calls against counts worked out on the
// side, the local-midnight reset (in a zone that is not UTC), a restart from the saved JSON, and
// the two feeds (polled snapshots, webhook events).
import assert from "node:assert/strict";
import { QueueStats, TimeZoneError, feedEvents, feedSnapshot, localDay, type MonitorEvent } from "../../src/monitor";
import { callsinfo, leg, members, snap } from "./fixtures";

const BERLIN = "Europe/Berlin";
/** 2026-12-01 00:00 in Berlin (UTC+1 in winter). */
const DAY_START = Date.parse("2026-11-30T23:00:00Z");
const S = 1000;

/** A small PRNG so the day is the same on every run. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

describe("queue statistics (fake clock)", () => {
  it("a day of calls: counts and averages equal the ones worked out call by call", () => {
    const stats = new QueueStats({ timeZone: BERLIN, queues: ["800", "801"] });
    const r = rng(7);
    const expect: Record<string, { calls: number; answered: number; missed: number; wait: number; talk: number; ended: number }> = {
      800: { calls: 0, answered: 0, missed: 0, wait: 0, talk: 0, ended: 0 },
      801: { calls: 0, answered: 0, missed: 0, wait: 0, talk: 0, ended: 0 },
    };
    // Calls from 08:00 to 18:00 local, one every 1-5 minutes; each event in time order.
    type Ev = { at: number; run: () => void };
    const evs: Ev[] = [];
    let t = DAY_START + 8 * 3600 * S;
    let n = 0;
    while (t < DAY_START + 18 * 3600 * S) {
      const key = `c${n++}`;
      const q = r() < 0.6 ? "800" : "801";
      const wait = Math.round(5 + r() * 120) * S;
      const talk = Math.round(20 + r() * 400) * S;
      const missed = r() < 0.25;
      const at = t;
      const e = expect[q];
      e.calls++;
      evs.push({ at, run: () => stats.queued(key, q, at) });
      if (missed) {
        e.missed++;
        evs.push({ at: at + wait, run: () => stats.ended(key, at + wait) });
      } else {
        e.answered++;
        e.wait += wait;
        e.talk += talk;
        e.ended++;
        evs.push({ at: at + wait, run: () => stats.answered(key, at + wait) });
        evs.push({ at: at + wait + talk, run: () => stats.ended(key, at + wait + talk) });
      }
      t += Math.round(60 + r() * 240) * S;
    }
    for (const ev of evs.sort((a, b) => a.at - b.at)) ev.run();
    const rep = stats.report(DAY_START + 23 * 3600 * S);
    assert.equal(rep.day, "2026-12-01");
    assert.deepEqual(Object.keys(rep.queues), ["800", "801"]);
    for (const q of ["800", "801"]) {
      const e = expect[q];
      const got = rep.queues[q];
      assert.ok(e.calls > 20, `enough calls in ${q}`);
      assert.equal(got.calls, e.calls);
      assert.equal(got.answered, e.answered);
      assert.equal(got.missed, e.missed);
      assert.equal(got.waiting, 0);
      assert.equal(got.averageWaitSeconds, Math.round(e.wait / e.answered / S));
      assert.equal(got.averageTalkSeconds, Math.round(e.talk / e.ended / S));
      assert.equal(got.agentsLoggedIn, null, "no agent figures until a source gives them");
    }
  });

  it("waiting and longest wait are live; a call waiting at local midnight is the new day's", () => {
    const stats = new QueueStats({ timeZone: BERLIN, queues: ["800"] });
    const late = DAY_START + 24 * 3600 * S - 90 * S; // 23:58:30 local
    stats.queued("a", "800", late - 600 * S);
    stats.answered("a", late - 500 * S);
    stats.queued("b", "800", late - 30 * S);
    stats.queued("c", "800", late);
    stats.ended("b", late + 10 * S); // abandoned
    let rep = stats.report(late + 60 * S);
    assert.equal(rep.day, "2026-12-01");
    assert.deepEqual([rep.queues["800"].calls, rep.queues["800"].answered, rep.queues["800"].missed], [3, 1, 1]);
    assert.equal(rep.queues["800"].waiting, 1);
    assert.equal(rep.queues["800"].longestWaitSeconds, 60);
    // 00:00:05 local: yesterday's figures are gone, the waiting call counts today.
    rep = stats.report(DAY_START + 24 * 3600 * S + 5 * S);
    assert.equal(rep.day, "2026-12-02");
    assert.deepEqual([rep.queues["800"].calls, rep.queues["800"].answered, rep.queues["800"].missed], [1, 0, 0]);
    assert.equal(rep.queues["800"].waiting, 1);
    // The talking call from yesterday ends today: its talk time is today's, its answer was yesterday's.
    stats.ended("a", DAY_START + 24 * 3600 * S + 100 * S);
    stats.answered("c", DAY_START + 24 * 3600 * S + 10 * S);
    rep = stats.report(DAY_START + 24 * 3600 * S + 200 * S);
    assert.deepEqual([rep.queues["800"].calls, rep.queues["800"].answered, rep.queues["800"].averageWaitSeconds], [1, 1, 100]);
    assert.equal(rep.queues["800"].averageTalkSeconds, 690, "answered at 23:48:40, ended at 00:01:40");
  });

  it("midnight is local: 23:30 UTC is already tomorrow in Berlin, still today in UTC", () => {
    const at = Date.parse("2026-12-01T23:30:00Z");
    assert.equal(localDay(BERLIN)(at), "2026-12-02");
    assert.equal(localDay("UTC")(at), "2026-12-01");
    const utc = new QueueStats({ timeZone: "UTC" });
    utc.queued("x", "800", at - 3600 * S);
    utc.ended("x", at - 3000 * S);
    assert.equal(utc.report(at).queues["800"].missed, 1, "same UTC day: kept");
  });

  it("survives a restart: the saved JSON carries today's counts and the calls still waiting", () => {
    const a = new QueueStats({ timeZone: BERLIN, queues: ["800"] });
    const t = DAY_START + 10 * 3600 * S;
    a.queued("1", "800", t);
    a.answered("1", t + 20 * S);
    a.ended("1", t + 80 * S);
    a.queued("2", "800", t + 100 * S);
    const saved = JSON.parse(JSON.stringify(a.toJSON()));
    const b = new QueueStats({ timeZone: BERLIN, queues: ["800"] }, saved);
    b.queued("2", "800", t + 100 * S, t + 130 * S); // seen again after the restart: not a new call
    b.answered("2", t + 140 * S);
    b.ended("2", t + 200 * S);
    const q = b.report(t + 300 * S).queues["800"];
    assert.deepEqual([q.calls, q.answered, q.missed, q.averageWaitSeconds, q.averageTalkSeconds], [2, 2, 0, 30, 60]);
    // Saved yesterday, restarted today: a fresh day.
    const c = new QueueStats({ timeZone: BERLIN, queues: ["800"] }, { ...saved, live: {} });
    assert.equal(c.report(t + 24 * 3600 * S).queues["800"].calls, 0);
    // Something unreadable in the context is a fresh start, not a crash.
    assert.equal(new QueueStats({ timeZone: BERLIN }, { v: 9 }).report(t).day, "2026-12-01");
  });

  it("an unknown time zone is an error naming the setting", () => {
    assert.throws(() => new QueueStats({ timeZone: "Mars/Olympus" }), (e: unknown) => e instanceof TimeZoneError && /time zone: "Mars\/Olympus"/.test(e.message));
  });

  it("polling feed: a queue leg puts the call in the queue, the answer and the end follow; agents from members and legs", () => {
    const stats = new QueueStats({ timeZone: "UTC", queues: ["800"] });
    const watched = new Set(["800"]);
    const t0 = Date.parse("2026-12-01T10:00:00Z");
    const waitingCall = {
      callID: 50, state: "Ringing", startedAt: "2026-12-01T10:00:00Z", did: "",
      owner: leg("10000", "externalline", "4915112345678"), talkTo: [],
      routingTo: [leg("800", "queue", "4915112345678", "Ringing"), leg("101", "extension", "4915112345678", "Ringing")],
    };
    const other = { callID: 51, state: "Talking", startedAt: "2026-12-01T09:59:00Z", answeredAt: "2026-12-01T09:59:05Z", did: "", owner: leg("102"), talkTo: [leg("103")], routingTo: [] };
    const q800 = members(["101", true], ["102", true], ["104", true], ["105", false]);
    let s = snap(null, { at: t0 + 5 * S, calls: { count: 2, callsInfo: [waitingCall, other] }, queues: { 800: q800 }, ext: { 104: { num: "104", fwdName: "Out of office" } } });
    feedSnapshot(stats, s, watched, true);
    let q = stats.report(t0 + 5 * S).queues["800"];
    assert.deepEqual([q.calls, q.waiting, q.longestWaitSeconds], [1, 1, 5]);
    // 101 rings (in a call, not free), 102 talks, 104 is in DND, 105 logged out.
    assert.deepEqual([q.agentsLoggedIn, q.agentsFree, q.agentsTalking], [3, 0, 1]);
    const answered = { ...waitingCall, state: "Talking", answeredAt: "2026-12-01T10:00:12Z", talkTo: [leg("101", "extension", "4915112345678")], routingTo: [] };
    s = snap(s, { at: t0 + 14 * S, calls: { count: 1, callsInfo: [answered] }, queues: { 800: q800 } });
    feedSnapshot(stats, s, watched, false);
    s = snap(s, { at: t0 + 72 * S, calls: callsinfo(), queues: { 800: q800 } });
    feedSnapshot(stats, s, watched, false);
    q = stats.report(t0 + 80 * S).queues["800"];
    assert.deepEqual([q.calls, q.answered, q.missed, q.waiting, q.averageWaitSeconds, q.averageTalkSeconds], [1, 1, 0, 0, 12, 60]);
    assert.deepEqual([q.agentsLoggedIn, q.agentsFree, q.agentsTalking], [3, 3, 0], "104's DND is not known without watching it");
  });

  it("polling feed: a call remembered before a restart and gone at the first poll is forgotten, not missed", () => {
    const stats = new QueueStats({ timeZone: "UTC", queues: ["800"] });
    const t0 = Date.parse("2026-12-01T10:00:00Z");
    stats.queued("77", "800", t0);
    feedSnapshot(stats, snap(null, { at: t0 + 60 * S }), new Set(["800"]), true);
    const q = stats.report(t0 + 60 * S).queues["800"];
    assert.deepEqual([q.calls, q.missed, q.waiting], [1, 0, 0]);
  });

  it("webhook feed: ringing with usertype queue, pickup, and the end (missed or with the generator's talk time)", () => {
    const stats = new QueueStats({ timeZone: "UTC" });
    const t0 = Date.parse("2026-12-01T10:00:00Z");
    const base = { source: "webhook" as const, at: "" };
    const ev = (e: MonitorEvent[], at: number) => feedEvents(stats, e, new Set(), at);
    ev([{ topic: "call.ringing", payload: { ...base, callID: 9, id: "261201100000_9-0", user: "800", dnNum: "800", usertype: " queue" } }], t0);
    ev([{ topic: "call.ringing", payload: { ...base, callID: 9, id: "261201100000_9-0", user: "101", dnNum: "101", usertype: "ext" } }], t0 + 1 * S);
    ev([{ topic: "call.answered", payload: { ...base, callID: 9, id: "261201100000_9-1" } }], t0 + 8 * S);
    ev([{ topic: "call.ended", payload: { ...base, callID: 9, duration: 40, talkTime: 31, missed: false, endedAt: "" } }], t0 + 40 * S);
    ev([{ topic: "call.ringing", payload: { ...base, callID: 10, user: "800", dnNum: "800", usertype: "queue" } }], t0 + 50 * S);
    ev([{ topic: "call.ended", payload: { ...base, callID: 10, duration: 20, talkTime: 0, missed: true, endedAt: "" } }], t0 + 70 * S);
    const q = stats.report(t0 + 80 * S).queues["800"];
    assert.deepEqual([q.calls, q.answered, q.missed, q.averageWaitSeconds, q.averageTalkSeconds], [2, 1, 1, 8, 31]);
    assert.deepEqual(Object.keys(stats.report(t0).queues), ["800"], "the extension's ringing is not a queue");
  });
});
