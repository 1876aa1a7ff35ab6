// Reading the monitor node's saved properties: the event filter, the interval, the watch lists.
import assert from "node:assert/strict";
import { EVENT_NAMES, eventFilter, intervalMs, parseList } from "../../src/monitor";

describe("monitor node properties", () => {
  it("events: missing or blank = all but webhook.event (off by default); a list = exactly those; unknown names ignored; [] = none", () => {
    assert.equal(eventFilter(undefined).size, EVENT_NAMES.length - 1);
    assert.equal(eventFilter("").has("webhook.event"), false);
    assert.equal(eventFilter("").size, EVENT_NAMES.length - 1);
    assert.deepEqual([...eventFilter(["webhook.event"])], ["webhook.event"]);
    assert.deepEqual([...eventFilter(["call.ended", "pbx.down", "nonsense"])], ["call.ended", "pbx.down"]);
    assert.deepEqual([...eventFilter("call.ended, queue.agent")], ["call.ended", "queue.agent"]);
    assert.equal(eventFilter([]).size, 0);
  });

  it("interval: seconds (number or text), fractions allowed down to 0.05; blank or invalid = 2", () => {
    assert.equal(intervalMs(2), 2000);
    assert.equal(intervalMs("0.5"), 500);
    assert.equal(intervalMs(0.001), 50);
    for (const bad of [undefined, "", "abc", -1, 0, null]) assert.equal(intervalMs(bad), 2000, String(bad));
  });

  it("watch lists: commas, spaces or semicolons; blanks and repeats dropped", () => {
    assert.deepEqual(parseList(" 101, 102;103 101,,"), ["101", "102", "103"]);
    assert.deepEqual(parseList(""), []);
    assert.deepEqual(parseList(undefined), []);
    assert.deepEqual(parseList(["101", "102"]), ["101", "102"]);
  });
});
