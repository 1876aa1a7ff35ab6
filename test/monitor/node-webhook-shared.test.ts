// The PBX's one webhook entry (SPEC §5): the config node owns webhookPath, webhookToken and
// webhookAllow; every webhook monitor of that PBX hears every event there and filters its own. A
// monitor saved with its own path (before the config node had one) still answers at it. Real
// Node-RED (test helper), real HTTP on 127.0.0.1, the simulator's own webhook sender.
import assert from "node:assert/strict";
import { startSimulator, type Simulator } from "../../src/simulator";
import { helper, nodeModule } from "../support/nodered";
import { monitorModule, nodeUrl, routeCount, stopNodeServer, until, type Msg } from "./support";

const PATH = "/3cx/events";
const TOKEN = "cfgHOOK-8b2f61d0e7";
const KEY = "SIMKEY-hooks-2a7c";

interface Opts {
  token?: string;
  allow?: string;
  /** Extra monitor properties, by monitor id. */
  monitors?: Record<string, Record<string, unknown>>;
}

async function load(sim: Simulator, o: Opts): Promise<Record<string, Msg[]>> {
  const monitors = o.monitors ?? { a: {}, b: {} };
  await helper.load([nodeModule("3cx-config"), monitorModule], [
    { id: "f1", type: "tab" },
    { id: "cfg", type: "3cx-config", name: "pbx", fqdn: sim.httpUrl, webhookPath: PATH, webhookAllow: o.allow ?? "" },
    ...Object.entries(monitors).map(([id, props]) => ({ id, z: "f1", type: "3cx-monitor", server: "cfg", source: "webhook", wires: [[`${id}-out`]], ...props })),
    ...Object.keys(monitors).map((id) => ({ id: `${id}-out`, z: "f1", type: "helper" })),
  ], { cfg: { accessKey: KEY, ...(o.token ? { webhookToken: o.token } : {}) } });
  const out: Record<string, Msg[]> = {};
  for (const id of Object.keys(monitors)) {
    const msgs: Msg[] = [];
    (helper.getNode(`${id}-out`) as unknown as NodeJS.EventEmitter).on("input", (m: Msg) => msgs.push(m));
    out[id] = msgs;
  }
  return out;
}

describe("3cx-monitor webhooks at the config node's one URL (Node-RED + simulator)", function () {
  this.timeout(20000);
  let base = "";
  let sim: Simulator;

  before(async () => {
    base = await nodeUrl();
    sim = await startSimulator({ httpsPort: false, accessKey: KEY });
  });
  afterEach(async () => {
    sim.webhooks.target = null;
    await helper.unload();
  });
  after(async () => {
    await sim.close();
    await stopNodeServer();
  });

  it("two webhook monitors on one PBX both hear the simulator's webhooks at the one URL, each filtering its own", async () => {
    const got = await load(sim, { token: TOKEN, monitors: { a: {}, b: { events: ["call.ended"] } } });
    assert.equal(routeCount(PATH), 2, "one route (GET and POST) for the PBX");
    sim.webhooks.target = { url: `${base}${PATH}?token=${TOKEN}`, method: "POST" };
    const call = sim.pbx.inboundCall({ from: "420774852529", to: "100", timing: { ringMs: 60, talkMs: 100 } });
    await until(() => got.a.some((m) => m.topic === "call.ended") && got.b.length >= 1, 5000, "both monitors heard the end");
    await sim.webhooks.idle();
    assert.ok(sim.webhooks.sent.every((s) => s.status === 200), JSON.stringify(sim.webhooks.sent.map((s) => s.status)));
    assert.deepEqual(got.a.map((m) => m.topic).filter((t) => t !== "call.recording"), ["call.started", "call.ringing", "call.answered", "call.ended"]);
    assert.deepEqual(got.b.map((m) => m.topic), ["call.ended"], "b emits only what its filter keeps");
    for (const m of [...got.a, ...got.b]) assert.equal(m.payload.callID, call.callID);
  });

  it("a monitor saved with its own path still receives there (and at the config node's)", async () => {
    const got = await load(sim, { monitors: { old: { path: "/legacy/hook" }, neu: {} } });
    const own = await fetch(`${base}/legacy/hook?event=ringing&callerid=381629759787&user=100&usertype=ext&id=250910183903_6-0`);
    assert.equal(own.status, 200);
    await until(() => got.old.length >= 2, 3000, "the old path's events");
    assert.deepEqual(got.old.map((m) => m.topic), ["call.started", "call.ringing"]);
    assert.equal(got.neu.length, 0, "the other monitor does not listen at the old path");
    const shared = await fetch(`${base}${PATH}?event=ringing&callerid=381629759787&user=101&usertype=ext&id=250910183904_7-0`);
    assert.equal(shared.status, 200);
    await until(() => got.neu.length >= 2 && got.old.length >= 4, 3000, "both hear the shared URL");
  });

  it("token and allow-list refusals at the config node's URL: 403, nothing emitted, status yellow", async () => {
    const got = await load(sim, { token: TOKEN, monitors: { a: {} } });
    const statuses: string[] = [];
    (helper.getNode("a") as unknown as NodeJS.EventEmitter).on("call:status", (c: { args: [{ fill?: string; text?: string }] }) => statuses.push(`${c.args[0].fill}:${c.args[0].text}`));
    const q = "event=ringing&callerid=381629759787&user=100&usertype=ext&id=250910183903_6-0";
    assert.equal((await fetch(`${base}${PATH}?${q}`)).status, 403, "no token");
    assert.equal((await fetch(`${base}${PATH}?${q}&token=wrong`)).status, 403, "wrong token");
    assert.equal(got.a.length, 0);
    assert.ok(statuses.some((s) => s.startsWith("yellow:")), statuses.join(" | "));
    assert.equal((await fetch(`${base}${PATH}?${q}&token=${TOKEN}`)).status, 200);
    await until(() => got.a.length >= 2, 3000, "accepted with the token");
    const logged = JSON.stringify(helper.log().args);
    assert.ok(!logged.includes(TOKEN), "the token is never logged");
    await helper.unload();
    const again = await load(sim, { allow: "192.0.2.10", monitors: { a: {} } });
    assert.equal((await fetch(`${base}${PATH}?${q}`)).status, 403, "127.0.0.1 is not on the allow-list");
    assert.equal(again.a.length, 0);
  });

  it("redeploys leave one route for the PBX, and removing the config node removes it", async () => {
    await load(sim, {});
    for (let i = 0; i < 5; i++) {
      await helper.unload();
      await load(sim, {});
    }
    assert.equal(routeCount(PATH), 2);
    await helper.unload();
    assert.equal(routeCount(PATH), 0);
  });
});
