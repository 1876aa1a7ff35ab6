// The read pacer's arithmetic on its own: the budget gap, urgent work first, the round robin spread
// over the periods when there is room, and the stretch when there is not.
import assert from "node:assert/strict";
import { nextReadAt, readGapMs, stretchOf } from "../../src/monitor/engine/pacing";

const work = (earliestDue: number, demand: number) => ({
  earliestDue: () => earliestDue,
  demand: () => demand,
});

describe("monitor engine: pacing", () => {
  it("the gap between read starts is 1 / budget, longer when the PBX is slowed", () => {
    assert.equal(readGapMs(10, 1), 100);
    assert.equal(readGapMs(10, 4), 400);
    assert.equal(readGapMs(2.5, 1), 400);
  });

  it("urgent work goes one gap after the last read, whatever is due", () => {
    let asked = false;
    const at = nextReadAt(1000, 100, true, { earliestDue: () => ((asked = true), 0), demand: () => 1 });
    assert.equal(at, 1100);
    assert.equal(asked, false, "no pass over the entries when urgent work waits");
  });

  it("nothing due: no read", () => {
    assert.equal(nextReadAt(1000, 100, false, work(Infinity, 0)), undefined);
  });

  it("room in the budget: reads spread at demand × 1.25, never before their due time", () => {
    // 10 entries every 2 s = 5/s wished, spread at 6.25/s = every 160 ms (the budget allows 100).
    assert.equal(nextReadAt(1000, 100, false, work(0, 5)), 1160);
    assert.equal(nextReadAt(1000, 100, false, work(5000, 5)), 5000);
  });

  it("demand above the budget: the budget gap, and every period stretches by the same factor", () => {
    // 500 entries every 2 s = 250/s wished, 10/s allowed.
    assert.equal(nextReadAt(1000, 100, false, work(0, 250)), 1100);
    assert.equal(stretchOf(250, 10, 1), 25);
    assert.equal(stretchOf(250, 10, 2), 50, "slowed: stretched twice as much");
    assert.equal(stretchOf(5, 10, 1), 1, "never below 1");
  });
});
