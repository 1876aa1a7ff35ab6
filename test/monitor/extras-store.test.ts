// The monitor's queue statistics with a context store that answers only asynchronously: Node-RED's
// own context module and localfilesystem store (of the Node-RED under test) with `cache: false`, as
// settings.js configures it (a Redis store behaves alike). There a synchronous get throws ("only
// asynchronous access supported"); the figures must still be read back after a restart, events that
// come meanwhile must count, and the fresh start must not overwrite the saved day before it is read.
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Node } from "node-red";
import type { MonitorEvent } from "../../src/monitor";
import { MonitorExtras, STATS_CONTEXT_KEY, forgetSavedStats } from "../../nodes/shared/monitor-extras";
import { NODE_RED_PKG } from "../support/nodered";
import { until } from "./support";

/** What this test uses of @node-red/runtime's context module (it ships no types). */
interface ContextModule {
  init(settings: Record<string, unknown>): void;
  load(): Promise<unknown>;
  close(): Promise<unknown>;
  get(id: string, flowId: string): { get(key: string, cb?: (err: unknown, v: unknown) => void): unknown };
}

const runtimeDir = path.dirname(require.resolve("@node-red/runtime/package.json", { paths: [path.dirname(require.resolve(`${NODE_RED_PKG}/package.json`))] }));
// eslint-disable-next-line @typescript-eslint/no-require-imports
const context = require(path.join(runtimeDir, "lib", "nodes", "context")) as ContextModule;

const QUEUE = "820";
const ringing = (callID: number): MonitorEvent => ({ topic: "call.ringing", payload: { callID, dnNum: QUEUE, usertype: "queue" } } as unknown as MonitorEvent);
const answered = (callID: number): MonitorEvent => ({ topic: "call.answered", payload: { callID } } as unknown as MonitorEvent);
const ended = (callID: number, missed: boolean): MonitorEvent => ({ topic: "call.ended", payload: { callID, missed, talkTime: missed ? 0 : 4 } } as unknown as MonitorEvent);

describe("3cx-monitor queue statistics with an asynchronous context store (localfilesystem, cache off)", () => {
  let dir: string;
  const warnings: string[] = [];

  /** Node-RED's context layer started as red.js starts it: init with the settings, then load. */
  async function openStore(): Promise<void> {
    context.init({ contextStorage: { default: { module: "localfilesystem", config: { dir, cache: false } } } });
    await context.load();
  }

  /** A monitor node as MonitorExtras sees it: its id, its real context, warn. */
  function extras(): MonitorExtras {
    // Only id, context() and warn are used; the context is the runtime's own object for this node.
    const node = { id: "mon", z: "f1", context: () => context.get("mon", "f1"), warn: (m: string) => warnings.push(m) } as unknown as Node;
    return new MonitorExtras({
      node, config: { statsInterval: 60, timeZone: "UTC" }, source: "webhook", send: () => undefined,
      labels: { statsInterval: "Queue stats", timeZone: "Time zone" }, unreadWarning: (r) => `unread: ${r}`,
    });
  }

  const figures = (x: MonitorExtras): [number, number, number] | null => {
    const q = x.report()?.queues[QUEUE];
    return q ? [q.calls, q.answered, q.missed] : null;
  };

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "3cx-ctx-"));
    warnings.length = 0;
    forgetSavedStats();
  });
  afterEach(async () => {
    await context.close();
    context.init({}); // the test helper's default: one memory store
    forgetSavedStats();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("a synchronous get throws on this store (what the monitor must not rely on)", async () => {
    await openStore();
    assert.throws(() => context.get("mon", "f1").get(STATS_CONTEXT_KEY), /asynchronous/);
  });

  it("counts, saves, and after a restart reads the day back; an event during the read counts too", async () => {
    await openStore();
    const first = extras();
    assert.equal(first.problem, undefined, "statistics on");
    await until(() => first.report() !== null, 2000, "the (empty) saved figures read");
    first.push([ringing(1), answered(1), ended(1, false), ringing(2), ended(2, true)]);
    const before = figures(first) as [number, number, number];
    assert.deepEqual(before, [2, 1, 1]);
    first.close();
    await context.close(); // red.js stopping: pending writes finish
    // A new process: nothing of the old one in memory, the store opened again.
    forgetSavedStats();
    await openStore();
    const second = extras();
    assert.equal(second.report(), null, "no figures before the store has answered");
    second.push([ringing(3)]); // while the store is read
    await until(() => second.report() !== null, 2000, "the saved figures read back");
    assert.deepEqual(figures(second), [before[0] + 1, before[1], before[2]]);
    assert.deepEqual(warnings, []);
    second.close();
    await context.close();
    await openStore();
    const saved = await new Promise<unknown>((resolve, reject) => context.get("mon", "f1").get(STATS_CONTEXT_KEY, (err, v) => (err ? reject(err) : resolve(v))));
    assert.equal((saved as { totals: Record<string, { calls: number }> }).totals[QUEUE].calls, before[0] + 1, "the store holds the day, the restart's call included");
  });

  it("a monitor closed before the store answered leaves the saved day as it was", async () => {
    await openStore();
    const first = extras();
    await until(() => first.report() !== null, 2000, "read");
    first.push([ringing(1), ended(1, true)]);
    first.close();
    await context.close();
    forgetSavedStats();
    await openStore();
    extras().close(); // closed (a deploy right after the start) before the read: its empty figures must not be written
    await context.close();
    forgetSavedStats();
    await openStore();
    const third = extras();
    await until(() => third.report() !== null, 2000, "read");
    assert.deepEqual(figures(third), [1, 0, 1]);
    third.close();
  });
});
