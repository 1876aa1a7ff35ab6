// 3cx-monitor with source "v20" in a real Node-RED runtime (test helper) with the real config node
// on api v20, against the simulator's V20 mode on 127.0.0.1 (its Call Control WebSocket push, its
// token endpoint, its control of the socket): a call's life in order, "answer the call that just
// rang" with one 3cx-call node, a socket dropped mid-call, an expired token, redeploys, no secrets.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { CallControlSocket } from "../../src/monitor/v20";
import { startSimulator, type Simulator } from "../../src/simulator";
import { helper, nodeModule } from "../support/nodered";
import { MonitorProbe, monitorModule, sleep, until, type Msg } from "./support";

const API_KEY = "V20-mon+Key/Secret=Qq7";
const catalogue = (lang: string) => JSON.parse(fs.readFileSync(path.join(__dirname, "..", "..", "..", "locales", lang, "3cx-monitor.json"), "utf8"));
const EN = catalogue("en-US");

describe("3cx-monitor v20 source: the status texts", () => {
  it("say connected / reconnecting in N s, in English and German, with the seconds filled in", () => {
    const DE = catalogue("de");
    for (const cat of [EN, DE]) {
      for (const key of ["connected", "connecting", "reconnecting", "tokenRefused", "tlsReconnecting", "notV20"]) assert.ok(cat["3cx-monitor"].status[key], key);
    }
    assert.equal(EN["3cx-monitor"].status.connected, "connected");
    assert.equal(EN["3cx-monitor"].status.reconnecting.replace("__seconds__", "8"), "reconnecting in 8 s");
    assert.match(DE["3cx-monitor"].status.reconnecting, /__seconds__ s/);
  });
});

describe("3cx-monitor v20 source (Node-RED + simulator)", function () {
  this.timeout(30000);
  let sim: Simulator;
  before(async () => {
    sim = await startSimulator({ httpsPort: false, v20: { apiKey: API_KEY }, callTiming: { ringMs: 60000, talkMs: 60000 } });
  });
  beforeEach(async () => {
    await sim.reset();
  });
  afterEach(async () => {
    await helper.unload();
  });
  after(() => sim.close());

  interface FlowOpts { monitors?: number; mon?: Record<string, unknown>; api?: string; accessKey?: string; answerer?: boolean }
  function flow(o: FlowOpts = {}): Array<Record<string, unknown>> {
    const nodes: Array<Record<string, unknown>> = [
      { id: "f1", type: "tab", label: "v20" },
      { id: "cfg", type: "3cx-config", name: "pbx", fqdn: sim.httpUrl, api: o.api ?? "v20", clientId: sim.v20.clientId, timeout: 3000 },
      { id: "mon", z: "f1", type: "3cx-monitor", server: "cfg", source: "v20", extensions: "100,101", ...o.mon, wires: [["out"]] },
      { id: "out", z: "f1", type: "helper" },
    ];
    for (let i = 2; i <= (o.monitors ?? 1); i++) nodes.push({ id: `mon${i}`, z: "f1", type: "3cx-monitor", server: "cfg", source: "v20", wires: [[]] });
    if (o.answerer) {
      // "Answer the call that just rang": ringing events straight into a 3cx-call answer node.
      nodes.push({ id: "ring", z: "f1", type: "3cx-monitor", server: "cfg", source: "v20", events: ["call.ringing"], wires: [["answerNode"]] });
      nodes.push({ id: "answerNode", z: "f1", type: "3cx-call", server: "cfg", method: "answer", wires: [["answered"]] });
      nodes.push({ id: "answered", z: "f1", type: "helper" });
    }
    return nodes;
  }
  const creds = (o: FlowOpts = {}) => ({ cfg: { accessKey: o.accessKey ?? API_KEY } });
  async function load(o: FlowOpts = {}): Promise<MonitorProbe> {
    await helper.load([nodeModule("3cx-config"), nodeModule("3cx-call"), monitorModule], flow(o), creds(o));
    return new MonitorProbe();
  }
  async function redeploy(o: FlowOpts = {}): Promise<MonitorProbe> {
    await (helper as unknown as { setFlows(f: unknown[], type: string, c: unknown): Promise<void> }).setFlows(flow(o), "full", creds(o));
    return new MonitorProbe();
  }
  const connected = (p: MonitorProbe) => until(() => p.statuses.some((s) => /^(connected|3cx-monitor\.status\.connected)$/.test(s.text ?? "")) && sim.v20.sockets >= 1, 8000, "connected").catch((e: Error) => {
    throw new Error(`${e.message}: ${JSON.stringify({ statuses: p.statuses, warnings: p.warnings, errors: p.errors.map(String) })}`);
  });
  const calls = (p: MonitorProbe): string[] => p.topics().filter((t) => t.startsWith("call.") || t.startsWith("pbx."));
  const byCall = (p: MonitorProbe, topic: string, callID: number): Msg | undefined => p.of(topic).find((m) => m.payload.callID === callID);

  it("a call's life gives started, ringing, answered, ended in order, with dnNum and participantId; status connected", async () => {
    const p = await load();
    await connected(p);
    // The test helper loads no message catalogue: statuses are their keys (the catalogue is checked below).
    assert.deepEqual(p.statuses[0], { fill: "yellow", shape: "ring", text: "3cx-monitor.status.connecting" });
    const call = sim.pbx.inboundCall({ from: "+4930123456", to: "101" });
    await until(() => p.topics().includes("call.ringing"), 5000, "ringing");
    sim.pbx.calls.answer(call.callID, "101");
    await until(() => p.topics().includes("call.answered"), 5000, "answered");
    sim.pbx.calls.end(call.callID, "External");
    await until(() => p.topics().includes("call.ended"), 5000, "ended");
    assert.deepEqual(calls(p), ["call.started", "call.ringing", "call.answered", "call.ended"]);
    const ringing = byCall(p, "call.ringing", call.callID)!.payload;
    assert.equal(ringing.source, "v20");
    assert.equal(ringing.dnNum, "101");
    assert.equal(typeof ringing.participantId, "number");
    assert.equal(ringing.callerid, "+4930123456");
    const ended = byCall(p, "call.ended", call.callID)!.payload;
    assert.equal(ended.missed, false);
    assert.equal(typeof ended.duration, "number");
    // The watched 101 reported its state changes; 102 (not watched) none.
    const ext = p.of("extension.status").map((m) => m.payload.num);
    assert.ok(ext.includes("101") && !ext.includes("102"), JSON.stringify(ext));
    const snap = await p.ask("snapshot");
    assert.equal(snap.payload.source, "v20");
    assert.deepEqual(Object.keys(snap.payload.extensions as object).sort(), ["100", "101"]);
  });

  it("a monitor saved with source poll (or webhook) on a V20 PBX listens to Call Control instead, and says so once", async () => {
    for (const source of ["poll", "webhook"]) {
      const p = await load({ mon: { source } });
      await connected(p);
      assert.equal(p.warnings.filter((w) => /v20Instead/.test(String(w))).length, 1, JSON.stringify(p.warnings));
      const call = sim.pbx.inboundCall({ from: "+4930222333", to: "101" });
      await until(() => byCall(p, "call.ringing", call.callID) !== undefined, 5000, `ringing (${source})`);
      assert.equal(byCall(p, "call.ringing", call.callID)!.payload.source, "v20");
      assert.deepEqual(p.errors.map(String), []);
      await helper.unload();
      await sim.reset();
    }
  });

  it("one 3cx-call answer node after a ringing event answers the call that just rang", async () => {
    const p = await load({ answerer: true });
    await connected(p);
    const answered = helper.getNode("answered") as unknown as NodeJS.EventEmitter;
    const results: Msg[] = [];
    answered.on("input", (m: Msg) => results.push(m));
    const call = sim.pbx.inboundCall({ from: "+4930999", to: "101" });
    await until(() => byCall(p, "call.answered", call.callID) !== undefined, 8000, "answered through the flow");
    assert.equal(results.length, 1, "one answer sent");
    assert.equal(sim.pbx.calls.list().find((c) => c.callID === call.callID)?.state, "Talking");
  });

  it("the socket dropped mid-call: one pbx.down, one pbx.up, then exactly the events of what changed meanwhile", async () => {
    const p = await load();
    await connected(p);
    const a = sim.pbx.inboundCall({ from: "+4930111", to: "101" });
    await until(() => p.topics().includes("call.ringing"), 5000, "a rings");
    sim.pbx.calls.answer(a.callID, "101");
    await until(() => p.topics().includes("call.answered"), 5000, "a answered");
    p.msgs.length = 0;
    assert.equal(sim.v20.dropSockets(), 1);
    sim.pbx.calls.end(a.callID, "External");
    const b = sim.pbx.inboundCall({ from: "+4930222", to: "100" });
    await until(() => p.topics().includes("pbx.up") && p.topics().includes("call.ended") && p.topics().includes("call.ringing"), 8000, "back with the changes");
    await sleep(200);
    assert.deepEqual(calls(p), ["pbx.down", "pbx.up", "call.started", "call.ringing", "call.ended"]);
    assert.equal(byCall(p, "call.ended", a.callID)?.payload.missed, false);
    assert.ok(byCall(p, "call.started", b.callID));
    assert.ok(p.statuses.some((s) => s.fill === "red" && s.text === "3cx-monitor.status.reconnecting"), JSON.stringify(p.statuses));
  });

  it("messages lost on the way (a sequence gap): one full read reports what they said, no pbx.down", async () => {
    const p = await load();
    await connected(p);
    const a = sim.pbx.inboundCall({ from: "+4930444", to: "101" });
    await until(() => byCall(p, "call.ringing", a.callID) !== undefined, 5000, "a rings");
    const fullReads = (): number => sim.requests.filter((r) => r.method === "v20:callcontrol GET /callcontrol").length;
    const before = fullReads();
    sim.v20.loseMessages(1000);
    sim.pbx.calls.answer(a.callID, "101");
    await until(() => sim.v20.lost > 0, 5000, "the answer's messages lost");
    await sleep(100);
    sim.v20.loseMessages(0);
    assert.equal(byCall(p, "call.answered", a.callID), undefined, "the answer was not heard");
    const b = sim.pbx.inboundCall({ from: "+4930555", to: "100" }); // its messages come after the gap
    await until(() => byCall(p, "call.answered", a.callID) !== undefined && byCall(p, "call.ringing", b.callID) !== undefined, 5000, "repaired");
    assert.equal(fullReads() - before, 1, "one full read for the gap");
    assert.deepEqual(calls(p).filter((t) => t.startsWith("pbx.")), [], "no outage");
    assert.equal(p.of("call.answered").filter((m) => m.payload.callID === a.callID).length, 1, "reported once");
  });

  it("an expired token: the PBX closes the socket, the node reconnects with a new token", async () => {
    const p = await load();
    await connected(p);
    const issued = sim.v20.tokensIssued;
    assert.equal(sim.v20.expireTokens(), 1);
    await until(() => p.topics().includes("pbx.up"), 8000, "back");
    assert.ok(sim.v20.tokensIssued > issued);
    const c = sim.pbx.inboundCall({ from: "+4930333", to: "100" });
    await until(() => byCall(p, "call.ringing", c.callID) !== undefined, 5000, "events flow again");
    assert.deepEqual(calls(p).slice(0, 2), ["pbx.down", "pbx.up"]);
  });

  it("10 redeploys of three monitors leave one socket to the PBX", async () => {
    let p = await load({ monitors: 3 });
    await connected(p);
    for (let i = 0; i < 10; i++) p = await redeploy({ monitors: 3 });
    await until(() => sim.v20.sockets === 1 && CallControlSocket.connectedCount === 1, 8000, "one socket");
    await sleep(300);
    assert.equal(sim.v20.sockets, 1);
    assert.equal(CallControlSocket.connectedCount, 1);
    await helper.unload();
    await until(() => sim.v20.sockets === 0 && CallControlSocket.connectedCount === 0, 5000, "none after unload");
  });

  it("a PBX not on api v20: the dialog's words, red status, nothing sent", async () => {
    const before = sim.stats.requests;
    const p = await load({ api: "webapi" });
    await until(() => p.errors.length > 0, 3000, "error");
    assert.equal(String(p.errors[0]), "3cx-monitor.error.notV20");
    assert.match(EN["3cx-monitor"].error.notV20, /Source "Listen to V20 Call Control" needs a PBX whose Interface is "3CX V20 API"/);
    assert.equal(p.statuses.at(-1)?.fill, "red");
    await sleep(100);
    assert.equal(sim.stats.requests, before);
  });

  it("a wrong API key: 'token refused' and backoff; no key or token in any message, status or log", async () => {
    const p = await load({ accessKey: "wrong-key-Zz" });
    await until(() => p.statuses.some((s) => s.fill === "red" && s.text === "3cx-monitor.status.tokenRefused"), 8000, "refused");
    await until(() => p.topics().includes("pbx.down"), 3000, "pbx.down");
    const down = p.of("pbx.down")[0]!.payload;
    assert.equal(down.code, "AUTH");
    const text = JSON.stringify({ msgs: p.msgs, statuses: p.statuses, warnings: p.warnings, errors: p.errors.map(String) });
    for (const secret of [API_KEY, "wrong-key-Zz", encodeURIComponent(API_KEY)]) assert.ok(!text.includes(secret), "a secret leaked");
    assert.ok(!/eyJ[\w-]+\.[\w-]+/.test(text), "a token leaked");
  });
});
