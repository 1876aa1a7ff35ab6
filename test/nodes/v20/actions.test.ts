// The action nodes on api v20, through a real Node-RED runtime against the simulator's V20 side:
// every method the V20 backend maps answers msg.payload in the seed's shape (the same flow on the
// WebAPI is the yardstick) with msg.threecx.api "v20"; writes are sent once; a method with no V20
// equivalent is UNSUPPORTED before any request; a flow saved before `api` existed means webapi.
import assert from "node:assert/strict";
import { v20Support } from "../../../src/backends";
import { METHODS, type MethodSpec } from "../../../src/catalog";
import { startSimulator, type Simulator } from "../../../src/simulator";
import type { ThreeCxConfigNode } from "../../../nodes/shared/types";
import { helper, nodeModule } from "../../support/nodered";

type Msg = Record<string, unknown>;
const API_KEY = "V20-node+Key/Secret=Qq7";

/** Params per mapped method (the seed's example requests, and writes the simulator can do). */
const PARAMS: Record<string, Record<string, unknown>> = {
  makecall: { first: "101", second: "102" }, drop: { num: "101" }, answer: { num: "102" }, transfer: { num: "101", dest: "103" },
  "pbx.calls.get": {}, "pbx.ac.get": {}, "all.ext.get": {}, "all.registered.get": {}, "ext.info.get": { num: "102" },
  "ext.state.get": { num: "102" }, "ext.devices.get": { num: "102" }, "ext.fwd.set": { num: "102", status: "Away" },
  "ext.queueglobal.set": { num: "102", log: "off" }, "ext.new": { num: "330" }, "ext.del": { num: "106" },
  "all.queue.get": {}, "queue.members.get": { num: "802" }, "queue.agents.set": { num: "802", members: "101,104" },
  "queue.managers.set": { num: "802", managers: "105" }, "contact.find": { num: "+420774852529" }, "contact.get": { id: 4 },
  "contact.new": { firstname: "Ada", phone: "555" }, "contact.update": { id: 4, company: "New" }, "contact.del": { id: 3 },
  info: {}, "all.line.get": {}, "all.group.get": {}, "group.members.get": { num: "803" },
  "group.members.set": { num: "803", members: "101,102" }, "all.ivr.get": {}, "all.extgroup.get": {},
  "extgroup.members.get": { name: "__DEFAULT__" },
};

/** Keys and leaf types, arrays by their first element. */
function shape(v: unknown): unknown {
  if (Array.isArray(v)) return v.length === 0 ? [] : [shape(v[0])];
  if (typeof v === "object" && v !== null) return Object.fromEntries(Object.keys(v).sort().map((k) => [k, shape((v as Msg)[k])]));
  return typeof v;
}

describe("action nodes on api v20 (Node-RED + simulator)", function () {
  this.timeout(20000);
  let sim: Simulator;
  const types = ["3cx-config", "3cx-call", "3cx-ext", "3cx-queue", "3cx-contact", "3cx-pbx"];

  before(async () => {
    await helper.startServer();
    sim = await startSimulator({ httpsPort: false, v20: { apiKey: API_KEY }, callTiming: { ringMs: 60000 } });
  });
  after(async () => {
    await sim.close();
    await helper.stopServer();
  });
  beforeEach(() => sim.reset());
  afterEach(() => helper.unload());

  async function load(m: MethodSpec | string, api: "v20" | "webapi" | undefined, node = "") {
    const spec = typeof m === "string" ? METHODS.find((x) => x.name === m) : m;
    const type = node || `3cx-${spec?.node}`;
    const cfg: Msg = { id: "cfg", type: "3cx-config", name: "pbx", fqdn: sim.httpUrl, timeout: 5000, maxConcurrent: 4 };
    if (api) cfg.api = api;
    if (api === "v20") cfg.clientId = sim.v20.clientId;
    const flow = [
      { id: "f1", type: "tab", label: "v20" }, cfg,
      { id: "n1", z: "f1", type, server: "cfg", method: typeof m === "string" ? m : m.name, wires: [["out"]] },
      { id: "out", z: "f1", type: "helper" },
      { id: "catcher", z: "f1", type: "catch", scope: null, uncaught: false, wires: [["caught"]] },
      { id: "caught", z: "f1", type: "helper" },
    ];
    await helper.load(types.map((t) => nodeModule(t)), flow, { cfg: { accessKey: api === "v20" ? API_KEY : sim.accessKey } });
  }

  function send(payload: unknown): Promise<{ ok: boolean; msg: Msg }> {
    return new Promise((resolve) => {
      const out = helper.getNode("out") as unknown as NodeJS.EventEmitter;
      const caught = helper.getNode("caught") as unknown as NodeJS.EventEmitter;
      out.once("input", (msg: Msg) => resolve({ ok: true, msg }));
      caught.once("input", (msg: Msg) => resolve({ ok: false, msg }));
      (helper.getNode("n1") as unknown as { receive(m: Msg): void }).receive({ payload });
    });
  }

  for (const m of METHODS.filter((x) => v20Support(x.name) !== "unsupported")) {
    it(`${m.name} (${v20Support(m.name)}): the seed's shape, msg.threecx.api "v20"${m.kind === "write" ? ", sent once" : ""}`, async () => {
      const params = PARAMS[m.name];
      assert.ok(params, `no sample params for ${m.name}`);
      if (m.name === "answer" || m.name === "drop" || m.name === "transfer") {
        sim.pbx.makeCall("101", "102");
        if (m.name !== "answer") sim.pbx.calls.answerRingingOn("102");
      }
      await load(m, "v20");
      const before = sim.requests.filter((r) => r.httpMethod !== "GET" && !r.method.includes("token")).length;
      const v = await send(params);
      assert.ok(v.ok, JSON.stringify(v.msg.error));
      const threecx = v.msg.threecx as Msg;
      assert.equal(threecx.api, "v20");
      assert.equal(threecx.method, m.name);
      if (m.kind === "write") {
        const sent = sim.requests.filter((r) => r.httpMethod !== "GET" && !r.method.includes("token")).length - before;
        assert.equal(sent, 1, "one write request");
      }
      await helper.unload();
      await sim.reset();
      if (m.name === "answer" || m.name === "drop" || m.name === "transfer") {
        sim.pbx.makeCall("101", "102");
        if (m.name !== "answer") sim.pbx.calls.answerRingingOn("102");
      }
      await load(m, "webapi");
      const w = await send(params);
      assert.ok(w.ok, JSON.stringify(w.msg.error));
      assert.equal((w.msg.threecx as Msg).api, "webapi");
      const expected = JSON.stringify(shape(w.msg.payload)).replace(/"qStatus":\[[^\]]*\]/, '"qStatus":[]');
      if (m.name === "pbx.ac.get") assert.deepEqual(Object.keys(v.msg.payload as object).sort(), ["AConnByCallID", "count"]);
      else assert.equal(JSON.stringify(shape(v.msg.payload)), expected);
    });
  }

  it("a method with no V20 equivalent is UNSUPPORTED through Catch, red status, nothing sent (also via an operation)", async () => {
    for (const [method, node, payload] of [["ext.queue.set", "3cx-ext", { num: "102", queue: "802", log: "on" }], ["agent.login", "3cx-queue", { agent: "102", queue: "802" }], ["join", "3cx-call", { num: "101" }]] as const) {
      await load(method, "v20", node);
      const requests = sim.stats.requests;
      const r = await send(payload);
      assert.equal(r.ok, false);
      const e = r.msg.error as { code: string; message: string };
      assert.equal(e.code, "UNSUPPORTED", method);
      assert.match(e.message, /not available on the 3CX V20 API .*nothing was sent/);
      assert.equal(sim.stats.requests, requests, `${method}: no request at all`);
      await helper.unload();
    }
  });

  it("a config node saved before `api` existed speaks the WebAPI", async () => {
    await load("all.ext.get", undefined);
    const cfg = helper.getNode("cfg") as unknown as ThreeCxConfigNode;
    assert.equal(cfg.api, "webapi");
    assert.equal(cfg.client.api, "webapi");
    const r = await send({});
    assert.equal((r.msg.threecx as Msg).api, "webapi");
    assert.ok(sim.requests.every((x) => !x.method.startsWith("v20:")));
  });

  it("a write through V20 shows through a WebAPI flow on the same PBX", async () => {
    await load("ext.fwd.set", "v20");
    assert.ok((await send({ num: "101", status: "Out of office" })).ok);
    await helper.unload();
    await load("ext.state.get", "webapi");
    const r = await send("101");
    assert.equal((r.msg.payload as Msg).fwdName, "Out of office");
  });
});
