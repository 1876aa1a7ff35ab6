// The pure snapshot diff: every event, each change exactly once, and the tricky cases.
import assert from "node:assert/strict";
import { diffSnapshots, type MonitorEvent, type Snapshot } from "../../src/monitor";
import { T0, callsinfo, extState, members, snap, type CallSpec } from "./fixtures";

const topics = (events: readonly MonitorEvent[]): string[] => events.map((e) => e.topic);

/** Feeds ticks through the diff as the poller does; returns the events of each step. */
function run(...ticks: Array<Parameters<typeof snap>[1]>): MonitorEvent[][] {
  let prev: Snapshot | null = null;
  const out: MonitorEvent[][] = [];
  for (const t of ticks) {
    const next = snap(prev, t);
    if (prev) out.push(diffSnapshots(prev, next));
    prev = next;
  }
  return out;
}

const at = (s: number): number => T0 + s * 1000;
const c = (spec: CallSpec): Record<string, unknown> => callsinfo(spec);

describe("monitor diff: calls", () => {
  it("a new call id gives call.started with the callID and the call as reported", () => {
    const [ev] = run({ calls: callsinfo() }, { calls: c({ id: 7, party: "200" }) });
    assert.deepEqual(topics(ev), ["call.started"]);
    const p = ev[0].payload as unknown as Record<string, unknown>;
    assert.equal(p.callID, 7);
    assert.equal(p.source, "poll");
    assert.equal((p.call as Record<string, unknown>).callID, 7);
    assert.equal((p.call as Record<string, unknown>).state, "Routing");
    assert.equal(p.startedAt, "2025-01-01T10:00:00Z"); // the PBX's own text
  });

  it("a leg that starts ringing gives one call.ringing per DN, not again while it keeps ringing", () => {
    const [a, b, d] = run(
      { calls: c({ id: 1 }) },
      { calls: c({ id: 1, routingTo: ["101"] }) },
      { calls: c({ id: 1, routingTo: ["101"] }) },
      { calls: c({ id: 1, routingTo: ["101", "102"] }) },
    );
    assert.deepEqual(topics(a), ["call.ringing"]);
    assert.equal((a[0].payload as { dnNum: string }).dnNum, "101");
    assert.equal((a[0].payload as { user: string }).user, "101");
    assert.deepEqual(b, []);
    assert.deepEqual(topics(d), ["call.ringing"]);
    assert.equal((d[0].payload as { dnNum: string }).dnNum, "102");
  });

  it("answeredAt appearing gives call.answered once", () => {
    const [a, b] = run(
      { calls: c({ id: 1, routingTo: ["101"] }) },
      { calls: c({ id: 1, answeredAt: "2025-01-01T10:00:05Z", talkTo: ["101"] }) },
      { calls: c({ id: 1, answeredAt: "2025-01-01T10:00:05Z", talkTo: ["101"] }) },
    );
    assert.deepEqual(topics(a), ["call.answered"]);
    assert.equal((a[0].payload as { answeredAt: string }).answeredAt, "2025-01-01T10:00:05Z");
    assert.equal((a[0].payload as { callID: number }).callID, 1);
    assert.deepEqual(b, []);
  });

  it("state becoming Talking gives call.answered; answeredAt appearing late gives no second one and sets the talk time", () => {
    const [a, b, end] = run(
      { at: at(0), calls: c({ id: 1, routingTo: ["101"] }) },
      { at: at(10), calls: c({ id: 1, state: "Talking", talkTo: ["101"] }) },
      { at: at(12), calls: c({ id: 1, state: "Talking", answeredAt: "2025-01-01T10:00:08Z", talkTo: ["101"] }) },
      { at: at(30), calls: callsinfo() },
    );
    assert.deepEqual(topics(a), ["call.answered"]);
    assert.deepEqual(b, []);
    assert.deepEqual(topics(end), ["call.ended"]);
    const p = end[0].payload as { talkTime: number; duration: number; missed: boolean };
    assert.equal(p.missed, false);
    assert.equal(p.duration, 30);
    assert.equal(p.talkTime, 22); // from the PBX's answeredAt (10:00:08), not from when Talking was seen
  });

  it("a state flapping Talking → Hold → Talking is one answer", () => {
    const evs = run(
      { calls: c({ id: 1, routingTo: ["101"] }) },
      { calls: c({ id: 1, state: "Talking", talkTo: ["101"] }) },
      { calls: c({ id: 1, state: "Hold", talkTo: ["101"] }) },
      { calls: c({ id: 1, state: "Talking", talkTo: ["101"] }) },
    );
    assert.deepEqual(evs.map(topics), [["call.answered"], [], []]);
  });

  it("a call that disappears gives call.ended with duration and talk time", () => {
    const [, end] = run(
      { at: at(0), calls: callsinfo() },
      { at: at(2), calls: c({ id: 5, startedAt: "2025-01-01T10:00:01Z", answeredAt: "2025-01-01T10:00:04Z", talkTo: ["101"] }) },
      { at: at(64), calls: callsinfo() },
    );
    assert.deepEqual(topics(end), ["call.ended"]);
    const p = end[0].payload as unknown as Record<string, unknown>;
    assert.equal(p.callID, 5);
    assert.equal(p.duration, 63);
    assert.equal(p.talkTime, 60);
    assert.equal(p.missed, false);
    assert.equal(p.endedAt, new Date(at(64)).toISOString());
  });

  it("times the PBX corrects between ticks are read again (they are reused only while their text is the same)", () => {
    const [, , , end] = run(
      { at: at(0), calls: callsinfo() },
      { at: at(2), calls: c({ id: 7, startedAt: "2025-01-01T10:00:01Z", talkTo: ["101"] }) },
      { at: at(8), calls: c({ id: 7, startedAt: "2025-01-01T10:00:00Z", answeredAt: "2025-01-01T10:00:05Z", talkTo: ["101"] }) },
      { at: at(10), calls: c({ id: 7, startedAt: "2025-01-01T10:00:00Z", answeredAt: "2025-01-01T10:00:06Z", talkTo: ["101"] }) },
      { at: at(64), calls: callsinfo() },
    );
    const p = end[0].payload as unknown as Record<string, unknown>;
    assert.deepEqual([p.duration, p.talkTime, p.missed], [64, 58, false]);
  });

  it("a call that ends without an answer is missed with talk time 0", () => {
    const [, end] = run(
      { calls: callsinfo() },
      { at: at(1), calls: c({ id: 9, routingTo: ["101"] }) },
      { at: at(21), calls: callsinfo() },
    );
    const p = end[0].payload as unknown as Record<string, unknown>;
    assert.equal(p.missed, true);
    assert.equal(p.talkTime, 0);
    assert.equal(p.duration, 21);
  });

  it("a call that starts and ends between two ticks is not seen", () => {
    const evs = run({ calls: c({ id: 1 }) }, { calls: c({ id: 1 }) }); // call 2 lived between the ticks
    assert.deepEqual(evs, [[]]);
  });

  it("a call first seen already answered gives started, ringing, answered in that order", () => {
    const [ev] = run({ calls: callsinfo() }, { calls: c({ id: 3, answeredAt: "2025-01-01T10:00:01Z", talkTo: ["101"], routingTo: ["102"] }) });
    assert.deepEqual(topics(ev), ["call.started", "call.ringing", "call.answered"]);
    assert.ok(ev.every((e) => (e.payload as { callID: number }).callID === 3));
  });

  it("an unset .NET answeredAt (0001-01-01) is not an answer", () => {
    const [ev] = run({ calls: callsinfo() }, { calls: c({ id: 3, state: "Routing", answeredAt: "0001-01-01T00:00:00" }) });
    assert.deepEqual(topics(ev), ["call.started"]);
  });

  it("an inbound call on a line: callerid is the outside number, user the extension, direction inbound", () => {
    const [ev] = run(
      { calls: callsinfo() },
      { calls: c({ id: 4, owner: "10000", ownerType: "externalline", party: "+4930123", talkTo: ["101"], answeredAt: "2025-01-01T10:00:01Z" }) },
    );
    const p = ev[0].payload as unknown as Record<string, unknown>;
    assert.equal(p.callerid, "+4930123");
    assert.equal(p.user, "101");
    assert.equal(p.direction, "inbound");
  });

  it("the same snapshot twice gives nothing (no event twice for one change)", () => {
    const s1 = snap(null, { calls: c({ id: 1, routingTo: ["101"] }), ext: { "101": extState("101") }, queues: { "802": members(["101", true]) } });
    const s2 = snap(s1, { calls: c({ id: 2, answeredAt: "2025-01-01T10:00:01Z" }), ext: { "101": extState("101", { status: "Busy" }) }, queues: { "802": members(["101", false]) } });
    assert.equal(diffSnapshots(s1, s2).length, 5); // ended 1, started 2, answered 2, extension.status, queue.agent
    const s3 = snap(s2, { calls: c({ id: 2, answeredAt: "2025-01-01T10:00:01Z" }), ext: { "101": extState("101", { status: "Busy" }) }, queues: { "802": members(["101", false]) } });
    assert.deepEqual(diffSnapshots(s2, s3), []);
  });
});

describe("monitor diff: extensions", () => {
  it("a status change gives one extension.status with previous, current and changed", () => {
    const [ev] = run({ ext: { "101": extState("101") } }, { ext: { "101": extState("101", { status: "Busy" }) } });
    assert.deepEqual(topics(ev), ["extension.status"]);
    const p = ev[0].payload as unknown as Record<string, unknown>;
    assert.equal(p.num, "101");
    assert.deepEqual(p.changed, ["status"]);
    assert.equal((p.previous as { status: string }).status, "Free");
    assert.equal((p.current as { status: string }).status, "Busy");
  });

  it("reports fwdName, registered, queue logins, and several at once", () => {
    const evs = run(
      { ext: { "101": extState("101") } },
      { ext: { "101": extState("101", { fwdName: "Out of office" }) } },
      { ext: { "101": extState("101", { fwdName: "Out of office", registered: false }) } },
      { ext: { "101": extState("101", { fwdName: "Out of office", registered: false, qStatus: [{ num: "802", status: false }] }) } },
      { ext: { "101": extState("101", { fwdName: "Away", registered: true, qGlobalStatus: false, qStatus: [{ num: "802", status: false }] }) } },
    );
    assert.deepEqual(evs.map((e) => e.map((x) => (x.payload as unknown as { changed: string[] }).changed)), [
      [["fwdName"]],
      [["registered"]],
      [["qStatus"]],
      [["fwdName", "registered", "qGlobalStatus"]],
    ]);
  });

  it("a state flapping back gives two events; a flap between ticks gives none", () => {
    const seen = run(
      { ext: { "101": extState("101") } },
      { ext: { "101": extState("101", { status: "Busy" }) } },
      { ext: { "101": extState("101") } },
    );
    assert.deepEqual(seen.map((e) => e.map((x) => [(x.payload as { previous: { status: string } }).previous.status, (x.payload as { current: { status: string } }).current.status])), [
      [["Free", "Busy"]],
      [["Busy", "Free"]],
    ]);
    const unseen = run({ ext: { "101": extState("101") } }, { ext: { "101": extState("101") } });
    assert.deepEqual(unseen, [[]]);
  });

  it("the order of qStatus is not a change", () => {
    const a = extState("101", { qStatus: [{ num: "802", status: true }, { num: "804", status: false }] });
    const b = extState("101", { qStatus: [{ num: "804", status: false }, { num: "802", status: true }] });
    assert.deepEqual(run({ ext: { "101": a } }, { ext: { "101": b } }), [[]]);
  });

  it("a newly watched extension is a baseline; a failed read keeps the last known state", () => {
    const evs = run(
      { ext: {} },
      { ext: { "101": extState("101") } }, // new: baseline
      { ext: { "101": undefined } }, // read failed: kept
      { ext: { "101": extState("101", { status: "Busy" }) } }, // compared with the last known
    );
    assert.deepEqual(evs.map(topics), [[], [], ["extension.status"]]);
  });
});

describe("monitor diff: queues", () => {
  it("an agent logging out gives one queue.agent; logging in another", () => {
    const evs = run(
      { queues: { "802": members(["101", true], ["102", true]) } },
      { queues: { "802": members(["101", true], ["102", false]) } },
      { queues: { "802": members(["101", true], ["102", false]) } },
      { queues: { "802": members(["101", true], ["102", true]) } },
    );
    assert.deepEqual(evs.map(topics), [["queue.agent"], [], ["queue.agent"]]);
    assert.deepEqual(
      evs.flat().map((e) => { const p = e.payload as { queue: string; num: string; loggedIn: boolean; name: string }; return [p.queue, p.num, p.loggedIn, p.name]; }),
      [["802", "102", false, "N102"], ["802", "102", true, "N102"]],
    );
  });

  it("a member added logged in is a login; a logged-in member removed is a logout; a new queue is a baseline", () => {
    const evs = run(
      { queues: { "802": members(["101", true]) } },
      { queues: { "802": members(["101", true], ["103", true]), "804": members(["101", true]) } },
      { queues: { "802": members(["103", true]), "804": members(["101", true]) } },
    );
    assert.deepEqual(evs.map((e) => e.map((x) => { const p = x.payload as { queue: string; num: string; loggedIn: boolean }; return `${p.queue}/${p.num}/${p.loggedIn}`; })), [["802/103/true"], ["802/101/false"]]);
  });
});

describe("monitor diff: scale", () => {
  function many(n: number, offset: number, answeredEvery: number): Record<string, unknown> {
    const list: CallSpec[] = [];
    for (let i = 0; i < n; i++) {
      const id = offset + i;
      list.push(id % answeredEvery === 0
        ? { id, answeredAt: "2025-01-01T10:00:02Z", talkTo: [String(100 + (id % 900))] }
        : { id, routingTo: [String(100 + (id % 900))] });
    }
    return callsinfo(...list);
  }

  for (const n of [100, 1000, 10000]) {
    it(`diffs ${n} concurrent calls (5 % new, 5 % ended, a third answered) — time printed, not asserted`, () => {
      const prev = snap(null, { calls: many(n, 0, 3) });
      const next = snap(prev, { at: T0 + 2000, calls: many(n, Math.round(n * 0.05), 2) });
      // The median of several runs: one GC pause or JIT step on a busy machine is not the diff's time.
      let events: MonitorEvent[] = diffSnapshots(prev, next); // warm-up
      const times: number[] = [];
      for (let i = 0; i < 9; i++) {
        const t0 = process.hrtime.bigint();
        events = diffSnapshots(prev, next);
        times.push(Number(process.hrtime.bigint() - t0) / 1e6);
      }
      const ms = times.sort((a, b) => a - b)[4];
      const ended = events.filter((e) => e.topic === "call.ended").length;
      const started = events.filter((e) => e.topic === "call.started").length;
      assert.equal(ended, Math.round(n * 0.05));
      assert.equal(started, Math.round(n * 0.05));
      const b0 = process.hrtime.bigint();
      snap(prev, { at: T0 + 2000, calls: many(n, Math.round(n * 0.05), 2) });
      const buildMs = Number(process.hrtime.bigint() - b0) / 1e6;
      console.log(`      diff of ${n} calls: ${ms.toFixed(2)} ms median of 9 (${events.length} events); snapshot build ${buildMs.toFixed(2)} ms`);
    });
  }
});
