// 3cx-monitor in a real Node-RED process (red.js of the Node-RED under test) with this package
// installed: the webhook route on the runtime's own HTTP app (its body handling on Node-RED 4 and
// 5), deploys through the admin API, the editor file and message catalogs, and polling against
// the simulator. Events leave Node-RED through core function + http request nodes to a collector.
import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { startSimulator, type Simulator } from "../../src/simulator";
import { deployFlows } from "../support/browser";
import { startRed, type RedProcess } from "../support/red-process";
import { sleep, until } from "./support";

const TOKEN = "E2ETOKEN-8c41d9f2b7";
const KEY = "E2EKEY-0b5e93a7c1";
const PATH = "/e2e/hook";

interface Collected {
  topic: string;
  payload: Record<string, unknown>;
}

describe("3cx-monitor in a real Node-RED process", function () {
  this.timeout(60000);
  let red: RedProcess;
  let sim: Simulator;
  let collector: http.Server;
  let collectorUrl = "";
  const got: Collected[] = [];

  before(async () => {
    collector = http.createServer((req, res) => {
      let body = "";
      req.on("data", (d: Buffer) => { body += d.toString(); });
      req.on("end", () => {
        got.push(JSON.parse(body) as Collected);
        res.end("ok");
      });
    });
    await new Promise<void>((r) => collector.listen(0, "127.0.0.1", r));
    collectorUrl = `http://127.0.0.1:${(collector.address() as AddressInfo).port}/collect`;
    sim = await startSimulator({ httpsPort: false, accessKey: KEY });
    red = await startRed();
  });
  after(async () => {
    await red?.stop();
    await sim?.close();
    await new Promise<void>((r) => { collector.closeAllConnections(); collector.close(() => r()); });
  });
  beforeEach(() => {
    got.length = 0;
  });

  /** The monitor's output, forwarded to the collector as {topic, payload}. */
  function forward(): Array<Record<string, unknown>> {
    return [
      { id: "fn", z: "t1", type: "function", name: "", func: "msg.payload = { topic: msg.topic, payload: msg.payload };\nmsg.headers = { 'content-type': 'application/json' };\nreturn msg;", outputs: 1, wires: [["req"]] },
      { id: "req", z: "t1", type: "http request", name: "", method: "POST", ret: "txt", paytoqs: "ignore", url: collectorUrl, tls: "", persist: false, proxy: "", authType: "", wires: [[]] },
    ];
  }

  async function deploy(monitor: Record<string, unknown>, extra: Array<Record<string, unknown>> = []): Promise<void> {
    const flows = [{ id: "t1", type: "tab", label: "e2e" }, ...extra, { id: "mon", z: "t1", type: "3cx-monitor", wires: [["fn"]], ...monitor }, ...forward()];
    await deployFlows(red.url, flows);
  }

  async function webhookUp(): Promise<void> {
    const end = Date.now() + 10000;
    for (;;) {
      const res = await fetch(`${red.url}${PATH}`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
      if (res.status !== 404) return; // 400 (no event) or 403 (no token): the route is there
      if (Date.now() > end) throw new Error("webhook route did not appear");
      await sleep(50);
    }
  }

  it("serves the editor file and the message catalogs (en-US, de)", async () => {
    const html = await (await fetch(`${red.url}/nodes`, { headers: { accept: "text/html" } })).text();
    assert.match(html, /RED\.nodes\.registerType\('3cx-monitor'/);
    for (const [lng, label] of [["en-US", "3CX monitor"], ["de", "3CX-Monitor"]]) {
      const res = await fetch(`${red.url}/locales/@node-red-3cx/webapi/3cx-monitor?lng=${lng}`);
      assert.equal(res.status, 200);
      const cat = (await res.json()) as Record<string, { paletteLabel?: string }>;
      assert.equal(cat["3cx-monitor"]?.paletteLabel, label, lng);
    }
  });

  it("webhooks by POST (JSON and form) and GET reach the flow; the token is enforced and never logged", async () => {
    await deploy({ name: "hook", source: "webhook", path: PATH, credentials: { token: TOKEN } });
    await webhookUp();
    const json = await fetch(`${red.url}${PATH}?token=${TOKEN}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ event: "ringing", callerid: "381629759787", user: "100", id: "250910183903_6-0" }) });
    assert.equal(json.status, 200);
    await until(() => got.length >= 2, 5000, "POST JSON events");
    const form = await fetch(`${red.url}${PATH}?token=${TOKEN}`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "event=pickupincoming&id=250910183903_6-1&user=100" });
    assert.equal(form.status, 200);
    const get = await fetch(`${red.url}${PATH}?token=${TOKEN}&event=incoming&finishtype=Ok&id=250910183903_6-1&title=${encodeURIComponent("X:Answered call from 381629759787 (0:09)")}`);
    assert.equal(get.status, 200);
    await until(() => got.length >= 4, 5000, "all events");
    assert.deepEqual(got.map((g) => g.topic), ["call.started", "call.ringing", "call.answered", "call.ended"]);
    assert.ok(got.every((g) => g.payload.callID === 6));
    assert.equal(got[3].payload.talkTime, 9);
    const refused = await fetch(`${red.url}${PATH}?token=nope&event=ringing&id=1`);
    assert.equal(refused.status, 403);
    // Refusals are logged once a minute per reason: the first was webhookUp's probe without a token.
    await until(() => /webhook refused: token missing \(from [^)]*127\.0\.0\.1\)/.test(red.log()), 5000, "the refusal is logged, interpolated");
    await sleep(50);
    assert.equal(got.length, 4);
    assert.equal(red.log().includes(TOKEN), false);
  });

  it("10 deploys leave one route: one webhook gives one event", async () => {
    for (let i = 0; i < 10; i++) await deploy({ name: `hook v${i}`, source: "webhook", path: PATH, credentials: { token: TOKEN } });
    await webhookUp();
    got.length = 0;
    assert.equal((await fetch(`${red.url}${PATH}?token=${TOKEN}&event=outgoing&finishtype=Missed&id=250917195400_48-0`)).status, 200);
    await until(() => got.length >= 1);
    await sleep(200);
    assert.deepEqual(got.map((g) => g.topic), ["call.ended"]);
    assert.equal(got[0].payload.missed, true);
  });

  it("polls the simulator through the real config node: a profile change gives one extension.status", async () => {
    const config = { id: "cfg", type: "3cx-config", name: "sim", fqdn: sim.httpUrl, timeout: 2000, maxConcurrent: 4, credentials: { accessKey: KEY } };
    await deploy({ name: "poll", source: "poll", server: "cfg", interval: 0.05, extensions: "101" }, [config]);
    const n = (): number => sim.requests.filter((r) => r.method === "ext.state.get").length;
    await until(() => n() >= 3, 10000, "polling");
    const res = await fetch(`${sim.httpUrl}/webapi/${KEY}/ext.fwd.set?num=101&status=Away`);
    assert.equal(res.status, 200);
    await until(() => got.length >= 1, 5000, "extension.status");
    const m = n();
    await until(() => n() >= m + 3);
    assert.deepEqual(got.map((g) => [g.topic, g.payload.num, g.payload.changed]), [["extension.status", "101", ["fwdName"]]]);
    assert.equal(red.log().includes(KEY), false);
  });
});
