// Calls first on its own: which watched extensions' part in the calls changed between two calls lists.
import assert from "node:assert/strict";
import { changedLegs } from "../../src/monitor/engine/calls-first";
import { T0, callsinfo, snap, type CallSpec } from "./fixtures";

const calls = (...c: CallSpec[]) => snap(null, { at: T0, calls: callsinfo(...c) }).calls;
const watched = (dn: string): boolean => ["100", "101", "102"].includes(dn);

describe("monitor engine: calls first", () => {
  it("an extension that starts ringing, answers or hangs up has changed; the rest has not", () => {
    const idle = calls();
    const ringing = calls({ id: 9, owner: "0777", ownerType: "line", routingTo: ["101", "102"] });
    const talking = calls({ id: 9, owner: "0777", ownerType: "line", talkTo: ["101"], answeredAt: "2025-01-01T10:00:05Z" });
    assert.deepEqual(changedLegs(idle, ringing, watched), ["101", "102"]);
    assert.deepEqual(changedLegs(ringing, talking, watched), ["101", "102"], "101 answered, 102 stopped ringing");
    assert.deepEqual(changedLegs(talking, talking, watched), []);
    assert.deepEqual(changedLegs(talking, idle, watched), ["101"]);
  });

  it("unwatched extensions and outside lines are not read; no calls list yet: everything in a call is new", () => {
    const c = calls({ id: 1, owner: "100", talkTo: ["200"] });
    assert.deepEqual(changedLegs(undefined, c, watched), ["100"]);
    assert.deepEqual(changedLegs(c, undefined, watched), ["100"]);
  });
});
