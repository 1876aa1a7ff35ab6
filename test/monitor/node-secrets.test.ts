// The access key and the webhook token never appear in anything the monitor puts out: messages,
// statuses, warnings, errors, the runtime log — through normal events, an outage, a wrong key, a
// snapshot, refused and accepted webhooks.
import assert from "node:assert/strict";
import { startSimulator, type Simulator } from "../../src/simulator";
import { helper } from "../support/nodered";
import { loadMonitor, nodeUrl, sleep, stopNodeServer, until, type MonitorProbe } from "./support";

const KEY = "SECRETKEY-91b7c3e0d2";
const WRONG_KEY = "WRONGKEY-4f0a6d21e8";
const TOKEN = "HOOKTOKEN-2c9e71b5aa";

function scan(probe: MonitorProbe): string {
  return JSON.stringify([probe.msgs, probe.statuses, probe.warnings, probe.errors.map(String), helper.log().args]);
}

function assertClean(text: string): void {
  for (const secret of [KEY, WRONG_KEY, TOKEN]) {
    assert.equal(text.includes(secret), false, `a secret leaked: ${secret}`);
    assert.equal(text.includes(encodeURIComponent(secret)), false);
  }
}

describe("3cx-monitor: no secret in any output", function () {
  this.timeout(20000);
  let sim: Simulator;

  before(async () => {
    sim = await startSimulator({ httpsPort: false, accessKey: KEY });
  });
  afterEach(async () => {
    await helper.unload();
    await sim.faults.clear();
  });
  after(async () => {
    await sim.close();
    await stopNodeServer();
  });

  it("polling: events, an outage, a snapshot, an unknown extension", async () => {
    const probe = await loadMonitor({ fqdn: sim.httpUrl, accessKey: KEY, props: { source: "poll", interval: 0.05, extensions: "101,998", queues: "802" } });
    await until(() => sim.requests.filter((r) => r.method === "pbx.callsinfo.get").length >= 2);
    sim.pbx.inboundCall({ from: "420774852529", to: "101", timing: { ringMs: 60, talkMs: 120 } });
    await until(() => probe.of("call.ended").length >= 1);
    await sim.faults.set({ down: true });
    await until(() => probe.of("pbx.down").length === 1);
    await sim.faults.clear();
    await until(() => probe.of("pbx.up").length === 1);
    await probe.ask("snapshot");
    assert.ok(probe.msgs.length >= 5);
    assertClean(scan(probe));
  });

  it("polling with a wrong key", async () => {
    const probe = await loadMonitor({ fqdn: sim.httpUrl, accessKey: WRONG_KEY, props: { source: "poll", interval: 0.05 } });
    await until(() => probe.of("pbx.down").length === 1);
    await assert.rejects(probe.ask("snapshot", 1000));
    assertClean(scan(probe));
  });

  it("webhooks: refused and accepted requests with the token", async () => {
    const base = await nodeUrl();
    const probe = await loadMonitor({ props: { source: "webhook", path: "/secret/hook" }, token: TOKEN });
    assert.equal((await fetch(`${base}/secret/hook?token=${TOKEN}x&event=ringing&id=250910183903_6-0`)).status, 403);
    assert.equal((await fetch(`${base}/secret/hook?token=${TOKEN}&event=ringing&id=250910183903_6-0`)).status, 200);
    const post = await fetch(`${base}/secret/hook?token=${TOKEN}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ event: "incoming", id: "250910183903_6-0", finishtype: "Missed", token: TOKEN }) });
    assert.equal(post.status, 200);
    await until(() => probe.of("call.ended").length === 1);
    await probe.ask("snapshot");
    await sleep(20);
    assertClean(scan(probe));
  });
});
