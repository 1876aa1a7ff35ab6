// The poll loop on its own (a scripted fetch in place of the PBX; the real client and simulator are
// exercised through Node-RED in monitor-node tests): baseline, backoff, down/up once, no overlap,
// stop aborts, input polls now.
import assert from "node:assert/strict";
import { Poller, type MonitorEvent, type PollAnswers, type PollerState } from "../../src/monitor";
import { callsinfo, extState } from "./fixtures";

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function until(cond: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await sleep(5);
  }
}

class Unreachable extends Error {
  readonly code = "UNREACHABLE";
}

/** A fetch whose answers the test changes; records each call's start time and concurrency. */
function scripted() {
  const state = { answers: { callsinfo: callsinfo(), extensions: new Map(), queues: new Map() } as PollAnswers, down: false, delayMs: 0 };
  const starts: number[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const fetch = async (signal: AbortSignal): Promise<PollAnswers> => {
    starts.push(Date.now());
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    try {
      if (state.delayMs > 0) {
        await new Promise<void>((resolve, reject) => {
          const t = setTimeout(resolve, state.delayMs);
          signal.addEventListener("abort", () => { clearTimeout(t); reject(Object.assign(new Error("aborted"), { code: "ABORTED" })); });
        });
      }
      if (state.down) throw new Unreachable("PBX unreachable: connect ECONNREFUSED 127.0.0.1:1");
      return state.answers;
    } finally {
      inFlight--;
    }
  };
  return { state, starts, fetch, maxInFlight: () => maxInFlight };
}

function collect() {
  const events: MonitorEvent[] = [];
  const states: PollerState[] = [];
  return { events, states, onEvents: (e: readonly MonitorEvent[]) => events.push(...e), onState: (s: PollerState) => states.push(s) };
}

describe("monitor poll loop", () => {
  const pollers: Poller[] = [];
  afterEach(async () => {
    await Promise.all(pollers.splice(0).map((p) => p.stop()));
  });
  function make(opts: Partial<ConstructorParameters<typeof Poller>[0]> & Pick<ConstructorParameters<typeof Poller>[0], "fetch" | "onEvents" | "onState">): Poller {
    const p = new Poller({ intervalMs: 20, ...opts });
    pollers.push(p);
    return p;
  }

  it("the first snapshot is the baseline: calls already there give no call.started", async () => {
    const s = scripted();
    s.state.answers = { callsinfo: callsinfo({ id: 1 }, { id: 2 }), extensions: new Map(), queues: new Map() };
    const c = collect();
    make({ fetch: s.fetch, ...c }).start();
    await until(() => s.starts.length >= 3);
    assert.equal(c.events.length, 0);
    s.state.answers = { callsinfo: callsinfo({ id: 1 }, { id: 2 }, { id: 3 }), extensions: new Map(), queues: new Map() };
    await until(() => c.events.length > 0);
    assert.deepEqual(c.events.map((e) => [e.topic, (e.payload as { callID?: number }).callID]), [["call.started", 3]]);
  });

  it("a failing PBX: pbx.down once, growing retry delays up to the cap, pbx.up once, then a fresh baseline", async () => {
    const s = scripted();
    const c = collect();
    make({ intervalMs: 10, maxBackoffMs: 80, fetch: s.fetch, ...c }).start();
    await until(() => s.starts.length >= 2);
    s.state.down = true;
    const downFrom = s.starts.length;
    await until(() => s.starts.length >= downFrom + 6, 5000);
    // While down, calls come and go: none of it may be reported after recovery.
    s.state.answers = { callsinfo: callsinfo({ id: 42, answeredAt: "2025-01-01T10:00:01Z" }), extensions: new Map([["101", extState("101", { status: "Busy" })]]), queues: new Map() };
    s.state.down = false;
    await until(() => c.events.some((e) => e.topic === "pbx.up"));
    await until(() => s.starts.length >= downFrom + 10);
    const topics = c.events.map((e) => e.topic);
    assert.deepEqual(topics, ["pbx.down", "pbx.up"]);
    const down = c.events[0].payload as { code: string; reason: string };
    assert.equal(down.code, "UNREACHABLE");
    assert.match(down.reason, /unreachable/);
    const up = c.events[1].payload as { downtimeMs: number; downtime: number };
    assert.ok(up.downtimeMs > 0);
    assert.equal(typeof up.downtime, "number");
    const downStates = c.states.filter((x): x is Extract<PollerState, { kind: "down" }> => x.kind === "down");
    const delays = downStates.map((x) => x.retryInMs);
    assert.deepEqual(delays.slice(0, 5), [10, 20, 40, 80, 80]);
    assert.equal(c.states[c.states.length - 1].kind, "polling");
  });

  it("ticks never overlap: a slow PBX stretches the interval", async () => {
    const s = scripted();
    s.state.delayMs = 60;
    const c = collect();
    make({ intervalMs: 5, fetch: s.fetch, ...c }).start();
    await until(() => s.starts.length >= 4);
    assert.equal(s.maxInFlight(), 1);
    for (let i = 1; i < s.starts.length; i++) assert.ok(s.starts[i] - s.starts[i - 1] >= 60, "next tick only after the previous finished");
  });

  it("stop aborts the tick in flight, settles, and no tick follows", async () => {
    const s = scripted();
    s.state.delayMs = 10000;
    const c = collect();
    const p = make({ fetch: s.fetch, ...c });
    const before = Poller.active;
    p.start();
    assert.equal(Poller.active, before + 1);
    await until(() => s.starts.length === 1);
    const t0 = Date.now();
    await p.stop();
    assert.ok(Date.now() - t0 < 1000, "stop did not wait for the slow request");
    assert.equal(Poller.active, before);
    const n = s.starts.length;
    await sleep(60);
    assert.equal(s.starts.length, n);
    assert.deepEqual(c.events, [], "an aborted tick is not a PBX failure");
    assert.equal(c.states[c.states.length - 1].kind, "stopped");
  });

  it("pollNow polls at once (not after the interval) and resolves with the fresh snapshot", async () => {
    const s = scripted();
    const c = collect();
    const p = make({ intervalMs: 60000, fetch: s.fetch, ...c });
    p.start();
    await until(() => s.starts.length === 1);
    await until(() => p.snapshot !== null);
    s.state.answers = { callsinfo: callsinfo({ id: 5 }), extensions: new Map([["101", extState("101")]]), queues: new Map() };
    const snap = await p.pollNow();
    assert.equal(s.starts.length, 2);
    assert.deepEqual([...snap.calls.keys()], ["5"]);
    assert.deepEqual([...snap.extensions.keys()], ["101"]);
    assert.deepEqual(c.events.map((e) => e.topic), ["call.started"]);
  });

  it("pollNow while a tick is in flight runs one more tick after it", async () => {
    const s = scripted();
    s.state.delayMs = 40;
    const c = collect();
    const p = make({ intervalMs: 60000, fetch: s.fetch, ...c });
    p.start();
    await until(() => s.starts.length === 1);
    const snap = await p.pollNow();
    assert.equal(s.starts.length, 2);
    assert.ok(snap);
  });

  it("a tick aborted from outside (the shared client closing on a redeploy) is not a PBX failure", async () => {
    let calls = 0;
    const c = collect();
    const fetch = async (): Promise<PollAnswers> => {
      calls++;
      if (calls === 2) throw Object.assign(new Error("pbx.callsinfo.get aborted: the PBX client was closed"), { code: "ABORTED" });
      return { callsinfo: callsinfo(), extensions: new Map(), queues: new Map() };
    };
    make({ intervalMs: 10, fetch, ...c }).start();
    await until(() => calls >= 5);
    assert.equal(c.events.length, 0);
    assert.ok(c.states.every((s) => s.kind !== "down"));
  });

  it("pollNow on a down PBX rejects with the reason; on a stopped loop with ABORTED", async () => {
    const s = scripted();
    s.state.down = true;
    const c = collect();
    const p = make({ intervalMs: 60000, fetch: s.fetch, ...c });
    p.start();
    await assert.rejects(p.pollNow(), /unreachable/);
    await p.stop();
    await assert.rejects(p.pollNow(), (err: { code?: string }) => err.code === "ABORTED");
  });
});
