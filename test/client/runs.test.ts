// One call's run on its own (src/client/runs.ts): timeout, the caller's signal, close(), and what a
// run leaves behind when it ends. Time is a hand clock: a timer fires when the test says so.
import assert from "node:assert/strict";
import { getEventListeners } from "node:events";
import { RunSet, abortedError, inSlot, timed, type Run, type Timers } from "../../src/client/runs";
import { Slots } from "../../src/client/slots";
import { WebApiError } from "../../src/client/errors";

class HandTimers implements Timers {
  readonly pending = new Map<number, { fn: () => void; ms: number }>();
  #seq = 0;

  setTimeout(fn: () => void, ms: number): unknown {
    this.pending.set(++this.#seq, { fn, ms });
    return this.#seq;
  }

  clearTimeout(handle: unknown): void {
    this.pending.delete(handle as number);
  }

  /** Fires every timer set so far, each once. */
  fire(): void {
    for (const [id, t] of [...this.pending]) {
      this.pending.delete(id);
      t.fn();
    }
  }
}

/** A body that waits until its run is stopped, then gives the reason (like a request in flight). */
function untilStopped(run: Run): Promise<string | undefined> {
  return new Promise((resolve) => run.signal.addEventListener("abort", () => resolve(run.why), { once: true }));
}

/** A body that ends when the test says so, keeping its run for inspection afterwards. */
function gated(): { body: (run: Run) => Promise<string>; open: () => void; run: () => Run } {
  let seen: Run | undefined;
  let open!: () => void;
  const gate = new Promise<void>((r) => { open = r; });
  return {
    body: async (run) => {
      seen = run;
      await gate;
      return "done";
    },
    open,
    run: () => seen as Run,
  };
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

describe("client: runs (timeout, cancel, close)", () => {
  it("the run's signal (a plain object, not an EventTarget): each listener hears the first stop once, a removed one none, a throwing one stops no other", async () => {
    const clock = new HandTimers();
    const runs = new RunSet(clock);
    const g = gated();
    const p = runs.run(1000, undefined, g.body);
    const signal = g.run().signal;
    const heard: string[] = [];
    const a = (ev: { type: string }): void => { heard.push(`a:${ev.type}`); };
    const gone = (): void => { heard.push("removed"); };
    signal.addEventListener("abort", () => { throw new Error("a listener's bug"); });
    signal.addEventListener("abort", a);
    signal.addEventListener("abort", gone);
    signal.removeEventListener("abort", gone);
    assert.equal(signal.aborted, false);
    clock.fire(); // timeout
    runs.close(); // a second stop: nobody hears it
    signal.addEventListener("abort", () => heard.push("late")); // after the stop: like an AbortSignal, never called
    assert.equal(signal.aborted, true);
    assert.equal(g.run().why, "timeout", "the first reason stays");
    assert.deepEqual(heard, ["a:abort"]);
    g.open();
    await p;
  });


  it("the timer stops a run with \"timeout\" after the budget it was given, and is gone once the run ends", async () => {
    const clock = new HandTimers();
    const runs = new RunSet(clock);
    const p = runs.run(1500, undefined, untilStopped);
    assert.deepEqual([...clock.pending.values()].map((t) => t.ms), [1500]);
    assert.equal(runs.size, 1);
    clock.fire();
    assert.equal(await p, "timeout");
    assert.equal(clock.pending.size, 0);
    assert.equal(runs.size, 0);
  });

  it("a run that ends in time clears its timer, so the timer can never stop it later", async () => {
    const clock = new HandTimers();
    const runs = new RunSet(clock);
    const g = gated();
    const p = runs.run(1000, undefined, g.body);
    assert.equal(clock.pending.size, 1);
    g.open();
    assert.equal(await p, "done");
    assert.equal(clock.pending.size, 0, "the timer was cleared");
    assert.equal(g.run().why, undefined);
    assert.equal(g.run().signal.aborted, false);
  });

  it("the caller's signal stops a run with \"cancelled\"; its listener is gone once the run ends", async () => {
    const clock = new HandTimers();
    const runs = new RunSet(clock);
    const outer = new AbortController();
    const p = runs.run(1000, outer.signal, untilStopped);
    assert.equal(getEventListeners(outer.signal, "abort").length, 1);
    outer.abort();
    assert.equal(await p, "cancelled");
    assert.equal(getEventListeners(outer.signal, "abort").length, 0);
    assert.equal(clock.pending.size, 0);
  });

  it("after a run has ended, aborting the caller's signal does nothing to it", async () => {
    const runs = new RunSet(new HandTimers());
    const outer = new AbortController();
    const g = gated();
    const p = runs.run(1000, outer.signal, g.body);
    g.open();
    await p;
    assert.equal(getEventListeners(outer.signal, "abort").length, 0);
    outer.abort();
    assert.equal(g.run().signal.aborted, false, "the ended run did not hear the abort");
    assert.equal(g.run().why, undefined);
  });

  it("a signal aborted before the run starts stops it at once (the body sees why = \"cancelled\")", async () => {
    const runs = new RunSet(new HandTimers());
    const outer = new AbortController();
    outer.abort();
    const seen = await runs.run(1000, outer.signal, async (run) => [run.why, run.signal.aborted]);
    assert.deepEqual(seen, ["cancelled", true]);
  });

  it("close() stops every run going on with \"closed\", and every later run at its start", async () => {
    const clock = new HandTimers();
    const runs = new RunSet(clock);
    const a = runs.run(1000, undefined, untilStopped);
    const b = runs.run(1000, new AbortController().signal, untilStopped);
    assert.equal(runs.size, 2);
    assert.equal(runs.closed, false);
    runs.close();
    assert.equal(runs.closed, true);
    assert.deepEqual(await Promise.all([a, b]), ["closed", "closed"]);
    assert.equal(runs.size, 0);
    assert.equal(clock.pending.size, 0);
    const later = await runs.run(1000, undefined, async (run) => run.why);
    assert.equal(later, "closed");
  });

  it("the first reason wins: a timed-out run stays \"timeout\" when it is cancelled or closed after", async () => {
    const clock = new HandTimers();
    const runs = new RunSet(clock);
    const outer = new AbortController();
    const g = gated();
    const p = runs.run(1000, outer.signal, g.body);
    clock.fire();
    outer.abort();
    runs.close();
    assert.equal(g.run().why, "timeout");
    g.open();
    await p;
  });

  it("close() does not touch a run that has ended, nor one of another set", async () => {
    const mine = new RunSet(new HandTimers());
    const other = new RunSet(new HandTimers());
    const g = gated();
    const ended = mine.run(1000, undefined, g.body);
    g.open();
    await ended;
    const theirs = gated();
    const p = other.run(1000, undefined, theirs.body);
    mine.close();
    assert.equal(g.run().why, undefined);
    assert.equal(theirs.run().why, undefined);
    theirs.open();
    await p;
  });

  it("a body that throws still leaves no timer, listener or membership behind", async () => {
    const clock = new HandTimers();
    const runs = new RunSet(clock);
    const outer = new AbortController();
    await assert.rejects(runs.run(1000, outer.signal, async () => { throw new Error("boom"); }), /boom/);
    assert.equal(clock.pending.size, 0);
    assert.equal(runs.size, 0);
    assert.equal(getEventListeners(outer.signal, "abort").length, 0);
  });

  it("with the real timers a short budget really times out, and nothing is left pending", async () => {
    const runs = new RunSet();
    const t0 = performance.now();
    assert.equal(await runs.run(20, undefined, untilStopped), "timeout");
    assert.ok(performance.now() - t0 >= 15, "not before its budget");
  });

  it("timed(): a run of its own, with a timeout and the caller's signal, that no close() reaches", async () => {
    const clock = new HandTimers();
    const outer = new AbortController();
    const p = timed(800, outer.signal, untilStopped, clock);
    assert.deepEqual([...clock.pending.values()].map((t) => t.ms), [800]);
    new RunSet(clock).close(); // some client closing: not this run's set
    clock.fire();
    assert.equal(await p, "timeout");
    assert.equal(getEventListeners(outer.signal, "abort").length, 0);
    const q = timed(800, outer.signal, untilStopped, clock);
    outer.abort();
    assert.equal(await q, "cancelled");
    assert.equal(clock.pending.size, 0);
  });
});

describe("client: inSlot (a call's wait for a slot)", () => {
  function expectAborted(e: unknown, method: string, why: "closed" | "cancelled"): true {
    assert.ok(e instanceof WebApiError);
    assert.equal(e.code, "ABORTED");
    assert.equal(e.method, method);
    assert.equal(e.attempts, 0);
    assert.match(e.message, why === "closed" ? /aborted: the PBX client was closed/ : /aborted: the request was cancelled/);
    return true;
  }

  /** A client's slots and runs, and a body that counts how often it ran. */
  function client(max: number): { slots: Slots; runs: RunSet; body: () => Promise<void>; ran: () => number } {
    let ran = 0;
    return { slots: new Slots(max), runs: new RunSet(new HandTimers()), body: async () => { ran++; }, ran: () => ran };
  }

  it("a free slot runs the body in the same tick and is freed after it, even when it throws", async () => {
    const slots = new Slots(2);
    const runs = new RunSet(new HandTimers());
    let started = false;
    const p = inSlot(slots, "action", runs, "makecall", undefined, async () => { started = true; return 7; });
    assert.equal(started, true, "no tick between the call and its body");
    assert.equal(await p, 7);
    assert.equal(slots.active, 0);
    await assert.rejects(inSlot(slots, "monitor", runs, "makecall", undefined, async () => { throw new Error("boom"); }), /boom/);
    assert.equal(slots.active, 0);
  });

  it("a closed client or a cancelled signal: ABORTED with 0 attempts, and the body never runs", async () => {
    const { slots, runs, body, ran } = client(2);
    const outer = new AbortController();
    outer.abort();
    await assert.rejects(inSlot(slots, "action", runs, "makecall", outer.signal, body), (e) => expectAborted(e, "makecall", "cancelled"));
    runs.close();
    await assert.rejects(inSlot(slots, "action", runs, "makecall", undefined, body), (e) => expectAborted(e, "makecall", "closed"));
    assert.equal(ran(), 0);
    assert.equal(slots.active, 0);
  });

  it("a queued call that is cancelled, or closed out, is ABORTED and never runs", async () => {
    const { slots, runs, body, ran } = client(1);
    const holder = gated();
    const held = inSlot(slots, "action", runs, "hold", undefined, () => runs.run(1000, undefined, holder.body));
    const outer = new AbortController();
    const cancelled = inSlot(slots, "action", runs, "makecall", outer.signal, body);
    const closed = inSlot(slots, "monitor", runs, "extension.status", undefined, body);
    assert.equal(slots.queued, 2);
    outer.abort();
    await assert.rejects(cancelled, (e) => expectAborted(e, "makecall", "cancelled"));
    slots.rejectAll("closed");
    runs.close();
    await assert.rejects(closed, (e) => expectAborted(e, "extension.status", "closed"));
    assert.equal(holder.run().why, "closed", "the call in its slot was stopped too");
    holder.open();
    await held;
    await tick();
    assert.equal(ran(), 0);
    assert.equal(slots.active, 0);
  });

  it("abortedError says who stopped the call, in the words the clients have always used", () => {
    const closed = abortedError("makecall", "closed", 2);
    assert.equal(closed.message, "makecall aborted: the PBX client was closed (node redeployed or stopped)");
    assert.equal(closed.attempts, 2);
    assert.equal(abortedError("makecall", "cancelled", 0).message, "makecall aborted: the request was cancelled");
  });
});
