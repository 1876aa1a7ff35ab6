// The simulator's V20 mode pushes its scenario's changes on the Call Control WebSocket, raw (no
// client code): a real simulator on 127.0.0.1, a token from /connect/token, a `ws` client with the
// Bearer header, the entity read back over REST; the control API drops the socket and expires the token.
import assert from "node:assert/strict";
import WebSocket from "ws";
import { startSimulator, type Simulator } from "../../src/simulator";

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
async function until(cond: () => boolean, what: string, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`${what}: not met in time`);
    await sleep(5);
  }
}

interface Msg { sequence: number; event: { event_type: number; entity: string; attached_data: unknown } }

describe("simulator: V20 Call Control WebSocket", function () {
  this.timeout(20000);
  let sim: Simulator;
  const sockets: WebSocket[] = [];
  const token = async (): Promise<string> => {
    const res = await fetch(`${sim.httpUrl}/connect/token`, {
      method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ client_id: sim.v20.clientId, client_secret: sim.v20.apiKey, grant_type: "client_credentials" }).toString(),
    });
    return String((await res.json() as { access_token: string }).access_token);
  };
  const control = async (verb: string, path: string, body?: unknown) => {
    const res = await fetch(sim.httpUrl + path, { method: verb, headers: body ? { "content-type": "application/json" } : {}, body: body ? JSON.stringify(body) : undefined });
    return res.json() as Promise<Record<string, unknown>>;
  };
  const open = (bearer: string): Promise<{ ws: WebSocket; messages: Msg[]; closed: Promise<number> }> => {
    const ws = new WebSocket(`${sim.httpUrl.replace("http", "ws")}/callcontrol/ws`, { headers: { Authorization: `Bearer ${bearer}` } });
    ws.on("error", () => undefined);
    sockets.push(ws);
    const messages: Msg[] = [];
    ws.on("message", (d) => messages.push(JSON.parse(d.toString()) as Msg));
    const closed = new Promise<number>((r) => ws.once("close", (code) => r(code)));
    return new Promise((resolve, reject) => {
      ws.once("open", () => resolve({ ws, messages, closed }));
      ws.once("unexpected-response", (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    });
  };

  beforeEach(async () => {
    sim = await startSimulator({ httpsPort: false, callTiming: { ringMs: 60000, talkMs: 60000 } });
  });
  afterEach(async () => {
    for (const s of sockets.splice(0)) s.terminate();
    await sim.close();
  });

  it("a call's life: Upserts (path only) as it rings and is answered, the entity readable over REST, a Remove when it ends", async () => {
    const bearer = await token();
    const { messages } = await open(bearer);
    await until(() => sim.v20.sockets === 1, "socket counted");
    const { callID } = await control("POST", "/_sim/calls", { from: "+4930123456", to: "101" });
    await until(() => messages.length >= 1, "upsert");
    const first = messages[0]!;
    assert.equal(first.sequence, 1);
    assert.equal(first.event.event_type, 0);
    assert.equal(first.event.attached_data, null);
    assert.match(first.event.entity, /^\/callcontrol\/101\/participants\/\d+$/);
    const read = await fetch(sim.httpUrl + first.event.entity, { headers: { authorization: `Bearer ${bearer}` } });
    const p = await read.json() as Record<string, unknown>;
    assert.equal(p.status, "Ringing");
    assert.equal(p.callid, callID);
    assert.equal(p.party_caller_id, "+4930123456");
    // Answer it through Call Control: the same path is upserted again.
    const n = messages.length;
    const answered = await fetch(`${sim.httpUrl}${first.event.entity}/answer`, { method: "POST", headers: { authorization: `Bearer ${bearer}` } });
    assert.equal(answered.status, 200);
    await until(() => messages.slice(n).some((m) => m.event.entity === first.event.entity && m.event.event_type === 0), "answered upsert");
    await control("DELETE", `/_sim/calls/${String(callID)}`);
    await until(() => messages.some((m) => m.event.event_type === 1 && m.event.entity === first.event.entity), "remove");
    assert.deepEqual(messages.map((m) => m.sequence), messages.map((_m, i) => i + 1), "numbered in order");
  });

  it("refuses an upgrade without a live token (401), and after the token was expired", async () => {
    await assert.rejects(open("not-a-token"), /HTTP 401/);
    const bearer = await token();
    await control("POST", "/_sim/v20/expire");
    await assert.rejects(open(bearer), /HTTP 401/);
    await open(await token());
  });

  it("the control API drops the socket (1006) and expires the token (the socket closes 1008)", async () => {
    const a = await open(await token());
    assert.deepEqual(await control("POST", "/_sim/v20/drop"), { dropped: 1 });
    assert.equal(await a.closed, 1006);
    const b = await open(await token());
    assert.deepEqual(await control("POST", "/_sim/v20/expire"), { closed: 1 });
    assert.equal(await b.closed, 1008);
    const state = await control("GET", "/_sim/v20");
    assert.equal(state.sockets, 0);
    assert.ok(!JSON.stringify(state).includes(sim.v20.apiKey), "no API key in the control answer");
  });

  it("a socket opened while calls are up hears only later changes, and the scenario's calls are pushed too", async () => {
    await control("POST", "/_sim/calls", { from: "+4930555", to: "100" });
    const { messages } = await open(await token());
    await sleep(50);
    assert.equal(messages.length, 0, "nothing for what was there before");
    await control("POST", "/_sim/scenario", { intervalMs: 50, ringMs: 30, talkMs: 30, seed: 7 });
    await until(() => messages.some((m) => m.event.event_type === 1), "a scenario call came and went", 8000);
    await control("DELETE", "/_sim/scenario");
  });
});
