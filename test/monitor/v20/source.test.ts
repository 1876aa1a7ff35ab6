// One PBX's V20 source end to end in plain TS: a real `ws` server on 127.0.0.1 pushing events, a
// Call Control REST side answered from the same in-memory model, the socket's timers on a hand clock.
import assert from "node:assert/strict";
import type { MonitorEvent } from "../../../src/monitor";
import { CallControlSocket, participantPath, V20Source, type CallControlReader, type DnInfo, type Participant, type SocketState } from "../../../src/monitor/v20";
import { dnInfo, inbound } from "./fixtures";
import { FakeClock, TestCcServer, until } from "./support";

/** The PBX's participants; changes are pushed on the socket as the PBX does (path only). */
class Model {
  readonly parts = new Map<string, Participant>();
  reads = 0;
  constructor(private readonly server: TestCcServer, private readonly dns: string[] = ["101", "102"]) {}

  readonly reader: CallControlReader = {
    entity: async (path) => {
      this.reads++;
      return this.parts.get(path) ?? null;
    },
    all: async (): Promise<DnInfo[]> => {
      this.reads++;
      return this.dns.map((dn) => dnInfo(dn, [...this.parts.values()].filter((p) => p.dn === dn)));
    },
  };

  set(p: Participant, push = true): void {
    const path = participantPath(p.dn, p.id);
    this.parts.set(path, p);
    if (push) this.server.send(JSON.stringify({ sequence: 1, event: { event_type: 0, entity: path, attached_data: null } }));
  }

  del(p: Participant, push = true): void {
    const path = participantPath(p.dn, p.id);
    this.parts.delete(path);
    if (push) this.server.send(JSON.stringify({ sequence: 1, event: { event_type: 1, entity: path, attached_data: null } }));
  }
}

function subscriber() {
  const events: MonitorEvent[] = [];
  const states: SocketState[] = [];
  return { events, states, onEvents: (e: readonly MonitorEvent[]) => events.push(...e), onState: (s: SocketState) => states.push(s), calls: () => events.map((e) => e.topic).filter((t) => t !== "extension.status") };
}

describe("V20 source: one socket per PBX, shared", () => {
  let server: TestCcServer;
  let model: Model;
  let source: V20Source;
  let clock: FakeClock;
  const unsubs: Array<() => Promise<void>> = [];
  beforeEach(async () => {
    server = await TestCcServer.start();
    model = new Model(server);
    clock = new FakeClock();
    source = new V20Source({ url: server.url, token: async () => "tok-1", reader: model.reader, clock, random: () => 1 });
  });
  afterEach(async () => {
    await Promise.all(unsubs.splice(0).map((u) => u()));
    await server.close();
  });
  const join = () => {
    const s = subscriber();
    unsubs.push(source.subscribe(s));
    return s;
  };

  it("two monitors share one socket and both see a call's life in order", async () => {
    const a = join();
    const b = join();
    await until(() => source.state.kind === "connected", "connected");
    assert.equal(server.seen.length, 1, "one upgrade for both");
    const p = inbound(7, "101", 40, "Ringing");
    model.set(p);
    await until(() => a.calls().length === 2, "ringing");
    model.set({ ...p, status: "Connected" });
    await until(() => a.calls().length === 3, "answered");
    model.del(p);
    await until(() => a.calls().length === 4, "ended");
    assert.deepEqual(a.calls(), ["call.started", "call.ringing", "call.answered", "call.ended"]);
    assert.deepEqual(b.events, a.events);
    assert.equal(model.reads, 1 + 2, "one full read, one GET per Upsert, none for the Remove");
  });

  it("the socket dropped mid-call: one pbx.down, one pbx.up, then exactly what changed meanwhile", async () => {
    const a = join();
    await until(() => source.state.kind === "connected", "connected");
    const call1 = inbound(1, "101", 1, "Connected");
    const call2 = inbound(2, "102", 2, "Ringing");
    model.set(call1);
    model.set(call2);
    await until(() => a.calls().length === 4, "two calls up");
    a.events.length = 0;
    server.drop();
    await until(() => source.state.kind === "reconnecting", "reconnecting");
    // While blind: call 1 ends, call 2 is answered, call 3 starts ringing. Nothing is pushed.
    model.del(call1, false);
    model.set({ ...call2, status: "Connected" }, false);
    const call3 = inbound(3, "101", 3, "Ringing");
    model.set(call3, false);
    clock.advance(1000);
    await until(() => source.state.kind === "connected", "connected again");
    await until(() => a.calls().length >= 6, "changes");
    assert.deepEqual(a.calls(), ["pbx.down", "pbx.up", "call.started", "call.ringing", "call.answered", "call.ended"]);
    const callId = (topic: string) => (a.events.find((e) => e.topic === topic)!.payload as { callID: number }).callID;
    assert.deepEqual([callId("call.started"), callId("call.answered"), callId("call.ended")], [3, 2, 1]);
    assert.equal(server.seen.length, 2);
  });

  it("the last monitor leaving closes the socket; ten redeploys leave one socket", async () => {
    for (let i = 0; i < 10; i++) {
      await Promise.all(unsubs.splice(0).map((u) => u())); // Node-RED closes the old nodes first
      join();
      join();
    }
    await until(() => source.state.kind === "connected" && server.clients.size === 1, "one socket");
    assert.equal(CallControlSocket.connectedCount, 1);
    await Promise.all(unsubs.splice(0).map((u) => u()));
    assert.equal(source.state.kind, "stopped");
    await until(() => server.clients.size === 0, "closed");
    assert.equal(CallControlSocket.connectedCount, 0);
  });

  it("a monitor joining later gets the current state at once, and the snapshot lists the live calls", async () => {
    join();
    await until(() => source.state.kind === "connected", "connected");
    model.set(inbound(5, "101", 9, "Connected"));
    await until(() => source.snapshot().calls.length === 1, "call known");
    const late = join();
    assert.deepEqual(late.states.map((s) => s.kind), ["connected"]);
    const snap = source.snapshot();
    assert.equal(snap.calls[0]!.callID, 9);
    assert.equal(snap.extensions["101"]!.status, "Connected");
  });
});
