// The engine's watched entries on their own (times given, no clock): one entry however many
// watch it, the read schedule, most stale first, refused entries retried rarely.
import assert from "node:assert/strict";
import { Entries, entryEvents, entryLabel, parseEntryState } from "../../src/monitor/engine/entries";
import { Sub } from "../../src/monitor/engine/subscribers";
import type { WatchRequest } from "../../src/monitor/engine/api";
import { extState } from "./fixtures";

/** A subscriber with no engine behind it (the entries only read its interval). */
function sub(intervalMs: number): Sub {
  const w: WatchRequest = { intervalMs, extensions: [], queues: [], onEvents: () => undefined };
  const host = { snapshotOf: () => null, pollNowFor: () => Promise.reject(new Error("none")), extraRead: () => Promise.reject(new Error("none")), leave: () => Promise.resolve() };
  return new Sub(host, w);
}

describe("monitor engine: entries", () => {
  it("one entry per key however many join; its period is the shortest interval of its watchers", () => {
    const es = new Entries(60_000);
    const a = sub(2000);
    const b = sub(5000);
    const e1 = es.join("e:101", b, 5000);
    const e2 = es.join("e:101", a, 2000);
    assert.equal(e1, e2);
    assert.equal(es.size, 1);
    es.setPeriods();
    assert.equal(e1.periodMs, 2000);
    es.leave(a, ["e:101"], false);
    es.setPeriods();
    assert.equal(e1.periodMs, 5000);
    es.leave(b, ["e:101"], true);
    assert.equal(es.size, 1, "the last one out keeps it for a resume");
    es.dropUnwatched();
    assert.equal(es.size, 0);
  });

  it("new entries are read first, once; an entry being read is not urgent", () => {
    const es = new Entries(60_000);
    const s = sub(2000);
    const a = es.join("e:100", s, 2000);
    es.join("q:800", s, 2000);
    assert.equal(es.hasUrgent(), true);
    assert.equal(es.takeUrgent(), a);
    const q = es.takeUrgent()!;
    assert.equal(q.kind, "queue");
    assert.equal(es.hasUrgent(), false);
    es.readFirst(a);
    es.readFirst(a);
    es.startRead(a, 0);
    assert.equal(es.hasUrgent(), false, "in flight already");
  });

  it("the schedule: one period apart; late by less than half a period catches up, later starts afresh", () => {
    const es = new Entries(60_000);
    const e = es.join("e:100", sub(2000), 2000);
    es.startRead(e, 1000);
    assert.equal(e.due, 3000);
    e.inFlight = false;
    es.startRead(e, 3500); // 500 ms late
    assert.equal(e.due, 5000, "the next one catches up");
    e.inFlight = false;
    es.startRead(e, 9000); // stretched: 4 s late
    assert.equal(e.due, 10_000, "half a period from now");
  });

  it("most stale first, only once due, never one in flight", () => {
    const es = new Entries(60_000);
    const s = sub(2000);
    const [a, b, c] = ["e:1", "e:2", "e:3"].map((k) => es.join(k, s, 2000));
    a.due = 300;
    b.due = 100;
    c.due = 200;
    assert.equal(es.mostStale(50), undefined, "none due yet");
    assert.equal(es.mostStale(1000), b);
    b.inFlight = true;
    assert.equal(es.mostStale(1000), c);
    assert.equal(es.earliestDue(), 200);
  });

  it("a refused entry is retried after refusedRetryMs and wished for that rarely; an answer brings it back", () => {
    const es = new Entries(60_000);
    const e = es.join("e:999", sub(1000), 1000);
    assert.equal(es.demand(), 1);
    es.startRead(e, 0);
    assert.equal(es.refuse(e, 0, "HTTP_404"), false, "refused for the first time");
    assert.equal(e.due, 60_000);
    assert.equal(es.demand(), 1000 / 60_000);
    e.inFlight = false;
    es.startRead(e, 60_000);
    assert.equal(e.due, 120_000, "still refused: the next try a minute on");
    assert.equal(es.refuse(e, 60_000, "HTTP_404"), true);
    const state = parseEntryState(e, extState("999"))!;
    const { prev, wasRefused } = es.answered(e, 120_000, state);
    assert.equal(prev, undefined);
    assert.equal(wasRefused, true);
    assert.equal(e.due, 121_000, "back on its period");
    assert.equal(e.refused, undefined);
  });

  it("after an outage every state is forgotten and read first", () => {
    const es = new Entries(60_000);
    const e = es.join("e:100", sub(2000), 2000);
    es.takeUrgent();
    es.answered(e, 0, parseEntryState(e, extState("100"))!);
    es.forgetStates();
    assert.equal(e.state, undefined);
    assert.equal(e.due, -Infinity);
    assert.equal(es.takeUrgent(), e);
  });

  it("parses and compares states by kind; a wrong shape is undefined; labels name the kind", () => {
    const es = new Entries(60_000);
    const s = sub(2000);
    const ext = es.join("e:100", s, 2000);
    const q = es.join("q:800", s, 2000);
    assert.equal(entryLabel(ext), "ext 100");
    assert.equal(entryLabel(q), "queue 800");
    assert.equal(parseEntryState(ext, "nonsense"), undefined);
    assert.equal(parseEntryState(q, { count: 0 }), undefined);
    const free = parseEntryState(ext, extState("100"))!;
    const away = parseEntryState(ext, extState("100", { fwdName: "Away" }))!;
    assert.deepEqual(entryEvents(ext, free, free, "2025-01-01T10:00:00.000Z"), []);
    assert.deepEqual(entryEvents(ext, free, away, "2025-01-01T10:00:00.000Z").map((ev) => ev.topic), ["extension.status"]);
  });
});
