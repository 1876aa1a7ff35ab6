// The PBX down and back, on its own: the outage keeps its start, the wait doubles up to its cap,
// and the pbx.down / pbx.up events carry the times of SPEC §5.
import assert from "node:assert/strict";
import { Outage, backoffMs, downEvent, upEvent } from "../../src/monitor/engine/outage";
import { T0 } from "./fixtures";

describe("monitor engine: outage", () => {
  it("backs off interval × 2ⁿ up to the cap (never below the interval)", () => {
    assert.deepEqual([1, 2, 3, 4, 5, 6].map((n) => backoffMs(2000, n, 20_000)), [2000, 4000, 8000, 16_000, 20_000, 20_000]);
    assert.equal(backoffMs(90_000, 3, 60_000), 90_000, "an interval longer than the cap: the interval");
    assert.equal(backoffMs(1000, 1000, 60_000), 60_000, "no overflow after many failures");
  });

  it("the first failure starts it; later ones keep its start and update the reason", () => {
    const o = new Outage(60_000);
    assert.equal(o.down, undefined);
    assert.equal(o.fail(T0, "UNREACHABLE", "no route"), true);
    assert.equal(o.fail(T0 + 4000, "TIMEOUT", "timed out"), false);
    assert.deepEqual(o.down, { since: T0, code: "TIMEOUT", reason: "timed out" });
    assert.equal(o.backoffMs(2000), 4000);
    assert.equal(o.recover(), T0);
    assert.equal(o.down, undefined);
    assert.equal(o.recover(), undefined, "nothing to recover from");
    o.fail(T0 + 10_000, "HTTP_503", "busy");
    assert.equal(o.backoffMs(2000), 2000, "a new outage starts from the interval again");
  });

  it("pbx.down and pbx.up payloads", () => {
    assert.deepEqual(downEvent({ since: T0, code: "UNREACHABLE", reason: "no route" }), {
      topic: "pbx.down",
      payload: { reason: "no route", code: "UNREACHABLE", since: "2025-01-01T10:00:00.000Z" },
    });
    assert.deepEqual(upEvent(T0, T0 + 61_400), {
      topic: "pbx.up",
      payload: { downtime: 61, downtimeMs: 61_400, since: "2025-01-01T10:00:00.000Z", at: "2025-01-01T10:01:01.400Z" },
    });
  });
});
