// A subscriber of the engine on its own: its watch keys, the state it is told (once per change),
// pbx.down once per outage, and its callbacks' failures kept to itself.
import assert from "node:assert/strict";
import type { EngineState, WatchRequest } from "../../src/monitor/engine/api";
import { Entries, parseEntryState } from "../../src/monitor/engine/entries";
import { upEvent } from "../../src/monitor/engine/outage";
import { Sub, pollingState, viewOf, watchKeys } from "../../src/monitor/engine/subscribers";
import type { MonitorEvent } from "../../src/monitor";
import { T0, extState, snap, callsinfo } from "./fixtures";

const host = { snapshotOf: () => null, pollNowFor: () => Promise.reject(new Error("none")), extraRead: () => Promise.reject(new Error("none")), leave: () => Promise.resolve() };

function subscriber(over: Partial<WatchRequest> = {}): { sub: Sub; events: MonitorEvent[]; states: EngineState[] } {
  const events: MonitorEvent[] = [];
  const states: EngineState[] = [];
  const w: WatchRequest = { intervalMs: 2000, extensions: [], queues: [], onEvents: (e) => void events.push(...e), onState: (s) => void states.push(s), ...over };
  return { sub: new Sub(host, w), events, states };
}

describe("monitor engine: subscribers", () => {
  it("watch keys: extensions then queues, each once, in their order", () => {
    assert.deepEqual(watchKeys({ extensions: ["101", "100", "101"], queues: ["800", "100"] }), ["e:101", "e:100", "q:800", "q:100"]);
  });

  it("its state: the slowest entry's period × the stretch; refused entries listed instead", () => {
    const es = new Entries(60_000);
    const { sub } = subscriber({ extensions: ["100", "999"], queues: ["800"] });
    const [a, , q] = sub.keys.map((k) => es.join(k, sub, 2000));
    a.periodMs = 1000;
    es.refuse(es.get("e:999")!, 0, "HTTP_404");
    assert.deepEqual(pollingState(sub.keys, 2000, es, 1, 1), { kind: "polling", entries: 3, refreshMs: 2000, stretched: false, slowdown: 1, refused: ["ext 999"] });
    q.periodMs = 500;
    assert.deepEqual(pollingState(sub.keys, 2000, es, 25, 2), { kind: "polling", entries: 3, refreshMs: 25_000, stretched: true, slowdown: 2, refused: ["ext 999"] });
    assert.equal(pollingState([], 2000, es, 3, 1).refreshMs, 0, "watches none: 0");
  });

  it("is told a state once per change; a down state again only when its code or retry changes", () => {
    const { sub, states } = subscriber();
    const polling: EngineState = { kind: "polling", entries: 0, refreshMs: 0, stretched: false, slowdown: 1, refused: [] };
    sub.tellState(polling);
    sub.tellState({ ...polling });
    sub.tellState({ kind: "down", code: "TIMEOUT", reason: "a", retryInMs: 2000 });
    sub.tellState({ kind: "down", code: "TIMEOUT", reason: "b", retryInMs: 2000 });
    sub.tellState({ kind: "down", code: "TIMEOUT", reason: "b", retryInMs: 4000 });
    assert.deepEqual(states.map((s) => (s.kind === "down" ? s.retryInMs : s.kind)), ["polling", 2000, 4000]);
  });

  it("pbx.down once per outage; pbx.up with the downtime since it was told", () => {
    const { sub, events } = subscriber();
    sub.tellDown({ since: T0, code: "UNREACHABLE", reason: "x" });
    sub.tellDown({ since: T0, code: "TIMEOUT", reason: "y" });
    sub.tellUp(T0 - 5000, T0 + 30_000);
    assert.deepEqual(events.map((e) => e.topic), ["pbx.down", "pbx.up"]);
    assert.equal((events[1].payload as { downtimeMs: number }).downtimeMs, 30_000);
    sub.tellUp(T0, T0 + 2000); // joined during the outage, never told down: since the outage began
    assert.equal((events[2].payload as { downtimeMs: number }).downtimeMs, 2000);
  });

  it("its callbacks throwing stay its own; closed, it hears nothing; empty batches are not sent", () => {
    const boom = (): never => {
      throw new Error("subscriber bug");
    };
    const { sub } = subscriber({ onEvents: boom, onState: boom, onEntryRefused: boom });
    sub.emit([upEvent(T0, T0)]);
    sub.tellState({ kind: "stopped" });
    sub.tellRefused("extension", "999", new Error("404"));
    const quiet = subscriber();
    quiet.sub.emit([]);
    quiet.sub.closed = true;
    quiet.sub.emit([upEvent(T0, T0)]);
    assert.equal(quiet.events.length, 0);
  });

  it("its view: all calls, and only its own entries' states read so far", () => {
    const es = new Entries(60_000);
    const mine = subscriber({ extensions: ["100", "101"] }).sub;
    const other = subscriber({ extensions: ["102"] }).sub;
    for (const s of [mine, other]) for (const k of s.keys) es.join(k, s, 2000);
    for (const num of ["100", "102"]) {
      const e = es.get(`e:${num}`)!;
      es.answered(e, 0, parseEntryState(e, extState(num))!);
    }
    const calls = snap(null, { at: T0, calls: callsinfo({ id: 7, owner: "102" }) });
    const view = viewOf(calls, mine.keys, es);
    assert.equal(view.at, T0);
    assert.deepEqual([...view.calls.keys()], ["7"]);
    assert.deepEqual([...view.extensions.keys()], ["100"], "101 not read yet, 102 not its own");
  });
});
