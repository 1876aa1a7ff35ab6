// The V20 client against the simulator's V20 side (real HTTP on 127.0.0.1): every mapped method
// answers in the seed's shape (the WebAPI side of the same PBX is the yardstick), UNSUPPORTED sends
// nothing, writes are sent once and show through the WebAPI, tokens are shared, renewed after a 401
// for reads, and no error text carries the API key or a token.
import assert from "node:assert/strict";
import { V20Client, V20_METHODS, v20Support, sharedTokenCount } from "../../src/backends/v20";
import { METHODS } from "../../src/catalog";
import { WebApiClient, WebApiError } from "../../src/client";
import { startSimulator, type Simulator } from "../../src/simulator";

const API_KEY = "V20-Api+Key/Secret=Zz9";

/** The shape of a value: object keys (sorted) and leaf types, arrays by their first element. */
function shape(v: unknown): unknown {
  if (Array.isArray(v)) return v.length === 0 ? [] : [shape(v[0])];
  if (typeof v === "object" && v !== null) return Object.fromEntries(Object.keys(v).sort().map((k) => [k, shape((v as Record<string, unknown>)[k])]));
  return typeof v;
}

/** Sample params per mapped read (the seed's example requests). */
const READS: Record<string, Record<string, string>> = {
  info: {}, "all.ext.get": {}, "all.registered.get": {}, "ext.info.get": { num: "102" }, "ext.state.get": { num: "102" },
  "ext.devices.get": { num: "102" }, "all.queue.get": {}, "queue.members.get": { num: "802" }, "all.group.get": {},
  "group.members.get": { num: "803" }, "all.ivr.get": {}, "all.line.get": {}, "all.extgroup.get": {},
  "extgroup.members.get": { name: "__DEFAULT__" }, "contact.find": { num: "+420774852529" }, "contact.get": { id: "4" },
  "pbx.calls.get": {}, "pbx.ac.get": {},
};

describe("backends/v20: client against the simulator", function () {
  this.timeout(20000);
  let sim: Simulator;
  let v20: V20Client;
  let web: WebApiClient;
  const open: V20Client[] = [];
  const client = (extra: Partial<ConstructorParameters<typeof V20Client>[0]> = {}): V20Client => {
    const c = new V20Client({ fqdn: sim.httpUrl, clientId: "900", accessKey: API_KEY, retryDelayMs: 5, ...extra });
    open.push(c);
    return c;
  };

  before(async () => {
    sim = await startSimulator({ httpsPort: false, v20: { apiKey: API_KEY }, callTiming: { ringMs: 60000 } });
  });
  beforeEach(async () => {
    await sim.reset();
    v20 = client();
    web = new WebApiClient({ fqdn: sim.httpUrl, accessKey: sim.accessKey });
  });
  afterEach(() => {
    for (const c of open.splice(0)) c.close();
    web.close();
  });
  after(() => sim.close());

  it("has an entry for every catalog method, and a read sample for every mapped read", () => {
    for (const m of METHODS) assert.ok(V20_METHODS[m.name], m.name);
    for (const m of METHODS) {
      if (m.kind === "read" && v20Support(m.name) !== "unsupported") assert.ok(READS[m.name], `no sample for ${m.name}`);
    }
  });

  for (const [method, params] of Object.entries(READS)) {
    it(`${method} answers in the seed's shape`, async () => {
      const a = await v20.call(method, params);
      const b = await web.call(method, params);
      // Lists that are empty on V20 by design (qStatus, the seed's calls between unmonitored DNs) compare by key only.
      const s = JSON.stringify(shape(a.data));
      const w = JSON.stringify(shape(b.data)).replace(/"qStatus":\[[^\]]*\]/, '"qStatus":[]');
      if (method === "pbx.ac.get") assert.deepEqual(Object.keys(a.data as object).sort(), ["AConnByCallID", "count"]);
      else assert.equal(s, w);
      assert.ok(a.attempts >= 1 && a.durationMs >= 0);
    });
  }

  it("the same answers as the WebAPI where both know the same facts", async () => {
    for (const m of ["all.ext.get", "all.registered.get", "ext.info.get", "ext.devices.get", "all.queue.get", "all.group.get", "group.members.get", "all.ivr.get", "all.line.get", "all.extgroup.get", "contact.find"]) {
      assert.deepEqual((await v20.call(m, READS[m])).data, (await web.call(m, READS[m])).data, m);
    }
  });

  it("UNSUPPORTED: an error before any request, naming the method and the way out", async () => {
    const before = sim.stats.requests;
    const tokens = sim.v20.tokensIssued;
    for (const m of METHODS.filter((x) => v20Support(x.name) === "unsupported")) {
      const e = await v20.call(m.name, { num: "102", queue: "802", log: "on" }).then(() => undefined, (err: unknown) => err);
      assert.ok(e instanceof WebApiError && e.code === "UNSUPPORTED", m.name);
      assert.match(e.message, new RegExp(`^${m.name.replace(/\./g, "\\.")} is not available on the 3CX V20 API .*nothing was sent`));
      assert.equal(e.attempts, 0);
    }
    assert.equal(sim.stats.requests, before, "not even a token request");
    assert.equal(sim.v20.tokensIssued, tokens);
  });

  it("a parameter with no V20 equivalent is refused before anything is sent", async () => {
    const before = sim.stats.requests;
    await assert.rejects(v20.call("ext.fwd.set", { num: "102", status: "Away", message: "back at 3" }), (e: WebApiError) => e.code === "UNSUPPORTED" && /message has no equivalent/.test(e.message));
    await assert.rejects(v20.call("contact.new", { firstname: "A", data2: "1" }), (e: WebApiError) => e.code === "UNSUPPORTED" && /data2/.test(e.message));
    assert.equal(sim.requests.filter((r) => r.httpMethod !== "GET" && !r.method.includes("token")).length, 0);
    assert.ok(sim.stats.requests - before <= 3, "at most the token and the look-up");
  });

  it("writes are sent once and show through the WebAPI side of the same PBX", async () => {
    await v20.call("ext.fwd.set", { num: "102", status: "Out of office" });
    await v20.call("ext.queueglobal.set", { num: "102", log: "off" });
    await v20.call("queue.agents.set", { num: "802", members: "101,104" });
    const state = (await web.call("ext.state.get", { num: "102" })).data as Record<string, unknown>;
    assert.equal(state.fwdName, "Out of office");
    assert.equal(state.qGlobalStatus, false);
    const members = (await web.call("queue.members.get", { num: "802" })).data as { members: Array<{ num: string }> };
    assert.deepEqual(members.members.map((m) => m.num), ["101", "104"]);
    const patches = sim.requests.filter((r) => r.httpMethod === "PATCH");
    assert.equal(patches.length, 3);
    // And the other way: a WebAPI write read through V20.
    await web.call("ext.fwd.set", { num: "101", status: "Custom 2" });
    assert.equal(((await v20.call("ext.state.get", { num: "101" })).data as Record<string, unknown>).fwdName, "Custom 2");
  });

  it("contacts: new, update, get, delete round trip", async () => {
    const made = (await v20.call("contact.new", { firstname: "Ada", lastname: "King", phone: "+4930123", data5: "ada@example.com" })).data as { id: number };
    assert.equal(typeof made.id, "number");
    await v20.call("contact.update", { id: String(made.id), company: "Engines" });
    const got = (await web.call("contact.get", { id: String(made.id) })).data as Record<string, string>;
    assert.equal(got.company, "Engines");
    assert.equal(got.data5, "ada@example.com");
    assert.deepEqual((await v20.call("contact.find", { num: "+4930123" })).data, { id: [made.id] });
    await v20.call("contact.del", { id: String(made.id) });
    await assert.rejects(web.call("contact.get", { id: String(made.id) }), (e: WebApiError) => e.code === "HTTP_404");
  });

  it("call control: makecall rings, answer, transfer and drop act on the participant", async () => {
    assert.deepEqual((await v20.call("makecall", { first: "101", second: "102" })).data, { first: "101", second: "102" });
    assert.equal(((await web.call("ext.state.get", { num: "102" })).data as { status: string }).status, "Ringing");
    assert.deepEqual((await v20.call("answer", { num: "102" })).data, { result: "Answer" });
    assert.equal(((await v20.call("ext.state.get", { num: "102" })).data as { status: string }).status, "Talking");
    assert.deepEqual((await v20.call("transfer", { num: "102", dest: "103" })).data, { result: "Transfer" });
    assert.equal(((await web.call("ext.state.get", { num: "103" })).data as { status: string }).status, "Talking");
    assert.deepEqual((await v20.call("drop", { num: "103" })).data, { result: "Drop" });
    assert.equal(((await web.call("ext.state.get", { num: "101" })).data as { status: string }).status, "Free");
    const posts = sim.requests.filter((r) => r.httpMethod === "POST" && r.method.includes("callcontrol"));
    assert.deepEqual(posts.map((r) => r.method.replace(/^.* \/callcontrol/, "")),
      ["/101/makecall", `/102/participants/${posts[1].method.split("/").at(-2)}/answer`, `/102/participants/${posts[2].method.split("/").at(-2)}/transferto`, `/103/participants/${posts[3].method.split("/").at(-2)}/drop`]);
    await assert.rejects(v20.call("answer", { num: "104" }), (e: WebApiError) => e.code === "REFUSED" && /no call is ringing on 104/.test(e.message));
  });

  it("a CallControlResult other than Success is REFUSED with the PBX's reason and the answer (sent once)", async () => {
    await v20.bearer();
    await sim.faults.set({ methods: ["v20:callcontrol"], times: 1, status: 200, body: JSON.stringify({ finalstatus: "Failed", reason: "PhoneBusy", reasontext: "Busy here", result: null }) });
    sim.requests.length = 0;
    const e = await v20.call("makecall", { first: "101", second: "102" }).then(() => undefined, (err: unknown) => err) as WebApiError;
    assert.equal(e.code, "REFUSED");
    assert.equal(e.message, "makecall failed: the PBX did not place the call from 101 to 102 (Busy here)");
    assert.deepEqual(e.answer, { finalstatus: "Failed", reason: "PhoneBusy", reasontext: "Busy here", result: null });
    assert.equal(sim.requests.filter((r) => r.httpMethod === "POST").length, 1);
  });

  it("mapped answers go through the answer contract: an answer that is not an object is BAD_RESPONSE", async () => {
    await v20.bearer();
    await sim.faults.set({ methods: ["v20:xapi"], times: 1, status: 200, body: JSON.stringify({ value: [{ Number: 7 }], "@odata.count": 1 }) });
    // A number where the seed has text passes unchanged (reads are tolerant) ...
    assert.deepEqual((await v20.call("all.ext.get", {})).data, { nums: ["7"] });
    await sim.faults.set({ methods: ["v20:xapi"], times: 1, status: 200, body: "[1,2]" });
    // ... an answer that is no OData collection is refused.
    await assert.rejects(v20.call("all.ext.get", {}), (err: WebApiError) => err.code === "BAD_RESPONSE");
    await sim.faults.clear();
  });

  it("a DN the API client does not monitor: a clear 403 (AUTH) that says what to add", async () => {
    await sim.close();
    sim = await startSimulator({ httpsPort: false, v20: { apiKey: API_KEY, monitored: ["101"] } });
    const c = client();
    const e = await c.call("ext.state.get", { num: "102" }).then(() => undefined, (err: unknown) => err) as WebApiError;
    assert.equal(e.code, "AUTH");
    assert.match(e.message, /extensions to monitor/);
    await sim.close();
    sim = await startSimulator({ httpsPort: false, v20: { apiKey: API_KEY }, callTiming: { ringMs: 60000 } });
  });

  it("pages listings with $top=100/$skip (260 users: 3 requests)", async () => {
    for (let n = 2000; n < 2250; n++) sim.pbx.createExtension(String(n));
    sim.requests.length = 0;
    const nums = ((await v20.call("all.ext.get", {})).data as { nums: string[] }).nums;
    assert.equal(nums.length, 260);
    assert.equal(new Set(nums).size, 260);
    const pages = sim.requests.filter((r) => r.method.endsWith("/xapi/v1/Users"));
    assert.deepEqual(pages.map((r) => [r.params.$top, r.params.$skip]), [["100", "0"], ["100", "100"], ["100", "200"]]);
  });

  it("one token per principal: two clients share it, and a revoked token is renewed once for a read", async () => {
    const other = client();
    const tokens = sim.v20.tokensIssued;
    await v20.call("all.ext.get", {});
    await other.call("all.queue.get", {});
    assert.equal(sim.v20.tokensIssued, tokens + 1);
    assert.equal(sharedTokenCount() >= 1, true);
    sim.v20.revokeTokens();
    const r = await v20.call("ext.info.get", { num: "102" });
    assert.equal(sim.v20.tokensIssued, tokens + 2);
    assert.equal(r.attempts, 2, "the 401 and the retry with the new token");
  });

  it("a write that gets a 401 is not sent again (AUTH), the next call has a new token", async () => {
    await v20.call("all.ext.get", {});
    sim.v20.revokeTokens();
    sim.requests.length = 0;
    // The look-up (a read) is retried after the new token; the PATCH then goes once.
    await v20.call("ext.fwd.set", { num: "102", status: "Away" });
    assert.equal(sim.requests.filter((x) => x.httpMethod === "PATCH").length, 1);
    // A write that is answered 401 (contact.del: no look-up before it) is not repeated.
    await sim.faults.set({ methods: ["v20:xapi"], times: 1, status: 401, body: "" });
    sim.requests.length = 0;
    const e = await v20.call("contact.del", { id: "4" }).then(() => undefined, (err: unknown) => err) as WebApiError;
    await sim.faults.clear();
    assert.equal(e?.code, "AUTH", String(e));
    assert.equal(sim.requests.filter((x) => x.httpMethod === "DELETE").length, 1);
    assert.ok(sim.pbx.contacts.has(4));
    await v20.call("contact.del", { id: "4" }); // the next call goes with a new token
    assert.ok(!sim.pbx.contacts.has(4));
  });

  it("a wrong API key is AUTH at the token endpoint, with the PBX's words and no secret", async () => {
    const bad = client({ accessKey: "Wr0ng+Key/Zz=" });
    const e = await bad.call("all.ext.get", {}).then(() => undefined, (err: unknown) => err) as WebApiError;
    assert.equal(e.code, "AUTH");
    assert.match(e.message, /^all\.ext\.get failed: the PBX refused the API client ID or API key at \/connect\/token \(HTTP 401: Invalid client credentials\)/);
    assert.ok(!JSON.stringify(e).includes("Wr0ng") && !String(e.stack).includes("Wr0ng"));
  });

  it("a User-role principal: XAPI answers 403, the message names the role; Call Control still works", async () => {
    sim.v20.role = "users";
    const e = await v20.call("ext.fwd.set", { num: "102", status: "Away" }).then(() => undefined, (err: unknown) => err) as WebApiError;
    assert.equal(e.code, "AUTH");
    assert.match(e.message, /role/);
    assert.deepEqual(((await v20.call("ext.devices.get", { num: "102" })).data as { count: number }).count, 2);
    sim.v20.role = "system_admins";
  });

  it("no error text carries the API key or a bearer token (a PBX that echoes them)", async () => {
    const token = await v20.bearer();
    await sim.faults.set({ methods: ["v20:xapi"], status: 500, body: JSON.stringify({ error: { message: `boom ${API_KEY} ${token} ${encodeURIComponent(API_KEY)}` } }) });
    const e = await v20.call("all.ext.get", {}).then(() => undefined, (err: unknown) => err) as WebApiError;
    await sim.faults.clear();
    assert.equal(e.code, "HTTP_500");
    const text = `${e.message} ${JSON.stringify(e)} ${e.stack}`;
    assert.ok(!text.includes(API_KEY) && !text.includes(token) && !text.includes(encodeURIComponent(API_KEY)), text);
    assert.match(e.message, /boom \*\*\* \*\*\* \*\*\*/);
  });

  it("version-gated: before 20.0.9 contact.find filters with contains(), and expires_in comes in minutes", async () => {
    await sim.close();
    sim = await startSimulator({ httpsPort: false, v20: { apiKey: API_KEY, version: "20.0.8.1109" } });
    const c = client();
    assert.deepEqual((await c.call("contact.find", { num: "+420774852529" })).data, { id: [1] });
    assert.equal(c.version, "20.0.8.1109");
    assert.ok(sim.requests.some((r) => r.params.$filter?.startsWith("contains(PhoneNumber,")));
    assert.ok(!sim.requests.some((r) => r.method.includes("GetContactsByNumber")));
    await sim.close();
    sim = await startSimulator({ httpsPort: false, v20: { apiKey: API_KEY }, callTiming: { ringMs: 60000 } });
  });

  it("close aborts and releases the shared token", async () => {
    const c = client({ clientId: "901" });
    const before = sharedTokenCount();
    c.close();
    assert.equal(sharedTokenCount(), before - 1);
    await assert.rejects(c.call("all.ext.get", {}), (e: WebApiError) => e.code === "ABORTED");
  });

  it("bad configuration is refused at construction, naming the field", () => {
    assert.throws(() => new V20Client({ fqdn: sim.httpUrl, clientId: "", accessKey: API_KEY }), /clientId is required/);
    assert.throws(() => new V20Client({ fqdn: sim.httpUrl, clientId: "9 0", accessKey: API_KEY }), /clientId must be/);
    assert.throws(() => new V20Client({ fqdn: sim.httpUrl, clientId: "900", accessKey: "" }), /API key is required/);
  });
});
