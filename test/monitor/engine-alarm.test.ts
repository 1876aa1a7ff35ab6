// The engine's timers on their own, on the fake clock: the earliest wake-up wins, and pollNow's
// brief wait for first reads ends on time, on a wake, or when turned away.
import assert from "node:assert/strict";
import { Alarm } from "../../src/monitor/engine/alarm";
import { FirstReads } from "../../src/monitor/engine/first-reads";
import { FakeClock } from "./fake-pbx";

describe("monitor engine: Alarm (fake clock)", () => {
  it("rings once, at the earliest time asked for; a later request changes nothing", async () => {
    const clock = new FakeClock();
    const rings: number[] = [];
    const alarm = new Alarm(clock, () => rings.push(clock.now()));
    const t0 = clock.now();
    alarm.ringIn(500);
    alarm.ringAt(t0 + 900);
    assert.equal(alarm.at, t0 + 500);
    alarm.ringAt(t0 + 200);
    assert.equal(alarm.at, t0 + 200, "an earlier time moves it");
    assert.equal(clock.pending, 1, "one timer, not three");
    await clock.advance(1000);
    assert.deepEqual(rings, [t0 + 200]);
    assert.equal(alarm.isSet, false);
    assert.equal(alarm.at, Infinity);
  });

  it("a time already past rings at once; clear stops it", async () => {
    const clock = new FakeClock();
    let rang = 0;
    const alarm = new Alarm(clock, () => rang++);
    alarm.ringAt(clock.now() - 5000);
    assert.equal(alarm.at, clock.now(), "not in the past");
    await clock.advance(0);
    assert.equal(rang, 1);
    alarm.ringIn(100);
    alarm.clear();
    await clock.advance(1000);
    assert.equal(rang, 1);
    assert.equal(clock.pending, 0);
  });

  it("may be set again from its own ring", async () => {
    const clock = new FakeClock();
    const rings: number[] = [];
    const t0 = clock.now();
    const alarm: Alarm = new Alarm(clock, () => {
      rings.push(clock.now() - t0);
      if (rings.length < 3) alarm.ringIn(300);
    });
    alarm.ringIn(300);
    await clock.advance(5000);
    assert.deepEqual(rings, [300, 600, 900]);
  });
});

describe("monitor engine: FirstReads (fake clock)", () => {
  it("nothing pending: resolves at once, sets no timer", async () => {
    const clock = new FakeClock();
    await new FirstReads(clock, 5000).wait(() => false, () => false);
    assert.equal(clock.pending, 0);
  });

  it("a wake after the last first read resolves it; earlier wakes keep it waiting", async () => {
    const clock = new FakeClock();
    const reads = new FirstReads(clock, 5000);
    let left = 2;
    let done = false;
    const p = reads.wait(() => left > 0, () => false).then(() => (done = true));
    left--;
    reads.wake();
    await clock.advance(10);
    assert.equal(done, false, "one entry still unread");
    left--;
    reads.wake();
    await p;
    assert.equal(clock.pending, 0, "its timer is cleared");
  });

  it("gives up after waitMs, or when its subscriber leaves, or when turned away", async () => {
    const clock = new FakeClock();
    const reads = new FirstReads(clock, 5000);
    const t0 = clock.now();
    let endedAt = 0;
    const timed = reads.wait(() => true, () => false).then(() => (endedAt = clock.now()));
    await clock.advance(6000);
    await timed;
    assert.equal(endedAt - t0, 5000);

    let gone = false;
    const left = reads.wait(() => true, () => gone);
    gone = true;
    reads.wake();
    await left;

    const turned = reads.wait(() => true, () => false);
    reads.rejectAll(() => Object.assign(new Error("stopped"), { code: "ABORTED" }));
    await assert.rejects(turned, { code: "ABORTED" });
    assert.equal(clock.pending, 0);
  });
});
