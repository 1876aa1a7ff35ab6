// The Call Control WebSocket manager against a real `ws` server on 127.0.0.1, its timers on a
// hand-moved clock: Bearer auth, a fresh token after a refused one, backoff with jitter, pbx.down and
// pbx.up once per outage, the status texts, pings, stop. No token ever in a state or an event.
import assert from "node:assert/strict";
import type { MonitorEvent } from "../../../src/monitor";
import { CallControlSocket, socketStatusText, type SocketOptions, type SocketState } from "../../../src/monitor/v20";
import { FakeClock, TestCcServer, sleep, until } from "./support";

const SECRETS = ["tok-1", "tok-2", "tok-3", "expired-tok"];

function harness(server: TestCcServer, over: Partial<SocketOptions> = {}) {
  const clock = new FakeClock();
  const events: MonitorEvent[] = [];
  const states: SocketState[] = [];
  const messages: string[] = [];
  const tokenCalls: boolean[] = [];
  let opens = 0;
  let closes = 0;
  const issued = { current: "tok-1", fresh: "tok-2" };
  const socket = new CallControlSocket({
    url: server.url,
    token: async (fresh) => {
      tokenCalls.push(fresh);
      if (fresh) issued.current = issued.fresh;
      return issued.current;
    },
    onMessage: (m) => messages.push(m),
    onOpen: async () => {
      opens++;
    },
    onClose: () => closes++,
    onEvents: (e) => events.push(...e),
    onState: (s) => states.push(s),
    clock,
    random: () => 1, // the full delay (no jitter) unless a test says otherwise
    ...over,
  });
  const last = (): SocketState | undefined => states[states.length - 1];
  const topics = (): string[] => events.map((e) => e.topic);
  const noSecrets = (): void => {
    const text = JSON.stringify({ events, states });
    for (const s of SECRETS) assert.ok(!text.includes(s), `a token is in ${text}`);
  };
  return { socket, clock, events, states, messages, tokenCalls, issued, last, topics, noSecrets, opens: () => opens, closes: () => closes };
}

describe("V20 Call Control socket", () => {
  let server: TestCcServer;
  const sockets: CallControlSocket[] = [];
  beforeEach(async () => {
    server = await TestCcServer.start();
  });
  afterEach(async () => {
    await Promise.all(sockets.splice(0).map((s) => s.stop()));
    await server.close();
  });
  const make = (over: Partial<SocketOptions> = {}) => {
    const h = harness(server, over);
    sockets.push(h.socket);
    return h;
  };

  it("connects with the Bearer token on the upgrade, runs the resync, then says connected", async () => {
    const h = make();
    h.socket.start();
    await until(() => h.last()?.kind === "connected", "connected");
    assert.deepEqual(server.seen, ["Bearer tok-1"]);
    assert.equal(h.opens(), 1);
    assert.deepEqual(h.states.map(socketStatusText), ["connecting", "connected"]);
    assert.equal(CallControlSocket.connectedCount, 1);
    assert.deepEqual(h.events, [], "no pbx.up without a pbx.down");
    server.send('{"sequence":1,"event":{"event_type":0,"entity":"/callcontrol/101/participants/1","attached_data":null}}');
    await until(() => h.messages.length === 1, "message");
    await h.socket.stop();
    assert.equal(h.last()?.kind, "stopped");
    assert.equal(CallControlSocket.connectedCount, 0);
    await until(() => server.clients.size === 0, "server sees the close");
    assert.deepEqual(h.clock.pending, [], "no timer left");
  });

  it("not 'connected' before the resync is done, and a failed resync is a failed attempt", async () => {
    let fail = true;
    const h = make({ onOpen: async () => { if (fail) throw Object.assign(new Error("reading the state failed"), { code: "UNREACHABLE" }); } });
    h.socket.start();
    await until(() => h.last()?.kind === "reconnecting", "reconnecting");
    assert.ok(!h.states.some((s) => s.kind === "connected"));
    assert.deepEqual(h.topics(), ["pbx.down"]);
    assert.equal((h.events[0]!.payload as { code: string }).code, "UNREACHABLE");
    await until(() => server.clients.size === 0, "socket closed after the failed resync");
    fail = false;
    h.clock.advance(1000);
    await until(() => h.last()?.kind === "connected", "connected");
    assert.deepEqual(h.topics(), ["pbx.down", "pbx.up"]);
  });

  it("a dropped socket: one pbx.down, 'reconnecting in 1 s', a retry after the delay, one pbx.up with the downtime", async () => {
    const h = make();
    h.socket.start();
    await until(() => h.last()?.kind === "connected", "connected");
    server.drop();
    await until(() => h.last()?.kind === "reconnecting", "reconnecting");
    assert.equal(h.closes(), 1);
    assert.deepEqual(h.topics(), ["pbx.down"]);
    assert.equal((h.events[0]!.payload as { code: string }).code, "DISCONNECTED");
    assert.equal(socketStatusText(h.last()!), "reconnecting in 1 s");
    assert.deepEqual(h.clock.pending, [1000]);
    await sleep(50);
    assert.equal(server.seen.length, 1, "no retry before the delay");
    h.clock.advance(1000);
    await until(() => h.last()?.kind === "connected", "connected again");
    assert.deepEqual(h.topics(), ["pbx.down", "pbx.up"]);
    const up = h.events[1]!.payload as { downtimeMs: number; downtime: number };
    assert.equal(up.downtimeMs, 1000);
    assert.equal(up.downtime, 1);
    assert.equal(h.opens(), 2, "a resync after the reconnect");
    assert.equal(CallControlSocket.connectedCount, 1);
    h.noSecrets();
  });

  it("a long outage: the delay doubles up to the cap ('reconnecting in 8 s' on the 4th), still one pbx.down and one pbx.up", async () => {
    const h = make({ maxDelayMs: 8000 });
    h.socket.start();
    await until(() => h.last()?.kind === "connected", "connected");
    server.refuseWith = 503;
    server.drop();
    const texts: string[] = [];
    for (let i = 0; i < 5; i++) {
      await until(() => h.last()?.kind === "reconnecting" && h.clock.pending.length === 1, `retry ${i}`);
      texts.push(socketStatusText(h.last()!));
      h.clock.advance(h.clock.pending[0]!);
      await until(() => server.seen.length === i + 2, `attempt ${i}`);
    }
    assert.deepEqual(texts, ["reconnecting in 1 s", "reconnecting in 2 s", "reconnecting in 4 s", "reconnecting in 8 s", "reconnecting in 8 s"]);
    const refused = h.states.filter((s) => s.kind === "reconnecting").slice(1);
    assert.ok(refused.every((s) => s.kind === "reconnecting" && s.code === "HTTP_503"), JSON.stringify(refused));
    server.refuseWith = undefined;
    await until(() => h.clock.pending.length === 1, "next retry scheduled");
    h.clock.advance(h.clock.pending[0]!);
    await until(() => h.last()?.kind === "connected", "connected");
    assert.deepEqual(h.topics(), ["pbx.down", "pbx.up"]);
  });

  it("jitter: each delay is 50–100 % of the step, from the injected random", async () => {
    for (const [r, want] of [[0, 500], [0.5, 750], [0.999, 1000]] as const) {
      const h = make({ random: () => r });
      server.refuseWith = 503;
      h.socket.start();
      await until(() => h.last()?.kind === "reconnecting", "reconnecting");
      const s = h.last()!;
      assert.equal(s.kind === "reconnecting" && s.retryInMs, want);
      await h.socket.stop();
    }
  });

  it("a refused token (expired, replaced) is retried at once with a fresh one: no outage", async () => {
    server.tokens.clear();
    server.tokens.add("tok-2");
    const h = make();
    h.socket.start();
    await until(() => h.last()?.kind === "connected", "connected");
    assert.deepEqual(server.seen, ["Bearer tok-1", "Bearer tok-2"]);
    assert.deepEqual(h.tokenCalls, [false, true]);
    assert.deepEqual(h.events, []);
    assert.ok(!h.states.some((s) => s.kind === "reconnecting"));
  });

  it("the token expires while connected: the PBX drops the socket, the reconnect gets a fresh token; one down, one up", async () => {
    const h = make();
    h.socket.start();
    await until(() => h.last()?.kind === "connected", "connected");
    server.tokens.clear(); // tok-1 expired on the PBX; the provider still has it cached
    server.tokens.add("tok-2");
    server.drop();
    await until(() => h.last()?.kind === "reconnecting", "reconnecting");
    h.clock.advance(1000);
    await until(() => h.last()?.kind === "connected", "connected");
    assert.deepEqual(server.seen, ["Bearer tok-1", "Bearer tok-1", "Bearer tok-2"]);
    assert.deepEqual(h.tokenCalls, [false, false, true]);
    assert.deepEqual(h.topics(), ["pbx.down", "pbx.up"]);
    h.noSecrets();
  });

  it("a token refused even fresh: AUTH with the dialog's words, backoff, one pbx.down, no token in any text", async () => {
    server.tokens.clear();
    const h = make();
    h.socket.start();
    await until(() => h.last()?.kind === "reconnecting", "reconnecting");
    assert.deepEqual(h.tokenCalls, [false, true]);
    const down = h.events[0]!.payload as { code: string; reason: string };
    assert.equal(down.code, "AUTH");
    assert.match(down.reason, /refused the token \(HTTP 401\).*client ID.*API key/);
    h.clock.advance(1000);
    await until(() => server.seen.length === 3, "retried after the delay");
    await until(() => h.states.filter((s) => s.kind === "reconnecting").length === 2, "second failure");
    // After the fresh one failed too, backoff without another immediate fresh token.
    assert.deepEqual(h.tokenCalls, [false, true, false]);
    assert.deepEqual(h.topics(), ["pbx.down"]);
    h.noSecrets();
  });

  it("the token provider failing (wrong key at /connect/token) is the provider's code and words", async () => {
    const h = make({ token: async () => { throw Object.assign(new Error("token request refused: invalid_client"), { code: "AUTH" }); } });
    h.socket.start();
    await until(() => h.last()?.kind === "reconnecting", "reconnecting");
    assert.deepEqual(h.events.map((e) => [e.topic, (e.payload as { code: string }).code]), [["pbx.down", "AUTH"]]);
    assert.equal(server.seen.length, 0, "no upgrade without a token");
  });

  it("nothing listening: UNREACHABLE, connection refused", async () => {
    const port = server.port;
    await server.close();
    server = await TestCcServer.start();
    const h = make({ url: `ws://127.0.0.1:${port}/callcontrol/ws` });
    h.socket.start();
    await until(() => h.last()?.kind === "reconnecting", "reconnecting");
    const s = h.last()!;
    assert.equal(s.kind === "reconnecting" && s.code, "UNREACHABLE");
    assert.match(s.kind === "reconnecting" ? s.reason : "", /connection refused/);
  });

  it("a PBX that stops answering pings is given up after two intervals and reconnected", async () => {
    await server.close();
    server = await TestCcServer.start(["tok-1"], { autoPong: false });
    const h = make({ pingIntervalMs: 15000 });
    h.socket.start();
    await until(() => h.last()?.kind === "connected", "connected");
    h.clock.advance(15000); // ping sent
    await sleep(30);
    assert.equal(h.last()?.kind, "connected");
    h.clock.advance(15000); // no pong came
    await until(() => h.last()?.kind === "reconnecting", "reconnecting");
    const s = h.last()!;
    assert.equal(s.kind === "reconnecting" && s.code, "TIMEOUT");
  });

  it("pings answered keep the connection", async () => {
    const h = make({ pingIntervalMs: 15000 });
    h.socket.start();
    await until(() => h.last()?.kind === "connected", "connected");
    for (let i = 0; i < 4; i++) {
      h.clock.advance(15000);
      await sleep(30);
    }
    assert.equal(h.last()?.kind, "connected");
    assert.deepEqual(h.events, []);
  });

  it("stop while waiting to reconnect cancels the retry", async () => {
    const h = make();
    server.refuseWith = 503;
    h.socket.start();
    await until(() => h.last()?.kind === "reconnecting", "reconnecting");
    await h.socket.stop();
    assert.deepEqual(h.clock.pending, []);
    h.clock.advance(60000);
    await sleep(30);
    assert.equal(server.seen.length, 1);
    assert.equal(h.last()?.kind, "stopped");
  });
});
