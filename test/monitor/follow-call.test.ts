// Follow the call you started (SPEC §4, §5): makecall on a WebAPI 3.x simulator answers a chid,
// msg.threecx.chid carries it, and the monitor's webhook events of that call (from the simulator's
// own webhook generator) carry the same chid through to call.ended. Also: a status change the
// receiver does not know comes out as webhook.event when ticked.
import assert from "node:assert/strict";
import { startSimulator, type Simulator } from "../../src/simulator";
import { helper, nodeModule } from "../support/nodered";
import { monitorModule, nodeUrl, stopNodeServer, until, type Msg, type TestNode } from "./support";

const KEY = "Follow-K3y-0c9d";
const PATH = "/follow/hook";

describe("follow the call you started: makecall → chid → call.ended (Node-RED, simulator webhooks)", function () {
  this.timeout(20000);
  let sim: Simulator;
  let base = "";

  before(async () => {
    base = await nodeUrl();
    sim = await startSimulator({ httpsPort: false, accessKey: KEY, version: 3, callTiming: { ringMs: 100, talkMs: 200 } });
  });
  afterEach(() => helper.unload());
  after(async () => {
    await sim.close();
    await stopNodeServer();
  });

  async function load(events?: string[]): Promise<{ call: TestNode; calls: Msg[]; events: Msg[] }> {
    await helper.load([nodeModule("3cx-config"), nodeModule("3cx-call"), monitorModule], [
      { id: "f1", type: "tab", label: "follow" },
      { id: "cfg", type: "3cx-config", name: "pbx", fqdn: sim.httpUrl, timeout: 3000, maxConcurrent: 4 },
      { id: "mk", z: "f1", type: "3cx-call", name: "", server: "cfg", method: "makecall", wires: [["made"]] },
      { id: "made", z: "f1", type: "helper" },
      { id: "mon", z: "f1", type: "3cx-monitor", name: "", source: "webhook", path: PATH, ...(events ? { events } : {}), wires: [["out"]] },
      { id: "out", z: "f1", type: "helper" },
    ], { cfg: { accessKey: KEY } });
    const calls: Msg[] = [];
    const evs: Msg[] = [];
    (helper.getNode("made") as unknown as NodeJS.EventEmitter).on("input", (m: Msg) => calls.push(m));
    (helper.getNode("out") as unknown as NodeJS.EventEmitter).on("input", (m: Msg) => evs.push(m));
    return { call: helper.getNode("mk") as TestNode, calls, events: evs };
  }

  it("msg.threecx.chid is the chid of that call's call.ringing, call.answered and call.ended", async () => {
    const flow = await load();
    sim.webhooks.target = { url: `${base}${PATH}`, method: "POST" };
    flow.call.receive({ payload: { first: "102", second: "420774852529" } });
    await until(() => flow.calls.length === 1, 5000, "makecall's output");
    const chid = (flow.calls[0].threecx as { chid?: string }).chid;
    assert.match(chid ?? "", /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    assert.deepEqual(flow.calls[0].payload, { chid });
    const ended = (): Msg | undefined => flow.events.find((m) => m.topic === "call.ended" && (m.payload as { chid?: string }).chid === chid);
    await until(() => ended() !== undefined, 5000, "that call's call.ended");
    const answered = flow.events.find((m) => m.topic === "call.answered");
    assert.equal((answered?.payload as { chid?: string } | undefined)?.chid, chid);
    assert.equal((ended()?.payload as { missed?: boolean }).missed, false);
    sim.webhooks.target = null;
  });

  it("an unknown webhook event is webhook.event when ticked, and nothing when not", async () => {
    const on = await load(["call.ended", "webhook.event"]);
    const send = (): Promise<Response> => fetch(`${base}${PATH}`, {
      method: "POST", headers: { "content-type": "application/json" },
      body: JSON.stringify({ Event: "ForwardingChanged", Num: "102", Profile: "Away" }),
    });
    assert.equal((await send()).status, 200);
    await until(() => on.events.length === 1, 3000, "webhook.event");
    assert.equal(on.events[0].topic, "webhook.event");
    assert.deepEqual({ ...(on.events[0].payload as Record<string, unknown>), at: undefined },
      { source: "webhook", event: "ForwardingChanged", num: "102", profile: "Away", at: undefined });
    await helper.unload();
    const off = await load(); // a node saved before webhook.event existed: off
    assert.equal((await send()).status, 200);
    await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual(off.events, []);
  });
});
