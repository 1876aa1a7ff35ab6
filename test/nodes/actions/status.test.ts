// The action node's status tracker on its own (the adapters' statuses are tested through Node-RED
// in resolution/lifecycle): under load it must not send a status per message, yet always end on
// the exact result at once.
import assert from "node:assert/strict";
import type { Node, NodeAPI } from "node-red";
import { BUSY_REFRESH_MS, RESULT_CLEAR_MS, StatusTracker } from "../../../nodes/shared/status";

type Shown = { fill?: string; shape?: string; text?: string };

function tracker(): { t: StatusTracker; shown: Shown[] } {
  const shown: Shown[] = [];
  const node = { status: (s: Shown) => void shown.push(s) } as unknown as Node;
  const translate = ((key: string, opts?: { count?: number }) => (opts?.count === undefined ? key : `${key} ${opts.count}`)) as NodeAPI["_"];
  return { t: new StatusTracker(node, translate, "3cx-ext"), shown };
}

const wait = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe("action node: status tracker", () => {
  it("100 messages in one tick: 'requesting' at once, the count once the interval is over, not 100 statuses", async () => {
    const { t, shown } = tracker();
    for (let i = 0; i < 100; i++) t.begin();
    assert.deepEqual(shown, [{ fill: "blue", shape: "dot", text: "3cx-ext.status.requesting" }]);
    await wait(BUSY_REFRESH_MS + 50);
    assert.deepEqual(shown.map((s) => s.text), ["3cx-ext.status.requesting", "3cx-ext.status.requestingMany 100"]);
    t.close();
  });

  it("shows the result the moment the last request ends, and no late count overwrites it", async () => {
    const { t, shown } = tracker();
    t.begin();
    t.begin();
    t.begin(); // a refresh is now due
    t.succeed({});
    t.succeed({});
    t.succeed({ result: "Drop" });
    assert.deepEqual(shown.at(-1), { fill: "green", shape: "dot", text: "Drop" });
    const n = shown.length;
    await wait(BUSY_REFRESH_MS + 50);
    assert.equal(shown.length, n, "nothing after the result");
    t.close();
  });

  it("a steady load of 1 000 messages over ~1 s shows at most one busy status per interval", async () => {
    const { t, shown } = tracker();
    const t0 = performance.now();
    for (let i = 0; i < 1000; i++) {
      t.begin();
      if (i % 4 === 3) await wait(4);
      if (i >= 8) t.succeed({});
    }
    const ms = performance.now() - t0;
    const busy = shown.filter((s) => s.fill === "blue").length;
    assert.ok(busy >= 2, `${busy} busy statuses`);
    assert.ok(busy <= Math.ceil(ms / BUSY_REFRESH_MS) + 1, `${busy} busy statuses in ${ms.toFixed(0)} ms`);
    for (let i = 0; i < 8; i++) t.succeed({ result: "Done" });
    assert.deepEqual(shown.at(-1), { fill: "green", shape: "dot", text: "Done" });
    t.close();
  });

  it("an error shows at once even while others are in flight; the count comes back after it", async () => {
    const { t, shown } = tracker();
    t.begin();
    t.begin();
    t.fail("HTTP_500", true);
    assert.deepEqual(shown.at(-1), { fill: "red", shape: "ring", text: "HTTP_500" });
    t.begin();
    assert.deepEqual(shown.at(-1), { fill: "blue", shape: "dot", text: "3cx-ext.status.requestingMany 2" });
    t.close();
  });

  it("close() clears the status and leaves no timer that could set it again", async () => {
    const { t, shown } = tracker();
    for (let i = 0; i < 5; i++) t.begin();
    t.close();
    assert.deepEqual(shown.at(-1), {});
    const n = shown.length;
    await wait(BUSY_REFRESH_MS + 50);
    assert.equal(shown.length, n);
  });

  it("the result clears itself after RESULT_CLEAR_MS", async function () {
    this.timeout(RESULT_CLEAR_MS + 2000);
    const { t, shown } = tracker();
    t.begin();
    t.succeed({});
    assert.equal(shown.at(-1)?.fill, "green");
    await wait(RESULT_CLEAR_MS + 100);
    assert.deepEqual(shown.at(-1), {});
  });
});
