// The example flows driven by 3cx-monitor, each loaded as shipped into a real Node-RED runtime
// against the simulator: the webhook ones receive the simulator's own webhook sender (real calls
// in the simulated PBX), the polling ones poll it (interval shortened to keep the tests fast).
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Simulator } from "../../src/simulator";
import { helper } from "../support/nodered";
import { sleep, until } from "../monitor/support";
import { useExamples, type ExampleNode, type LoadedExample } from "./support";

const FAST_POLL = (n: ExampleNode): void => {
  if (n.type === "3cx-monitor" && n.source === "poll") n.interval = 0.1;
};

describe("example flows: events", function () {
  const ctx = useExamples();
  let ex: LoadedExample;
  let sim: Simulator;
  beforeEach(() => {
    sim = ctx.sim;
  });

  /** The example, with the simulator's webhook generator pointed at its monitor's path. */
  async function withWebhooks(label: string, patch?: (n: ExampleNode) => void): Promise<LoadedExample> {
    const loaded = await loadExample(label, patch);
    const monitor = loaded.nodes.find((n) => n.type === "3cx-monitor" && n.source === "webhook");
    assert.ok(monitor, `${label} has a webhook monitor`);
    sim.webhooks.target = { url: `${loaded.url}${String(monitor.path)}`, method: "POST" };
    return loaded;
  }
  const loadExample = (label: string, patch?: (n: ExampleNode) => void) => ctx.load(label, { patch });

  /** An inbound call in the simulated PBX, until its last webhook is sent and the flow had time to react. */
  async function wholeCall(opts: Parameters<Simulator["pbx"]["inboundCall"]>[0]): Promise<number> {
    // Call ids start again after a reset: look only at what is new (after the last entry: the log keeps 1 000).
    const last = sim.webhooks.sent.at(-1);
    const { callID } = sim.pbx.inboundCall(opts);
    const ended = () => sim.webhooks.sent.slice(last ? sim.webhooks.sent.indexOf(last) + 1 : 0).some((w) => /^(incoming|outgoing)$/.test(String(w.payload.event)) && String(w.payload.id).includes(`_${callID}-`));
    await until(ended, 5000, `end of call ${callID}`);
    await sim.webhooks.idle();
    await sleep(100);
    return callID;
  }

  /** Waits for `n` more polls of `method` (the first poll of a monitor is its baseline). */
  async function polls(method: string, n = 2): Promise<void> {
    const start = sim.requests.filter((r) => r.method === method).length;
    await until(() => sim.requests.filter((r) => r.method === method).length >= start + n, 5000, `${n} polls of ${method}`);
  }

  const SCREEN_POP = "Screen pop with the caller's contact";
  /** The example's option turned on, as its Comment says (the function's constant). */
  const ADD_UNKNOWN = (n: ExampleNode): void => {
    if (n.type !== "function" || !String(n.name).startsWith("OPTION: add unknown callers")) return;
    assert.match(String(n.func), /const ADD_UNKNOWN_CALLERS = false;/, "off as shipped");
    n.func = String(n.func).replace("const ADD_UNKNOWN_CALLERS = false;", "const ADD_UNKNOWN_CALLERS = true;");
  };
  /** A pop-up line: "<number> calling <ext>: <who>", with no separator left without text around it. */
  const WELL_FORMED = /^\S+ calling \d+: \S(?!.*(\s,|,\s*,|,\s*$|:\s*$|\s{2}))/;

  it("Screen pop with the caller's contact: a known caller pops with the phonebook entry, an unknown one is not added (the option is off)", async () => {
    ex = await withWebhooks(SCREEN_POP);
    const contacts = sim.pbx.contacts.size;
    await wholeCall({ from: "420774852529", to: "100" });
    await wholeCall({ from: "420111222333", to: "101" });
    // A queue call rings the queue (not a person: no pop) and then its agent 102.
    await wholeCall({ from: "420774852529", to: "802" });
    await until(() => ex.messages("screen pop").length >= 3, 5000, "three pops");
    assert.deepEqual(ex.payloads("screen pop"), [
      "420774852529 calling 100: John Doe, Doe Consulting",
      "420111222333 calling 101: not in the phonebook",
      "420774852529 calling 102: John Doe, Doe Consulting",
    ]);
    assert.equal(sim.pbx.contacts.size, contacts, "nothing added");
    assert.equal(ex.messages("added to the phonebook").length, 0);
  });

  it("Screen pop: an entry with parts missing pops without a dangling separator", async () => {
    ex = await withWebhooks(SCREEN_POP);
    const c = [...sim.pbx.contacts.values()].find((x) => x.phone === "420774852529");
    assert.ok(c, "John Doe");
    c.company = "";
    await wholeCall({ from: "420774852529", to: "100" });
    c.name = "";
    c.lastName = "";
    await wholeCall({ from: "420774852529", to: "101" });
    await until(() => ex.messages("screen pop").length >= 2, 5000, "two pops");
    assert.deepEqual(ex.payloads("screen pop"), ["420774852529 calling 100: John Doe", "420774852529 calling 101: in the phonebook (no name)"]);
  });

  it("Screen pop with the option on: an outside caller is added once, an extension calling never", async () => {
    ex = await withWebhooks(SCREEN_POP, ADD_UNKNOWN);
    const contacts = sim.pbx.contacts.size;
    await wholeCall({ from: "420111222333", to: "101" });
    // A queue call rings two agents at once: looked up twice, added once.
    await wholeCall({ from: "420555666777", to: "802" });
    await until(() => ex.messages("added to the phonebook").length >= 2, 5000, "two adds");
    const added = [...sim.pbx.contacts.values()].slice(contacts).map((x) => [x.name, x.phone]);
    assert.deepEqual(added, [["Unknown caller", "420111222333"], ["Unknown caller", "420555666777"]]);
    // An internal call: extension 101 rings 100.
    sim.pbx.calls.makeCall("101", "100", { ringMs: 50, talkMs: 50 }, "makecall", true);
    await sleep(400);
    await sim.webhooks.idle();
    assert.equal(sim.pbx.contacts.size, contacts + 2, "the extension was not added");
  });

  it("Screen pop with the option on, for a simulated hour of the demo (1 200 scenario steps): no extension and no number twice in the phonebook, every pop-up well formed", async function () {
    this.timeout(180000);
    ex = await withWebhooks(SCREEN_POP, ADD_UNKNOWN);
    const seeded = new Set([...sim.pbx.contacts.values()].map((x) => x.phone));
    // npm start plays a step every 3 s: an hour is 1 200 steps, played here 300 times as fast.
    const STEPS = 1200, INTERVAL_MS = 10;
    sim.scenario.start({ intervalMs: INTERVAL_MS, ringMs: 60, talkMs: 60, seed: 16, missedRatio: 0.2 });
    await sleep(STEPS * INTERVAL_MS);
    sim.scenario.stop();
    await until(() => sim.pbx.calls.list().length === 0, 20000, "the calls end");
    await sim.webhooks.idle();
    await sleep(500);
    await sim.webhooks.idle();

    const phones = [...sim.pbx.contacts.values()].map((x) => x.phone).filter(Boolean);
    const twice = phones.filter((p, i) => phones.indexOf(p) !== i);
    assert.deepEqual(twice, [], "no number twice in the phonebook");
    const added = phones.filter((p) => !seeded.has(p));
    assert.deepEqual(added.filter((p) => p.replace("+", "").length <= 5), [], "no extension added");
    assert.ok(added.length >= 20, `outside callers were added (${added.length})`);
    // The trap was there: calls of a number not in the phonebook that rang two or more phones at once.
    const rings = new Map<string, Set<string>>();
    for (const m of ex.messages("screen pop")) {
      const call = m.call as { id?: unknown; callerid?: unknown; user?: unknown };
      const id = String(call.id).replace(/-\d+$/, "");
      rings.set(id, (rings.get(id) ?? new Set()).add(`${String(call.callerid)}>${String(call.user)}`));
    }
    const multi = [...rings.values()].filter((s) => s.size >= 2 && [...s].some((r) => added.includes(r.split(">")[0]))).length;
    assert.ok(multi >= 3, `unknown callers that rang several phones at once: ${multi}`);
    const pops = ex.payloads("screen pop").map(String);
    assert.ok(pops.length >= 100, `pop-ups: ${pops.length}`);
    assert.deepEqual(pops.filter((p) => !WELL_FORMED.test(p)), [], "well-formed pop-ups");
    console.log(`      a simulated hour: ${pops.length} pop-ups, ${added.length} callers added, ${multi} unknown callers rang several phones at once`);
  });

  it("Background job for calls to a queue: the caller's number picks the job; other queues start none", async () => {
    ex = await withWebhooks("Background job for calls to a queue");
    const vip = await wholeCall({ from: "420774852529", to: "802" });
    const other = await wholeCall({ from: "493012345678", to: "802" });
    await wholeCall({ from: "420774852529", to: "820" });
    assert.deepEqual(ex.messages("jobs").map((m) => [m.topic, m.payload]), [
      ["priority", { job: "priority", caller: "420774852529", queue: "802", callID: vip }],
      ["standard", { job: "standard", caller: "493012345678", queue: "802", callID: other }],
    ]);
  });

  it("Missed call alert: an unanswered inbound call alerts with the caller's name; an answered one does not", async () => {
    ex = await withWebhooks("Missed call alert");
    await wholeCall({ from: "493012345678", to: "100" });
    assert.equal(ex.messages("alert").length, 0);
    await wholeCall({ from: "420774852529", to: "820", answer: false });
    assert.equal(ex.messages("alert").length, 1);
    assert.match(String(ex.payloads("alert")[0]), /^Missed call from 420774852529 \(Doe, John\) to 820 at \d{4}-\d\d-\d\dT/);
  });

  it("Caller ID on the TV: rings at 100 show the phonebook name or the number; other extensions nothing", async () => {
    ex = await withWebhooks("Caller ID on the TV");
    for (const [from, to] of [["420774852529", "100"], ["420999000111", "100"], ["420774852529", "101"]]) {
      await wholeCall({ from, to });
    }
    assert.deepEqual(ex.messages("TV").map((m) => [m.topic, m.payload]), [
      ["Incoming call", "Call from Doe, John (420774852529)"],
      ["Incoming call", "Call from 420999000111"],
    ]);
  });

  it("Archive call recordings: the recording of an answered call is downloaded into recordings/", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "3cx-recordings-"));
    // The file node resolves relative names against fileWorkingDirectory, as in `npm start`.
    // helper.settings() can only merge into a copy: keep the very object the other suites use.
    const internals = helper as unknown as { _settings: unknown };
    const original = internals._settings;
    helper.settings({ fileWorkingDirectory: dir });
    try {
      ex = await withWebhooks("Archive call recordings");
      const call = sim.pbx.inboundCall({ from: "493012345678", to: "100" });
      await until(() => ex.messages("saved").length === 1, 5000, "saved recording");
      const filename = String(ex.messages("saved")[0].filename);
      assert.match(filename, new RegExp(`^recordings/\\d{12}_${call.callID}-1-1\\.mp3$`));
      const bytes = fs.readFileSync(path.join(dir, filename));
      assert.ok(bytes.length > 1000, `${bytes.length} bytes`);
      assert.deepEqual([...bytes.subarray(0, 2)], [0xff, 0xfb], "an MPEG audio frame");
    } finally {
      internals._settings = original;
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("Doorbell call shows the camera: a call from the intercom 106 switches the camera on; other calls do not", async () => {
    ex = await loadExample("Doorbell call shows the camera", FAST_POLL);
    await polls("pbx.callsinfo.get");
    sim.pbx.makeCall("101", "102");
    await polls("pbx.callsinfo.get");
    const door = sim.pbx.makeCall("106", "100", { ringMs: 2000 });
    await until(() => ex.messages("camera").length === 1, 5000, "camera message");
    await polls("pbx.callsinfo.get");
    assert.deepEqual(ex.messages("camera").map((m) => [m.topic, m.payload]), [
      ["camera/front-door", { camera: "front-door", show: true, callID: door.callID, calling: "100" }],
    ]);
  });

  it("Busy light from extension state: a board of four phones, each green at start, flashing red while ringing, red in the call, blue in DND", async () => {
    ex = await loadExample("Busy light from extension state", FAST_POLL);
    const of = (num: string) => ex.messages("light colour").filter((m) => m.topic === num).map((m) => m.payload);
    await until(() => ex.messages("light colour").length === 4, 5000, "the four colours at start");
    assert.deepEqual(ex.messages("light colour").map((m) => m.topic).sort(), ["100", "101", "102", "103"]);
    await polls("pbx.callsinfo.get");
    sim.pbx.makeCall("101", "100", { ringMs: 600, talkMs: 600 });
    await until(() => of("100").length >= 4, 5000, "ring, talk, free");
    const res = await fetch(`${sim.httpUrl}/webapi/${sim.accessKey}/ext.fwd.set?num=102&status=${encodeURIComponent("Out of office")}`);
    assert.equal(res.status, 200);
    await until(() => of("102").length >= 2, 5000, "do not disturb");
    assert.deepEqual(of("100"), ["green", "red-flashing", "red", "green"]);
    assert.deepEqual(of("101").slice(0, 2), ["green", "red"], "the caller is busy too");
    assert.deepEqual(of("102"), ["green", "blue"]);
    assert.deepEqual(of("103"), ["green"]);
    // The board: every phone's colour in one message.
    assert.deepEqual(JSON.parse(JSON.stringify(ex.payloads("the whole board").at(-1))), { 100: "green", 101: "green", 102: "blue", 103: "green" });
  });

  it("PBX health and license check: pbx.down once when the PBX stops answering, pbx.up once when it is back", async () => {
    // The hourly license check is covered in actions.test.ts; here it must not run while the PBX is down.
    ex = await loadExample("PBX health and license check", (n) => {
      FAST_POLL(n);
      if (n.type === "inject") n.once = false;
    });
    await polls("pbx.callsinfo.get");
    await sim.faults.set({ down: true });
    await until(() => ex.messages("alerts").length === 1, 5000, "pbx.down");
    assert.match(String(ex.payloads("alerts")[0]), /^PBX not answering: /);
    await sleep(300);
    await sim.faults.clear();
    await until(() => ex.messages("alerts").length === 2, 10000, "pbx.up");
    assert.match(String(ex.payloads("alerts")[1]), /^PBX answering again after \d+ s$/);
    await polls("pbx.callsinfo.get");
    assert.equal(ex.messages("alerts").length, 2);
  });
});
