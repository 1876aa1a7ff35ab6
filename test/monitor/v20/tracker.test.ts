// The V20 participant → SPEC event mapping on its own: every transition, duplicates, out-of-order
// answers, a participant seen only as removed, and the resync after a reconnect.
import assert from "node:assert/strict";
import type { MonitorEvent } from "../../../src/monitor";
import { CallTracker, participantPath, type Participant } from "../../../src/monitor/v20";
import { T0, device, dnInfo, inbound, part } from "./fixtures";

const topics = (events: readonly MonitorEvent[]): string[] => events.map((e) => e.topic);
const callTopics = (events: readonly MonitorEvent[]): string[] => topics(events).filter((t) => t.startsWith("call."));
const payload = (e: MonitorEvent | undefined): Record<string, unknown> => {
  assert.ok(e, "expected an event");
  return e.payload as unknown as Record<string, unknown>;
};
const pathOf = (p: Participant): string => participantPath(p.dn, p.id);

/** A tracker on a hand-moved clock, with a silent baseline of the given DNs already applied. */
function tracker(dns: string[] = ["101", "102", "103"]) {
  const clock = { t: T0 };
  const t = new CallTracker({ now: () => clock.t });
  assert.deepEqual(t.resync(dns.map((d) => dnInfo(d))), []);
  return { t, clock, tick: (s: number) => (clock.t += s * 1000) };
}

describe("V20 tracker: one call's life", () => {
  it("inbound: Ringing → started + ringing, Connected → answered, removed → ended with duration and talk time", () => {
    const { t, tick } = tracker();
    const ringing = inbound(7, "101", 500, "Ringing");
    const a = t.upsert(ringing);
    assert.deepEqual(callTopics(a), ["call.started", "call.ringing"]);
    const started = payload(a[0]);
    assert.equal(started.source, "v20");
    assert.equal(started.callID, 500);
    assert.equal(started.callerid, "+4930123456");
    assert.equal(started.user, "101");
    assert.equal(started.did, "+4930999000");
    assert.equal(started.direction, "inbound");
    assert.equal(started.startedAt, new Date(T0).toISOString());
    const ring = payload(a[1]);
    // What answer / drop / transfer need, under the names the action nodes read from msg.payload.
    assert.equal(ring.dnNum, "101");
    assert.equal(ring.num, "101");
    assert.equal(ring.participantId, 7);
    assert.equal(ring.contact, "sip:101@127.0.0.1:5062");
    assert.deepEqual(ring.participant, ringing);
    tick(4);
    const b = t.upsert({ ...ringing, status: "Connected" });
    assert.deepEqual(callTopics(b), ["call.answered"]);
    assert.equal(payload(b[0]).answeredAt, new Date(T0 + 4000).toISOString());
    assert.equal(payload(b[0]).participantId, 7);
    tick(30);
    const c = t.remove(pathOf(ringing));
    assert.deepEqual(callTopics(c), ["call.ended"]);
    const ended = payload(c[0]);
    assert.equal(ended.duration, 34);
    assert.equal(ended.talkTime, 30);
    assert.equal(ended.missed, false);
    assert.equal(ended.endedAt, new Date(T0 + 34000).toISOString());
    assert.equal(ended.answeredAt, new Date(T0 + 4000).toISOString());
    assert.equal(t.callCount, 0);
  });

  it("fields V20 does not report (finish type, recordings, transfer) are absent, not invented", () => {
    const { t } = tracker();
    const p = inbound(7, "101", 500, "Ringing");
    const events = [...t.upsert(p), ...t.remove(pathOf(p))];
    for (const e of events) {
      for (const key of ["finishtype", "transferred", "files", "trtype", "chid", "webhook", "call"]) {
        assert.ok(!(key in payload(e)), `${e.topic} has ${key}`);
      }
    }
    // An internal party has no DID and no line: no did, no direction.
    const q = part({ id: 9, dn: "102", callid: 501, status: "Ringing", party: "101" });
    const started = payload(t.upsert(q)[0]);
    assert.ok(!("did" in started) && !("direction" in started));
    assert.equal(started.callerid, "101");
  });

  it("a call that rings and ends unanswered is missed, talk time 0, no answeredAt", () => {
    const { t, tick } = tracker();
    const p = inbound(7, "101", 500, "Ringing");
    t.upsert(p);
    tick(12);
    const [ended] = t.remove(pathOf(p)).filter((e) => e.topic === "call.ended");
    assert.equal(payload(ended).missed, true);
    assert.equal(payload(ended).talkTime, 0);
    assert.equal(payload(ended).duration, 12);
    assert.ok(!("answeredAt" in payload(ended)));
  });

  it("outbound: Dialing is the caller's leg (started, no ringing), Connected answers it", () => {
    const { t } = tracker();
    const p = part({ id: 3, dn: "102", callid: 600, status: "Dialing", party: "+4989555", partyType: "Wexternalline" });
    const a = t.upsert(p);
    assert.deepEqual(callTopics(a), ["call.started"]);
    assert.equal(payload(a[0]).callerid, "102");
    assert.equal(payload(a[0]).direction, "outbound");
    assert.deepEqual(callTopics(t.upsert({ ...p, status: "Connected" })), ["call.answered"]);
    const [ended] = t.remove(pathOf(p)).filter((e) => e.topic === "call.ended");
    assert.equal(payload(ended).missed, false);
  });

  it("internal 101 → 102: the legs share the callid, so one call: one started, one ringing, one answered, one ended", () => {
    const { t } = tracker();
    const caller = part({ id: 1, dn: "101", callid: 700, status: "Dialing", party: "102" });
    const callee = part({ id: 2, dn: "102", callid: 700, status: "Ringing", party: "101" });
    const events = [
      ...t.upsert(caller),
      ...t.upsert(callee),
      ...t.upsert({ ...callee, status: "Connected" }),
      ...t.upsert({ ...caller, status: "Connected" }),
      ...t.remove(pathOf(caller)),
      ...t.remove(pathOf(callee)),
    ];
    assert.deepEqual(callTopics(events), ["call.started", "call.ringing", "call.answered", "call.ended"]);
    assert.equal(payload(events.find((e) => e.topic === "call.ringing")).dnNum, "102");
    assert.equal(payload(events.find((e) => e.topic === "call.answered")).dnNum, "102");
    assert.equal(payload(events.find((e) => e.topic === "call.ended")).dnNum, "102");
  });

  it("ring group: both ring (two call.ringing), one answers, the other's leg leaving does not end the call", () => {
    const { t } = tracker();
    const a = inbound(1, "101", 800, "Ringing");
    const b = inbound(2, "102", 800, "Ringing");
    const ring = [...t.upsert(a), ...t.upsert(b)];
    assert.deepEqual(callTopics(ring), ["call.started", "call.ringing", "call.ringing"]);
    assert.deepEqual(ring.filter((e) => e.topic === "call.ringing").map((e) => payload(e).dnNum), ["101", "102"]);
    assert.deepEqual(callTopics(t.upsert({ ...a, status: "Connected" })), ["call.answered"]);
    assert.deepEqual(callTopics(t.remove(pathOf(b))), []);
    assert.deepEqual(callTopics(t.remove(pathOf(a))), ["call.ended"]);
  });

  it("a transfer: a new leg ringing on an answered call rings again but is not a second answer", () => {
    const { t } = tracker();
    const a = inbound(1, "101", 900, "Connected");
    t.upsert(a);
    const c = inbound(5, "103", 900, "Ringing");
    assert.deepEqual(callTopics(t.upsert(c)), ["call.ringing"]);
    assert.deepEqual(callTopics(t.remove(pathOf(a))), []);
    assert.deepEqual(callTopics(t.upsert({ ...c, status: "Connected" })), []);
    assert.deepEqual(callTopics(t.remove(pathOf(c))), ["call.ended"]);
  });

  it("call.ringing names the kind of DN as the webhooks do (usertype queue / ext / other), when the list gave it", () => {
    const t = new CallTracker({ now: () => T0 });
    t.resync([dnInfo("101"), { ...dnInfo("802"), type: "Wqueue" }, { ...dnInfo("800"), type: "Wivr" }, { dn: "150", devices: [], participants: [] }]);
    const ring = (p: Participant) => payload(t.upsert(p).find((e) => e.topic === "call.ringing"));
    assert.equal(ring(inbound(1, "802", 1, "Ringing")).usertype, "queue");
    assert.equal(ring(inbound(2, "101", 1, "Ringing")).usertype, "ext");
    assert.equal(ring(inbound(3, "800", 2, "Ringing")).usertype, "other");
    assert.ok(!("usertype" in ring(inbound(4, "150", 3, "Ringing"))), "no type listed: absent");
  });

  it("a participant first seen Connected gives started and answered, no invented ringing", () => {
    const { t } = tracker();
    assert.deepEqual(callTopics(t.upsert(inbound(1, "101", 901, "Connected"))), ["call.started", "call.answered"]);
  });

  it("a participant without a callid is a call of its own, callID null", () => {
    const { t } = tracker();
    const p = part({ id: 4, dn: "101", status: "Ringing", party: "102" });
    const a = t.upsert(p);
    assert.deepEqual(callTopics(a), ["call.started", "call.ringing"]);
    assert.equal(payload(a[0]).callID, null);
    assert.deepEqual(callTopics(t.remove(pathOf(p))), ["call.ended"]);
  });

  it("a leg that moves to another callid leaves the old call (ending it) and starts the new one", () => {
    const { t } = tracker();
    const p = inbound(1, "101", 10, "Connected");
    t.upsert(p);
    const moved = t.upsert({ ...p, callid: 11 });
    assert.deepEqual(callTopics(moved), ["call.ended", "call.started", "call.answered"]);
    assert.equal(payload(moved[0]).callID, 10);
    assert.equal(payload(moved[1]).callID, 11);
  });

  it("an unknown status (a later build's Hold) is kept: no ringing or answer invented, the DN shows it", () => {
    const { t } = tracker();
    const p = inbound(1, "101", 12, "Hold");
    const events = t.upsert(p);
    assert.deepEqual(callTopics(events), ["call.started"]);
    const ext = events.find((e) => e.topic === "extension.status");
    assert.equal(payload(ext).current && (payload(ext).current as Record<string, unknown>).status, "Hold");
  });
});

describe("V20 tracker: duplicates and order", () => {
  it("the same Upsert twice, and the same Remove twice, report once", () => {
    const { t } = tracker();
    const p = inbound(7, "101", 500, "Ringing");
    assert.equal(t.upsert(p).length > 0, true);
    assert.deepEqual(t.upsert(p), []);
    assert.deepEqual(t.upsert({ ...p }), []);
    assert.deepEqual(callTopics(t.remove(pathOf(p))), ["call.ended"]);
    assert.deepEqual(t.remove(pathOf(p)), []);
  });

  it("an older answer coming back after a newer one is ignored (Ringing after Connected)", () => {
    const { t } = tracker();
    const p = inbound(7, "101", 500, "Ringing");
    t.upsert(p);
    const older = t.stamp();
    const newer = t.stamp();
    assert.deepEqual(callTopics(t.upsert({ ...p, status: "Connected" }, newer)), ["call.answered"]);
    assert.deepEqual(t.upsert(p, older), []);
    // The state kept is the newer one: a Remove now ends an answered call.
    const [ended] = t.remove(pathOf(p)).filter((e) => e.topic === "call.ended");
    assert.equal(payload(ended).missed, false);
  });

  it("a GET sent before a Remove and answered after it does not bring the participant back", () => {
    const { t } = tracker();
    const p = inbound(7, "101", 500, "Ringing");
    t.upsert(p);
    const getSent = t.stamp(); // an Upsert came, its GET is out
    assert.deepEqual(callTopics(t.remove(pathOf(p))), ["call.ended"]);
    assert.deepEqual(t.upsert({ ...p, status: "Connected" }, getSent), []);
    assert.equal(t.callCount, 0);
  });

  it("a participant seen only as removed reports nothing, and its late GET answer starts no call", () => {
    const { t } = tracker();
    const getSent = t.stamp();
    assert.deepEqual(t.remove("/callcontrol/101/participants/99"), []);
    assert.deepEqual(t.upsert(inbound(99, "101", 501, "Ringing"), getSent), []);
    assert.equal(t.callCount, 0);
    assert.deepEqual(t.remove("/callcontrol/101/participants/99"), []);
  });

  it("paths that are not participants are ignored", () => {
    const { t } = tracker();
    assert.deepEqual(t.remove("/callcontrol/101"), []);
    assert.deepEqual(t.remove("/xapi/v1/Users"), []);
  });

  it("the memory of removed paths is bounded: the oldest is forgotten first", () => {
    const t = new CallTracker({ now: () => T0, maxTombstones: 2 });
    t.resync([]);
    const early = t.stamp();
    t.remove("/callcontrol/101/participants/1");
    t.remove("/callcontrol/101/participants/2");
    t.remove("/callcontrol/101/participants/3");
    // 1 is forgotten (its late answer now counts); 2 is still remembered.
    assert.deepEqual(callTopics(t.upsert(inbound(1, "101", 1, "Ringing"), early)), ["call.started", "call.ringing"]);
    assert.deepEqual(t.upsert(inbound(2, "101", 2, "Ringing"), early), []);
  });
});

describe("V20 tracker: extension.status", () => {
  it("a DN's call state and registration changes are reported with previous, current and changed", () => {
    const { t } = tracker(["101"]);
    const p = inbound(7, "101", 500, "Ringing");
    const ext = (events: MonitorEvent[]) => events.filter((e) => e.topic === "extension.status").map((e) => payload(e));
    const [ringing] = ext(t.upsert(p));
    assert.deepEqual(ringing.previous, { num: "101", status: "Free", registered: true });
    assert.deepEqual(ringing.current, { num: "101", status: "Ringing", registered: true });
    assert.deepEqual(ringing.changed, ["status"]);
    assert.equal((ext(t.upsert({ ...p, status: "Connected" }))[0].current as Record<string, unknown>).status, "Connected");
    assert.equal((ext(t.remove(pathOf(p)))[0].current as Record<string, unknown>).status, "Free");
    const [unreg] = ext(t.removeDevice(`/callcontrol/101/devices/${encodeURIComponent(device("101").device_id)}`));
    assert.deepEqual(unreg.changed, ["registered"]);
    assert.equal((unreg.current as Record<string, unknown>).registered, false);
    const [rereg] = ext(t.upsertDevice(device("101", 2)));
    assert.equal((rereg.current as Record<string, unknown>).registered, true);
    // A second device on a registered DN changes nothing.
    assert.deepEqual(ext(t.upsertDevice(device("101", 3))), []);
  });

  it("a DN connected on one call while a second rings shows Connected, and one event per change", () => {
    const { t } = tracker(["101"]);
    t.upsert(inbound(1, "101", 1, "Connected"));
    const events = t.upsert(inbound(2, "101", 2, "Ringing"));
    assert.deepEqual(events.filter((e) => e.topic === "extension.status"), []);
  });

  it("a DN first heard of in an event is a baseline (no extension.status); fields V20 lacks are absent", () => {
    const { t } = tracker([]);
    const events = t.upsert(inbound(1, "150", 1, "Ringing"));
    assert.deepEqual(events.filter((e) => e.topic === "extension.status"), []);
    const ext = t.snapshot().extensions["150"];
    assert.deepEqual(ext, { num: "150", status: "Ringing" }); // no registered: no device list read
    for (const key of ["fwdName", "qGlobalStatus", "qStatus"]) assert.ok(!(key in ext!));
  });
});

describe("V20 tracker: baseline and resync", () => {
  it("the first snapshot is a silent baseline: calls already running give no events", () => {
    const t = new CallTracker({ now: () => T0 });
    assert.equal(t.hasBaseline, false);
    assert.deepEqual(t.resync([dnInfo("101", [inbound(1, "101", 5, "Connected")])]), []);
    assert.equal(t.hasBaseline, true);
    assert.equal(t.callCount, 1);
    assert.deepEqual(callTopics(t.remove("/callcontrol/101/participants/1")), ["call.ended"]);
  });

  it("after a drop: exactly what changed meanwhile (one started and rang, one was answered, one ended)", () => {
    const { t, tick } = tracker();
    const a = inbound(1, "101", 1, "Connected");
    const c = inbound(3, "103", 3, "Ringing");
    t.upsert(a);
    t.upsert(c);
    tick(20);
    const b = inbound(2, "102", 2, "Ringing");
    const events = t.resync([dnInfo("101"), dnInfo("102", [b]), dnInfo("103", [{ ...c, status: "Connected" }])]);
    assert.deepEqual(callTopics(events), ["call.started", "call.ringing", "call.answered", "call.ended"]);
    assert.equal(payload(events.find((e) => e.topic === "call.started")).callID, 2);
    assert.equal(payload(events.find((e) => e.topic === "call.answered")).callID, 3);
    assert.equal(payload(events.find((e) => e.topic === "call.ended")).callID, 1);
    assert.deepEqual(events.filter((e) => e.topic === "extension.status").map((e) => payload(e).num).sort(), ["101", "102", "103"]);
    // The same state read again: nothing.
    assert.deepEqual(t.resync([dnInfo("101"), dnInfo("102", [b]), dnInfo("103", [{ ...c, status: "Connected" }])]), []);
  });

  it("a drop during which nothing changed gives no events at all", () => {
    const { t } = tracker();
    const a = inbound(1, "101", 1, "Connected");
    const b = inbound(2, "102", 1, "Ringing");
    t.upsert(a);
    t.upsert(b);
    assert.deepEqual(t.resync([dnInfo("101", [a]), dnInfo("102", [b]), dnInfo("103")]), []);
  });

  it("a leg that moved during the drop (transfer 101 → 102) keeps the call: no end and restart", () => {
    const { t } = tracker();
    t.upsert(inbound(1, "101", 1, "Connected"));
    const events = t.resync([dnInfo("101"), dnInfo("102", [inbound(2, "102", 1, "Connected")]), dnInfo("103")]);
    assert.deepEqual(callTopics(events), []);
    assert.equal(t.callCount, 1);
  });

  it("the snapshot yields to what events said after it was requested", () => {
    const { t } = tracker();
    const p = inbound(1, "101", 1, "Ringing");
    t.upsert(p);
    const snapshotSent = t.stamp();
    assert.deepEqual(callTopics(t.remove(pathOf(p))), ["call.ended"]); // the Remove came while the snapshot was read
    assert.deepEqual(callTopics(t.resync([dnInfo("101", [{ ...p, status: "Connected" }]), dnInfo("102"), dnInfo("103")], snapshotSent)), []);
    assert.equal(t.callCount, 0);
  });

  it("registration changes during the drop are reported; a DN new in the list is a baseline", () => {
    const { t } = tracker(["101"]);
    const events = t.resync([dnInfo("101", [], []), dnInfo("104")]);
    assert.deepEqual(events.map((e) => [e.topic, payload(e).num, payload(e).changed]), [["extension.status", "101", ["registered"]]]);
  });
});
