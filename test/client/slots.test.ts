// Slots with two classes: actions go ahead of queued monitor calls, monitors keep one slot free.
import assert from "node:assert/strict";
import { NoSlot, Slots, type Priority } from "../../src/client/slots";

/** Takes a slot; records the label when it is granted. */
function take(s: Slots, order: string[], label: string, priority: Priority, signal?: AbortSignal): Promise<void> {
  const wait = s.acquire(signal, priority);
  if (!wait) {
    order.push(label);
    return Promise.resolve();
  }
  return wait.then(() => void order.push(label));
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

describe("client: slots with priorities", () => {
  it("monitors hold at most max − 1 slots, so an action starts at once beside them", () => {
    const s = new Slots(4);
    const order: string[] = [];
    for (let i = 0; i < 10; i++) void take(s, order, `m${i}`, "monitor");
    assert.deepEqual(order, ["m0", "m1", "m2"]);
    assert.equal(s.active, 3);
    assert.equal(s.queued, 7);
    void take(s, order, "a", "action");
    assert.deepEqual(order, ["m0", "m1", "m2", "a"], "the action took the free slot without waiting");
    assert.equal(s.active, 4);
  });

  it("a freed slot goes to a queued action before any queued monitor call", async () => {
    const s = new Slots(2);
    const order: string[] = [];
    void take(s, order, "a0", "action");
    void take(s, order, "a1", "action"); // both slots taken by actions
    const waits = [take(s, order, "m0", "monitor"), take(s, order, "m1", "monitor"), take(s, order, "a2", "action")];
    s.release("action");
    await tick();
    assert.deepEqual(order, ["a0", "a1", "a2"], "a2 queued after m0 and m1 but went first");
    s.release("action");
    s.release("action");
    await tick();
    assert.deepEqual(order, ["a0", "a1", "a2", "m0"], "only max − 1 = 1 monitor call at once");
    s.release("monitor");
    await Promise.all(waits);
    assert.deepEqual(order, ["a0", "a1", "a2", "m0", "m1"]);
    s.release("monitor");
    assert.equal(s.active, 0);
    assert.equal(s.queued, 0);
  });

  it("maxConcurrent still caps everything: actions fill every slot", () => {
    const s = new Slots(3);
    const order: string[] = [];
    for (let i = 0; i < 5; i++) void take(s, order, `a${i}`, "action");
    assert.equal(s.active, 3);
    assert.equal(s.queued, 2);
  });

  it("with maxConcurrent 1 a monitor call may hold the one slot; the next action goes first after it", async () => {
    const s = new Slots(1);
    assert.equal(s.monitorMax, 1);
    const order: string[] = [];
    void take(s, order, "m0", "monitor");
    const waits = [take(s, order, "m1", "monitor"), take(s, order, "a0", "action")];
    s.release("monitor");
    await tick();
    assert.deepEqual(order, ["m0", "a0"]);
    s.release("action");
    await Promise.all(waits);
    assert.deepEqual(order, ["m0", "a0", "m1"]);
  });

  it("FIFO within a class, and a newcomer monitor call queues behind waiting ones", async () => {
    const s = new Slots(2);
    const order: string[] = [];
    void take(s, order, "m0", "monitor");
    const waits = [1, 2, 3].map((i) => take(s, order, `m${i}`, "monitor"));
    s.release("monitor");
    await tick();
    assert.deepEqual(order, ["m0", "m1"]);
    s.release("monitor");
    s.release("monitor");
    await Promise.all(waits);
    assert.deepEqual(order, ["m0", "m1", "m2", "m3"]);
  });

  it("an aborted waiter leaves its queue; close turns both classes away", async () => {
    const s = new Slots(2);
    const order: string[] = [];
    void take(s, order, "a0", "action");
    void take(s, order, "a1", "action");
    const ctl = new AbortController();
    const gone = s.acquire(ctl.signal, "monitor");
    const kept = s.acquire(undefined, "monitor");
    const act = s.acquire(undefined, "action");
    assert.equal(s.queued, 3);
    ctl.abort();
    await assert.rejects(gone as Promise<void>, (e: unknown) => e instanceof NoSlot && e.reason === "cancelled");
    assert.equal(s.queued, 2);
    s.rejectAll("closed");
    await assert.rejects(kept as Promise<void>, (e: unknown) => e instanceof NoSlot && e.reason === "closed");
    await assert.rejects(act as Promise<void>, (e: unknown) => e instanceof NoSlot && e.reason === "closed");
    assert.equal(s.queued, 0);
  });

  it("the default priority is action (callers written before priorities keep their behaviour)", () => {
    const s = new Slots(2);
    s.acquire(undefined, "monitor");
    assert.equal(s.acquire(), undefined, "an action takes the second slot at once");
    assert.notEqual(s.acquire(undefined, "monitor"), undefined);
  });
});
