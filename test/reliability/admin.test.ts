// The config node's admin routes in a real red.js with adminAuth (a read-only and a full user),
// beyond test/e2e/admin-auth.test.ts: who may call what; no answer ever holds the key; and "Test
// connection" is not a general-purpose fetcher — it requests only the WebAPI license path of the
// host it is given, answers with the license fields alone, refuses an fqdn with a path or query,
// does not follow a redirect, and never sends a saved key to another host than its own.
import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { startSimulator, type Simulator } from "../../src/simulator";
import { adminToken } from "../support/red-process";
import { request, startRedWithProbe, type Answer, type RedWithProbe } from "./red-admin";
import { KEY, leaks, secretForms, sleep } from "./support";

const TYPED_KEY = "Typ3d-K3y+Dialog/Only=Q";

/** An HTTP server that records every request and answers as told. */
class Recorder {
  readonly seen: Array<{ method: string; url: string }> = [];
  answer: (res: http.ServerResponse) => void = (res) => res.end("{}");
  private constructor(private readonly server: http.Server, readonly url: string) {}

  static async start(): Promise<Recorder> {
    let self: Recorder | undefined;
    const server = http.createServer((req, res) => {
      self?.seen.push({ method: req.method ?? "", url: req.url ?? "" });
      req.resume();
      self?.answer(res);
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    self = new Recorder(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    return self;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}

describe("reliability: admin routes under adminAuth (red.js)", function () {
  this.timeout(60000);
  let sim: Simulator;
  let red: RedWithProbe;
  let pbx: Recorder;
  let elsewhere: Recorder;
  let admin: string;
  let viewer: string;
  const answers: string[] = [];

  before(async () => {
    sim = await startSimulator({ accessKey: KEY, httpsPort: false });
    pbx = await Recorder.start();
    elsewhere = await Recorder.start();
    red = await startRedWithProbe({
      users: [
        { username: "admin", password: "admin-pass", permissions: "*" },
        { username: "viewer", password: "viewer-pass", permissions: "read" },
      ],
    });
    admin = `Bearer ${await adminToken(red.url, "admin", "admin-pass")}`;
    viewer = `Bearer ${await adminToken(red.url, "viewer", "viewer-pass", "read")}`;
    await red.deploy([{ id: "cfg", type: "3cx-config", fqdn: sim.httpUrl, timeout: 2000, maxConcurrent: 4, credentials: { accessKey: KEY } }], "full", admin);
    // The deploy answers before the flows have started: wait for the config node.
    for (let i = 0; (await request("GET", `${red.url}/3cx-config/lists/line?server=cfg`, undefined, { authorization: admin })).status !== 200; i++) {
      if (i > 100) throw new Error("the config node did not start");
      await sleep(50);
    }
  });
  after(async () => {
    await red?.stop();
    await pbx?.close();
    await elsewhere?.close();
    await sim?.close();
  });
  beforeEach(() => {
    pbx.seen.length = 0;
    elsewhere.seen.length = 0;
    pbx.answer = (res) => res.end("{}");
  });

  async function call(method: "GET" | "POST", path: string, auth: string | undefined, body?: unknown): Promise<Answer & { json: Record<string, unknown> }> {
    const a = await request(method, `${red.url}${path}`, body, auth ? { authorization: auth } : {});
    answers.push(a.text);
    let json: Record<string, unknown> = {};
    try {
      json = JSON.parse(a.text) as Record<string, unknown>;
    } catch {
      // not JSON (401 text): json stays empty
    }
    return { ...a, json };
  }

  it("look-ups need read: the read-only user may list the deployed PBX, nobody without a token may", async () => {
    assert.equal((await call("GET", "/3cx-config/lists/queue?server=cfg", undefined)).status, 401);
    const res = await call("GET", "/3cx-config/lists/queue?server=cfg", viewer);
    assert.equal(res.status, 200);
    assert.deepEqual((res.json.items as Array<{ value: string }>).map((i) => i.value).sort(), ["802", "804", "820"]);
  });

  it("test connection and typed-settings look-ups (which reach a host of the caller's choosing) need write", async () => {
    const typed = { fqdn: sim.httpUrl, accessKey: KEY };
    for (const path of ["/3cx-config/test", "/3cx-config/lists/queue"]) {
      assert.equal((await call("POST", path, undefined, typed)).status, 401, `${path} without a token`);
      assert.equal((await call("POST", path, viewer, typed)).status, 401, `${path} as the read-only user`);
      const ok = await call("POST", path, admin, typed);
      assert.equal(ok.status, 200, `${path} as the full user`);
      assert.equal(ok.json.ok, true, ok.text);
    }
  });

  it("test connection requests only GET /webapi/{key}/ of the host given, once, and answers the license fields alone", async () => {
    pbx.answer = (res) => {
      res.setHeader("content-type", "application/json");
      const extra = JSON.stringify({ accessKey: "leak-me", adminPassword: "p4ss", nested: { secret: 1 }, html: "<script>alert(1)</script>" });
      const license = JSON.stringify({ product: "3CX", version: "20.0.1", release: "x".repeat(1000), licenseExpire: "2030-01-01", concurrentCalls: 8, clientLicensesNum: 4 });
      res.end(`${license.slice(0, -1)},"__proto__":{"polluted":true},${extra.slice(1)}`);
    };
    const res = await call("POST", "/3cx-config/test", admin, { fqdn: pbx.url, accessKey: TYPED_KEY, timeout: 2000 });
    assert.equal(res.json.ok, true, res.text);
    const info = res.json.info as Record<string, unknown>;
    assert.deepEqual(Object.keys(info).sort(), ["clientLicensesNum", "concurrentCalls", "licenseExpire", "product", "release", "version"]);
    assert.ok(String(info.release).length <= 200, "long fields are cut");
    assert.deepEqual(pbx.seen, [{ method: "GET", url: `/webapi/${encodeURIComponent(TYPED_KEY)}/` }]);
  });

  it("refuses an fqdn with a path, a query, a fragment, credentials or another scheme before any request", async () => {
    const host = new URL(pbx.url).host;
    const bad = [
      `${pbx.url}/admin/users`, `${pbx.url}/webapi/${TYPED_KEY}/ext.del?num=100`, `${pbx.url}/?x=1`, `${pbx.url}#frag`,
      `http://user:pw@${host}`, `file:///etc/passwd`, `ftp://${host}`, `gopher://${host}`, `${host}/../../etc`, `http://${host}\\@evil`,
    ];
    for (const fqdn of bad) {
      const res = await call("POST", "/3cx-config/test", admin, { fqdn, accessKey: TYPED_KEY, timeout: 1000 });
      assert.equal(res.json.ok, false, `${fqdn}: ${res.text}`);
      assert.equal(res.json.code, "BAD_CONFIG", `${fqdn}: ${res.text}`);
      assert.match(String(res.json.message), /^PBX address /);
    }
    assert.deepEqual(pbx.seen, [], "nothing was requested");
  });

  it("does not follow a redirect (the target gets nothing) and says so", async () => {
    pbx.answer = (res) => {
      res.writeHead(302, { location: `${elsewhere.url}/webapi/${encodeURIComponent(TYPED_KEY)}/` });
      res.end();
    };
    const res = await call("POST", "/3cx-config/test", admin, { fqdn: pbx.url, accessKey: TYPED_KEY, timeout: 2000 });
    assert.equal(res.json.ok, false);
    assert.equal(res.json.code, "HTTP_302");
    assert.match(String(res.json.message), /not followed/);
    assert.equal(pbx.seen.length, 1);
    assert.deepEqual(elsewhere.seen, []);
  });

  it("never sends a saved key to another host: the stored key only goes to the PBX it was saved for", async () => {
    for (const [path, auth] of [["/3cx-config/test", admin], ["/3cx-config/lists/extension", admin]] as const) {
      for (const ref of [{ id: "cfg" }, { server: "cfg" }]) {
        const res = await call("POST", path, auth, { ...ref, fqdn: pbx.url, accessKey: "__PWRD__", timeout: 1000 });
        assert.equal(res.json.ok, false, `${path} ${JSON.stringify(ref)}: ${res.text}`);
        assert.equal(res.json.code, "BAD_CONFIG");
        assert.match(String(res.json.message), /type the (access )?key again/i);
      }
    }
    assert.deepEqual(pbx.seen, [], "the saved key went nowhere");
    // Its own host still works with the saved key (the same host written differently, too).
    const own = await call("POST", "/3cx-config/test", admin, { id: "cfg", fqdn: `${sim.httpUrl}/webapi/`, accessKey: "__PWRD__" });
    assert.equal(own.json.ok, true, own.text);
  });

  it("answers with clear errors for a wrong key, an unreachable host and an unknown list, and none of them holds the key", async () => {
    const wrong = await call("POST", "/3cx-config/test", admin, { fqdn: sim.httpUrl, accessKey: `${KEY}x` });
    assert.equal(wrong.json.code, "AUTH");
    const down = await call("POST", "/3cx-config/test", admin, { fqdn: "http://127.0.0.1:1", accessKey: KEY, timeout: 1000 });
    assert.equal(down.json.code, "UNREACHABLE");
    const unknown = await call("GET", "/3cx-config/lists/secrets?server=cfg", viewer);
    assert.equal(unknown.status, 404);
    const none = await call("GET", "/3cx-config/lists/queue?server=nope", viewer);
    assert.equal(none.status, 404);
  });

  it("no answer, flow export, credentials view or log line holds the key", async () => {
    answers.push((await call("GET", "/flows", admin)).text);
    answers.push((await call("GET", "/credentials/3cx-config/cfg", admin)).text);
    const all = `${answers.join("\n")}\n${red.log()}`;
    assert.deepEqual(leaks(all, secretForms(KEY, TYPED_KEY)), []);
    assert.ok(!all.includes("leak-me") && !all.includes("p4ss"), "extra PBX fields never reach an answer");
  });
});
