// Our error design (the real WebAPI's errors are undocumented) and the key's secrecy.
import assert from "node:assert/strict";
import net from "node:net";
import { startSimulator, type Simulator } from "../../src/simulator";
import { call, request } from "./helpers";

describe("simulator: errors", () => {
  const KEY = "Sim5ecretKey0123456789abc";
  let sim: Simulator;
  const logged: string[] = [];

  before(async () => {
    sim = await startSimulator({ httpsPort: false, accessKey: KEY, log: (l) => logged.push(l) });
  });
  after(() => sim.close());

  it("400 names a missing required parameter", async () => {
    const res = await call(sim, "ext.queue.set", { num: "102", log: "on" });
    assert.deepEqual([res.status, res.json], [400, { error: "queue: required" }]);
  });

  it("400 names an invalid parameter and what was expected", async () => {
    const cases: Array<[string, Record<string, string>, string]> = [
      ["ext.queue.set", { num: "102", queue: "802", log: "yes" }, "log: expected on or off"],
      ["queue.new", { num: "900", name: "Q", pollingstrategy: "2" }, "pollingstrategy: expected one of 0, 1, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13"],
      ["queue.new", { num: "900", name: "Q", ringtimeout: "abc" }, "ringtimeout: expected a whole number"],
      ["contact.get", { id: "-1" }, "id: expected a number from 0 to ∞"],
      ["ext.update", { num: "102", enabled: "on" }, "enabled: expected 1 or 0"],
      ["group.members.set", { num: "945", members: "101,,103" }, "members: expected a comma-separated list, e.g. 101,103"],
      ["ext.info.get", { num: "1".repeat(65) }, "num: longer than 64 characters"],
    ];
    for (const [method, params, error] of cases) {
      const res = await call(sim, method, params);
      assert.deepEqual([res.status, res.json], [400, { error }], method);
    }
  });

  it("changes nothing when a write is refused with 400", async () => {
    await call(sim, "ext.fwd.set", { status: "Away" });
    assert.equal(sim.pbx.extensions.get("102")?.fwdName, "Available");
  });

  it("401 on a wrong key, without echoing the key that was sent or the real one", async () => {
    const wrong = "wrong-key-4711";
    for (const method of ["info", "ext.state.get", "no.such.method"]) {
      const res = await call(sim, method, { num: "102" }, { key: wrong });
      assert.deepEqual([res.status, res.json], [401, { error: "Invalid access key" }], method);
      const everything = res.text + JSON.stringify(res.headers);
      assert.ok(!everything.includes(wrong) && !everything.includes(KEY));
    }
  });

  it("401 for an empty key and for a key that only differs in case", async () => {
    assert.equal((await request(`${sim.httpUrl}/webapi//ext.state.get?num=102`)).status, 401);
    assert.equal((await call(sim, "info", {}, { key: KEY.toLowerCase() })).status, 401);
  });

  it("404 for an unknown method, also for our own name `info` used as a path", async () => {
    for (const method of ["ext.nope.get", "info"]) {
      const res = await request(`${sim.httpUrl}/webapi/${KEY}/${method}`);
      assert.deepEqual([res.status, JSON.parse(res.body)], [404, { error: "Unknown method" }], method);
    }
  });

  it("404 for an unknown extension, queue, group or contact on a read", async () => {
    const cases: Array<[string, Record<string, string>, string]> = [
      ["ext.state.get", { num: "999" }, "Unknown extension 999"],
      ["queue.members.get", { num: "999" }, "Unknown queue 999"],
      ["group.members.get", { num: "999" }, "Unknown ring group 999"],
      ["extgroup.members.get", { name: "Nope" }, "Unknown extension group Nope"],
      ["contact.get", { id: "99" }, "Unknown contact 99"],
    ];
    for (const [method, params, error] of cases) {
      const res = await call(sim, method, params);
      assert.deepEqual([res.status, res.json], [404, { error }], method);
    }
  });

  it("405 for a verb other than GET; 404 for paths outside /webapi", async () => {
    const post = await call(sim, "info", {}, { method: "POST", body: "{}" });
    assert.equal(post.status, 405);
    assert.equal(post.headers.allow, "GET");
    assert.equal((await request(`${sim.httpUrl}/api/info`)).status, 404);
  });

  it("answers 400 to a request line that is no URL, and keeps serving", async () => {
    const { port } = new URL(sim.httpUrl);
    const first = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(Number(port), "127.0.0.1", () => socket.write("GET //x:y HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
      let text = "";
      socket.on("data", (c: Buffer) => { text += c.toString(); });
      socket.on("close", () => resolve(text.split("\r\n")[0]));
      socket.on("error", reject);
    });
    assert.equal(first, "HTTP/1.1 400 Bad Request");
    assert.equal((await call(sim, "info")).status, 200);
  });

  it("reads the key and the values URL-encoded: nothing can be smuggled into another parameter", async () => {
    const keyed = await startSimulator({ httpsPort: false, accessKey: "k/ey&x=1?" });
    try {
      assert.equal((await call(keyed, "info")).status, 200);
      const res = await call(keyed, "contact.new", { firstname: "A&lastname=B", lastname: "C" });
      const id = String((res.json as { id: number }).id);
      const got = (await call(keyed, "contact.get", { id })).json as Record<string, string>;
      assert.deepEqual([got.name, got.lastName], ["A&lastname=B", "C"]);
    } finally {
      await keyed.close();
    }
  });

  it("never records or logs the key", async () => {
    await call(sim, "ext.state.get", { num: "102" });
    assert.ok(sim.requests.length > 5);
    assert.ok(logged.length > 5);
    const all = JSON.stringify(sim.requests) + logged.join("\n") + JSON.stringify(sim.pbx.toJSON());
    assert.ok(!all.includes(KEY));
    const last = sim.requests[sim.requests.length - 1];
    assert.deepEqual([last.method, last.params, last.httpMethod], ["ext.state.get", { num: "102" }, "GET"]);
    assert.equal(typeof last.at, "number");
  });
});
