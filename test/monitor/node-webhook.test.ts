// 3cx-monitor with source "webhook" in a real Node-RED runtime, over real HTTP on 127.0.0.1:
// every event of the reference (POST and GET, old and new names), refusals, limits, redeploys, and
// the simulator's own webhook sender driving it end to end.
import assert from "node:assert/strict";
import { startSimulator, type Simulator } from "../../src/simulator";
import { helper } from "../support/nodered";
import { WEBHOOK_EXAMPLES, toQuery } from "./webhook-examples";
import { loadMonitor, monitorModule, nodeUrl, redeploy, routeCount, sleep, stopNodeServer, until, type MonitorProbe } from "./support";

const PATH = "/3cx/hook";
const TOKEN = "whTOKEN-5d8e2a91c4";

function post(url: string, body: unknown, headers: Record<string, string> = { "content-type": "application/json" }): Promise<Response> {
  return fetch(url, { method: "POST", headers, body: typeof body === "string" ? body : JSON.stringify(body) });
}

describe("3cx-monitor webhook source (Node-RED)", function () {
  this.timeout(20000);
  let base = "";

  before(async () => {
    base = await nodeUrl();
  });
  afterEach(async () => {
    await helper.unload();
  });
  after(async () => {
    await stopNodeServer();
  });

  async function load(props: Record<string, unknown> = {}, token?: string): Promise<MonitorProbe> {
    return loadMonitor({ props: { source: "webhook", path: PATH, ...props }, token });
  }

  for (const scheme of ["POST", "GET"] as const) {
    it(`every event of the reference${scheme === "GET" ? " the GET (query) scheme can carry" : ""} by ${scheme} gives the right topics`, async () => {
      for (const ex of WEBHOOK_EXAMPLES.filter((e) => scheme === "POST" || e.get)) {
        const probe = await load();
        const res = scheme === "POST" ? await post(base + PATH, ex.fields) : await fetch(`${base}${PATH}?${toQuery(ex.fields)}`);
        assert.equal(res.status, 200, ex.name);
        await until(() => probe.msgs.length >= ex.topics.length, 2000, ex.name);
        await sleep(20);
        assert.deepEqual(probe.topics(), ex.topics, ex.name);
        await helper.unload();
      }
    });
  }

  it("payloads have the polling shape: callID (number), id, missed, duration", async () => {
    const probe = await load();
    await fetch(`${base}${PATH}?event=ringing&callerid=381629759787&user=100&usertype=ext&id=250910183903_6-0`);
    await post(base + PATH, { callerid: "381629759787", event: "pickupincoming", user: "100", id: "250910183903_6-1", trtype: "NotDef" });
    await post(base + PATH, { event: "incoming", callerid: "381629759787", user: "100", id: "250910183903_6-1", finishtype: "Ok", title: "X:Answered call from 381629759787 (0:12)" });
    await until(() => probe.of("call.ended").length === 1);
    assert.deepEqual(probe.topics(), ["call.started", "call.ringing", "call.answered", "call.ended"]);
    for (const m of probe.msgs) {
      assert.equal(m.payload.callID, 6, m.topic);
      assert.equal(m.payload.source, "webhook");
    }
    const end = probe.of("call.ended")[0].payload;
    assert.equal(end.missed, false);
    assert.equal(end.talkTime, 12);
    assert.equal(typeof end.duration, "number");
    assert.equal(end.id, "250910183903_6-1");
  });

  it("token: missing or wrong → 403 and nothing emitted; right → 200; the token appears in no output", async () => {
    const probe = await load({}, TOKEN);
    const body = { event: "ringing", id: "250910183903_6-0" };
    assert.equal((await post(base + PATH, body)).status, 403);
    assert.equal((await post(`${base}${PATH}?token=wrong`, body)).status, 403);
    assert.equal((await fetch(`${base}${PATH}?token=${TOKEN.slice(0, -1)}&event=ringing&id=1`)).status, 403);
    await sleep(50);
    assert.equal(probe.msgs.length, 0);
    assert.equal(probe.warnings.length, 1, "refusals are logged, not flooded");
    assert.ok(probe.statuses.some((s) => s.fill === "yellow"));
    assert.equal((await post(`${base}${PATH}?token=${TOKEN}`, body)).status, 200);
    await until(() => probe.msgs.length === 2);
    const everything = JSON.stringify([probe.msgs, probe.statuses, probe.warnings, probe.errors, helper.log().args]);
    assert.equal(everything.includes(TOKEN), false);
  });

  it("the token may come from the environment: ${VAR}", async () => {
    process.env.MONITOR_TEST_TOKEN = "env-token-77";
    try {
      const probe = await load({}, "${MONITOR_TEST_TOKEN}");
      assert.equal((await fetch(`${base}${PATH}?token=${encodeURIComponent("${MONITOR_TEST_TOKEN}")}&event=ringing&id=1`)).status, 403);
      assert.equal((await fetch(`${base}${PATH}?token=env-token-77&event=ringing&id=250910183903_6-0`)).status, 200);
      await until(() => probe.msgs.length === 2);
    } finally {
      delete process.env.MONITOR_TEST_TOKEN;
    }
  });

  it("allow-list: a source outside it → 403, nothing emitted; 127.0.0.0/8 is let in", async () => {
    let probe = await load({ allow: "192.0.2.10, 2001:db8::/32" });
    assert.equal((await post(base + PATH, { event: "ringing", id: "250910183903_6-0" })).status, 403);
    await sleep(50);
    assert.equal(probe.msgs.length, 0);
    await helper.unload();
    probe = await load({ allow: "192.0.2.10, 127.0.0.0/8" });
    assert.equal((await post(base + PATH, { event: "ringing", id: "250910183903_6-0" })).status, 200);
    await until(() => probe.msgs.length === 2);
  });

  it("an invalid allow-list entry: the node says which, and refuses to listen", async () => {
    const probe = await load({ allow: "10.0.0.0/8, pbx.example.com" });
    await until(() => probe.errors.length > 0);
    assert.match(String(probe.errors[0]), /pbx\.example\.com/);
    assert.equal(routeCount(PATH), 0);
  });

  it("malformed → 400 and nothing emitted; over 1 MB → 413", async () => {
    const probe = await load();
    for (const body of ["{broken", "[1]", '{"callerid":"1"}', "42"]) assert.equal((await post(base + PATH, body)).status, 400, body);
    assert.equal((await fetch(`${base}${PATH}?callerid=1`)).status, 400);
    assert.equal((await post(base + PATH, { event: "ringing", pad: "x".repeat(1024 * 1024) })).status, 413);
    await sleep(50);
    assert.equal(probe.msgs.length, 0);
  });

  it("answers within milliseconds, before the flow runs", async () => {
    await load();
    const times: number[] = [];
    for (let i = 0; i < 20; i++) {
      const t0 = performance.now();
      const res = await post(base + PATH, { event: "ringing", id: `250910183903_${i}-0` });
      times.push(performance.now() - t0);
      assert.equal(res.status, 200);
    }
    times.sort((a, b) => a - b);
    console.log(`      webhook answer time: median ${times[10].toFixed(2)} ms, max ${times[19].toFixed(2)} ms`);
  });

  it("the events filter: only the ticked events leave the node", async () => {
    const probe = await load({ events: ["call.ended"] });
    await fetch(`${base}${PATH}?event=ringing&id=250910183903_6-0`);
    await fetch(`${base}${PATH}?event=incoming&finishtype=Missed&id=250910183903_6-0`);
    await until(() => probe.msgs.length >= 1);
    await sleep(30);
    assert.deepEqual(probe.topics(), ["call.ended"]);
    assert.equal(probe.msgs[0].payload.missed, true);
  });

  it("an input message gives a snapshot of the calls heard of", async () => {
    const probe = await load();
    await fetch(`${base}${PATH}?event=ringing&id=250910183903_6-0&callerid=381629759787`);
    await until(() => probe.msgs.length === 2);
    const snap = await probe.ask("snapshot");
    assert.equal(snap.payload.source, "webhook");
    assert.deepEqual((snap.payload.calls as Array<{ callID: number }>).map((c) => c.callID), [6]);
  });

  it("10 redeploys leave one route (GET + POST), and one webhook gives one message; removal leaves none", async () => {
    await load();
    let probe: MonitorProbe | undefined;
    for (let i = 0; i < 10; i++) probe = await redeploy({ props: { source: "webhook", path: PATH, name: `v${i}` } });
    assert.equal(routeCount(PATH), 2);
    assert.ok(probe);
    await fetch(`${base}${PATH}?event=incoming&finishtype=Ok&id=250910183903_6-1`);
    await until(() => probe.msgs.length >= 1);
    await sleep(50);
    assert.deepEqual(probe.topics(), ["call.ended"]);
    await helper.unload();
    assert.equal(routeCount(PATH), 0);
    assert.equal((await fetch(`${base}${PATH}?event=ringing&id=1`)).status, 404);
  });

  for (const method of ["POST", "GET"] as const) {
    it(`the simulator's webhook sender (${method} scheme) drives a monitor end to end`, async () => {
      const probe = await load({}, TOKEN);
      let sim: Simulator | undefined;
      try {
        sim = await startSimulator({ httpsPort: false, webhook: { url: `${base}${PATH}?token=${TOKEN}`, method, ai: true } });
        const call = sim.pbx.inboundCall({ from: "420774852529", to: "100", timing: { ringMs: 80, talkMs: 150 } });
        await until(() => probe.of("call.ai").length === 1, 5000, "call.ai");
        await sim.webhooks.idle();
        assert.equal(sim.webhooks.failures, 0);
        assert.ok(sim.webhooks.sent.every((s) => s.status === 200), JSON.stringify(sim.webhooks.sent.map((s) => s.status)));
        assert.deepEqual(probe.topics(), ["call.started", "call.ringing", "call.answered", "call.ended", "call.recording", "call.ai"]);
        for (const m of probe.msgs) assert.equal(m.payload.callID, call.callID, m.topic);
        const end = probe.of("call.ended")[0].payload;
        assert.equal(end.missed, false);
        assert.equal(end.callerid, "420774852529");
        assert.equal(end.direction, "inbound");
        assert.ok(Array.isArray(probe.of("call.recording")[0].payload.files));
        // A missed call.
        const missed = sim.pbx.inboundCall({ from: "420774852530", to: "100", answer: false, timing: { ringMs: 60 } });
        await until(() => probe.msgs.some((m) => m.topic === "call.ended" && m.payload.callID === missed.callID), 5000, "missed call.ended");
        const m = probe.msgs.find((x) => x.topic === "call.ended" && x.payload.callID === missed.callID);
        assert.equal(m?.payload.missed, true);
        assert.equal(m?.payload.talkTime, 0);
      } finally {
        await sim?.close();
      }
    });
  }

  it("two monitors cannot share one path (Express matches paths case-insensitively)", async () => {
    await helper.load(monitorModule, [
      { id: "f1", type: "tab" },
      { id: "a", z: "f1", type: "3cx-monitor", source: "webhook", path: PATH, wires: [] },
      { id: "b", z: "f1", type: "3cx-monitor", source: "webhook", path: PATH.toUpperCase(), wires: [] },
    ]);
    assert.equal(routeCount(PATH) + routeCount(PATH.toUpperCase()), 2, "one monitor listens, the other does not");
    const logged = JSON.stringify(helper.log().args);
    assert.match(logged, /already used by another 3cx-monitor/);
  });
});
