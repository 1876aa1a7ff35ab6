// The simulator's Call Control WebSocket on its own: a real HTTP server on 127.0.0.1 whose upgrade
// it answers, entities the test changes, a real `ws` client reading the wire messages.
import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import WebSocket from "ws";
import { CallControlPush } from "../../src/simulator/v20/push";

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
async function until(cond: () => boolean, what: string, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`${what}: not met in time`);
    await sleep(5);
  }
}

describe("simulator: Call Control WebSocket push", () => {
  let server: http.Server;
  let push: CallControlPush;
  const live = new Set(["Bearer good"]);
  const entities = new Map<string, unknown>();
  let url = "";
  const clients: WebSocket[] = [];

  beforeEach(async () => {
    entities.clear();
    live.clear();
    live.add("Bearer good");
    push = new CallControlPush({ accepts: (h) => h !== undefined && live.has(h), entities: () => entities.entries() });
    server = http.createServer((_req, res) => res.writeHead(404).end());
    server.on("upgrade", (req, socket, head) => {
      if (!push.upgrade(req, socket, head)) socket.destroy();
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/callcontrol/ws`;
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) {
      c.on("error", () => undefined); // terminating one whose upgrade was refused reports an error
      c.terminate();
    }
    push.close();
    await new Promise<void>((r) => server.close(() => r()));
  });

  function connect(token = "good"): Promise<{ ws: WebSocket; messages: Array<Record<string, unknown>> }> {
    const ws = new WebSocket(url, { headers: { Authorization: `Bearer ${token}` } });
    clients.push(ws);
    const messages: Array<Record<string, unknown>> = [];
    ws.on("message", (d) => messages.push(JSON.parse(d.toString()) as Record<string, unknown>));
    return new Promise((resolve, reject) => {
      ws.once("open", () => resolve({ ws, messages }));
      ws.once("unexpected-response", (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
      ws.once("error", reject);
    });
  }

  it("pushes an Upsert (path only) for a new or changed entity and a Remove for a gone one, numbered per socket", async () => {
    const { messages } = await connect();
    const p = "/callcontrol/101/participants/1";
    entities.set(p, { id: 1, dn: "101", status: "Ringing" });
    push.changed();
    await until(() => messages.length === 1, "upsert");
    entities.set(p, { id: 1, dn: "101", status: "Connected" });
    push.changed();
    push.changed(); // several triggers in one turn: one pass
    await until(() => messages.length === 2, "changed");
    push.changed(); // nothing changed: nothing sent
    entities.delete(p);
    push.changed();
    await until(() => messages.length === 3, "remove");
    await sleep(20);
    assert.deepEqual(messages, [
      { sequence: 1, event: { event_type: 0, entity: p, attached_data: null } },
      { sequence: 2, event: { event_type: 0, entity: p, attached_data: null } },
      { sequence: 3, event: { event_type: 1, entity: p, attached_data: null } },
    ]);
  });

  it("an upgrade without a live token gets 401 and no socket", async () => {
    await assert.rejects(connect("stale"), /HTTP 401/);
    await assert.rejects(new Promise((resolve, reject) => {
      const ws = new WebSocket(url);
      clients.push(ws);
      ws.once("open", resolve);
      ws.once("unexpected-response", (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    }), /HTTP 401/);
    assert.equal(push.stats.refused, 2);
    assert.equal(push.clientCount, 0);
  });

  it("drops every socket on request, and closes those whose token expired (1008)", async () => {
    const a = await connect();
    const closedA = new Promise<number>((r) => a.ws.once("close", (code) => r(code)));
    assert.equal(push.dropAll(), 1);
    assert.equal(await closedA, 1006);
    live.add("Bearer other");
    const b = await connect();
    const c = await connect("other");
    await until(() => push.clientCount === 2, "two clients");
    live.delete("Bearer good");
    const closedB = new Promise<number>((r) => b.ws.once("close", (code) => r(code)));
    assert.equal(push.closeExpired(), 1);
    assert.equal(await closedB, 1008);
    assert.equal(c.ws.readyState, WebSocket.OPEN);
  });
});
