// Writes change what reads return: the simulator is a stateful PBX, not canned answers.
import assert from "node:assert/strict";
import { startSimulator, type Simulator } from "../../src/simulator";
import { call } from "./helpers";

describe("simulator: writes change reads", () => {
  let sim: Simulator;
  const get = async (method: string, params: Record<string, string> = {}) => {
    const res = await call(sim, method, params);
    assert.equal(res.status, 200, `${method}: ${res.text}`);
    return res.json as Record<string, unknown>;
  };
  const members = async (method: string, num: string) =>
    ((await get(method, { num })).members as Array<{ num: string; loggedIn: boolean }>).map((m) => `${m.num}:${m.loggedIn}`);

  before(async () => {
    sim = await startSimulator({ httpsPort: false });
  });
  after(() => sim.close());
  beforeEach(() => sim.reset());

  it("ext.fwd.set switches the forwarding profile and keeps the status message", async () => {
    await get("ext.fwd.set", { num: "102", status: "Out of office", message: "At lunch" });
    assert.equal((await get("ext.state.get", { num: "102" })).fwdName, "Out of office");
    assert.equal(sim.pbx.extensions.get("102")?.statusMessage, "At lunch");
    // DND makes 102 unavailable to its queues.
    assert.deepEqual(await get("queue.free.get", { num: "804" }), { count: 0, members: [] });
    assert.deepEqual(await get("queue.isfree.get", { num: "802" }), { result: false });
  });

  it("ext.queue.set changes the login seen by ext.state.get and by queue.members.get", async () => {
    await get("ext.queue.set", { num: "102", queue: "802", log: "off" });
    assert.deepEqual(await members("queue.members.get", "802"), ["102:false", "104:false"]);
    await get("ext.queue.set", { num: "104", queue: "802", log: "on" });
    assert.deepEqual(await members("queue.members.get", "802"), ["102:false", "104:true"]);
    const state = await get("ext.state.get", { num: "104" });
    assert.deepEqual(state.qStatus, [{ num: "802", status: true }]);
    assert.deepEqual(await members("queue.free.get", "802"), ["104:true"]);
  });

  it("ext.queueglobal.set logs an agent out of every queue and back into the ones it was in", async () => {
    await get("ext.queueglobal.set", { num: "102", log: "off" });
    const off = await get("ext.state.get", { num: "102" });
    assert.equal(off.qGlobalStatus, false);
    assert.deepEqual(await members("queue.members.get", "804"), ["102:false", "103:false"]);
    assert.deepEqual(await get("queue.isfree.get", { num: "804" }), { result: false });
    await get("ext.queueglobal.set", { num: "102", log: "on" });
    // Back in 804 (its own flag is on); 802 follows 102's own flag (off) now.
    assert.deepEqual(await members("queue.members.get", "804"), ["102:true", "103:false"]);
    assert.deepEqual(await members("queue.members.get", "802"), ["102:false", "104:false"]);
  });

  it("queue.new / update / agents.set / managers.set / del", async () => {
    await get("queue.new", { num: "813", name: "API Queue", pollingstrategy: "1" });
    assert.deepEqual((await get("all.queue.get")).nums, ["820", "802", "804", "813"]);
    await get("queue.update", { num: "813", name: "Renamed", ringtimeout: "15" });
    const q = sim.pbx.queues.get("813");
    assert.equal(q?.name, "Renamed");
    assert.equal(q?.settings.ringtimeout, 15);
    assert.equal(q?.settings.pollingstrategy, 1);
    await get("queue.agents.set", { num: "813", members: "101,103" });
    await get("queue.managers.set", { num: "813", managers: "105" });
    assert.deepEqual(await members("queue.members.get", "813"), ["101:true", "103:true"]);
    assert.deepEqual(sim.pbx.queues.get("813")?.managers, ["105"]);
    assert.deepEqual((await get("ext.state.get", { num: "101" })).qStatus, [{ num: "820", status: true }, { num: "813", status: true }]);
    await get("queue.del", { num: "813" });
    assert.deepEqual((await get("all.queue.get")).nums, ["820", "802", "804"]);
    assert.equal((await call(sim, "queue.members.get", { num: "813" })).status, 404);
  });

  it("ext.new / update / options.set / del", async () => {
    await get("ext.new", { num: "300" });
    assert.ok(((await get("all.ext.get")).nums as string[]).includes("300"));
    await get("ext.update", { num: "300", firstname: "Ada", lastname: "Lovelace", email: "ada@example.com", recordcalls: "1", internal: "1", vmpin: "1234" });
    assert.deepEqual(await get("ext.info.get", { num: "300" }), {
      num: "300", name: "Ada", lastname: "Lovelace", email: "ada@example.com", mobile: "",
      enabled: true, externalCalls: false, recordType: "All",
    });
    await get("ext.options.set", { num: "300", enabled: "off", external: "on", recording: "external" });
    const info = await get("ext.info.get", { num: "300" });
    assert.deepEqual([info.enabled, info.externalCalls, info.recordType], [false, true, "External"]);
    assert.equal((await get("ext.state.get", { num: "300" })).registered, false);
    await get("ext.del", { num: "300" });
    assert.ok(!((await get("all.ext.get")).nums as string[]).includes("300"));
    assert.equal((await call(sim, "ext.info.get", { num: "300" })).status, 404);
  });

  it("ext.del removes the extension from queues and groups", async () => {
    await get("ext.del", { num: "102" });
    assert.deepEqual(await members("queue.members.get", "802"), ["104:false"]);
    assert.deepEqual((await get("extgroup.members.get", { name: "__DEFAULT__" })).members, ["101", "520"]);
    assert.deepEqual((await get("all.registered.get")).nums, ["100", "101"]);
  });

  it("group.members.set replaces a ring group's members", async () => {
    await get("group.members.set", { num: "803", members: "521,522,106" });
    assert.deepEqual(await get("group.members.get", { num: "803" }), { count: 3, members: ["521", "522", "106"] });
    // 522 is in DND.
    assert.deepEqual(await get("group.free.get", { num: "803" }), { count: 2, members: ["521", "106"] });
  });

  it("contact.new / get / update / del, with the lowest free id", async () => {
    assert.deepEqual(await get("contact.new", { firstname: "Ann", lastname: "Lee", phone: "+49 89 7654 3210" }), { id: 5 });
    assert.deepEqual(await get("contact.new", { firstname: "Bob" }), { id: 8 });
    const ann = await get("contact.get", { id: "5" });
    assert.deepEqual([ann.name, ann.lastName, ann.phone, ann.company], ["Ann", "Lee", "+49 89 7654 3210", ""]);
    await get("contact.update", { id: "5", company: "Lee Inc" });
    const updated = await get("contact.get", { id: "5" });
    assert.deepEqual([updated.name, updated.company], ["Ann", "Lee Inc"]);
    assert.deepEqual(await get("contact.find", { num: "4989 76543210" }), { id: [5] });
    await get("contact.del", { id: "5" });
    assert.equal((await call(sim, "contact.get", { id: "5" })).status, 404);
  });

  it("reset brings the seed back", async () => {
    await get("ext.fwd.set", { num: "102", status: "Away" });
    await sim.reset();
    assert.equal((await get("ext.state.get", { num: "102" })).fwdName, "Available");
  });
});

describe("simulator: contact.find matching rules", () => {
  let sim: Simulator;
  const find = async (num: string, minLen?: number) => {
    const res = await call(sim, "contact.find", minLen === undefined ? { num } : { num, min_len: String(minLen) });
    assert.equal(res.status, 200, res.text);
    return (res.json as { id: number[] }).id;
  };

  before(async () => {
    sim = await startSimulator({ httpPort: 0, httpsPort: false });
    sim.pbx.contacts.clear();
    sim.pbx.addContact({ name: "Exact", phone: "997" });           // id 1
    sim.pbx.addContact({ name: "Long", data3: "420222000997" });   // id 2
    sim.pbx.addContact({ name: "Other", data1: "+420 774 000 997" }); // id 3
    sim.pbx.addContact({ name: "Tail", data0: "5551234" });        // id 4
    sim.pbx.addContact({ name: "Mail", data5: "997" });            // id 5: e-mail is not a number field
  });
  after(() => sim.close());

  it("returns exact matches first, and only them", async () => {
    assert.deepEqual(await find("997", 3), [1]);
  });

  it("falls back to entries ending with the number (punctuation ignored)", async () => {
    assert.deepEqual(await find("000997", 3), [2, 3]);
    assert.deepEqual(await find("+420-222-000-997"), [2]);
  });

  it("then to the longest common tail of at least min_len digits", async () => {
    assert.deepEqual(await find("9991234", 4), [4]);
    assert.deepEqual(await find("9991234", 5), []);
    assert.deepEqual(await find("111000997", 6), [2, 3]);
  });

  it("counts only exact matches when min_len exceeds the number's length", async () => {
    assert.deepEqual(await find("00997", 6), []);
    assert.deepEqual(await find("997", 4), [1]);
  });

  it("finds nothing for an unknown number or no digits", async () => {
    assert.deepEqual(await find("123456", 2), []);
    assert.deepEqual(await find("abc"), []);
  });
});

describe("simulator: strict mode (the default)", () => {
  let sim: Simulator;
  before(async () => {
    sim = await startSimulator({ httpsPort: false });
  });
  after(() => sim.close());

  it("answers 404 to a write or call control naming an unknown queue or extension, 409 to creating an existing one", async () => {
    const agents = await call(sim, "queue.agents.set", { num: "808", members: "101" });
    assert.deepEqual([agents.status, agents.json], [404, { error: "Unknown queue 808" }]);
    assert.equal((await call(sim, "ext.update", { num: "301", firstname: "X" })).status, 404);
    assert.deepEqual((await call(sim, "ext.fwd.set", { num: "999", status: "Away" })).json, { error: "Unknown extension 999" });
    assert.deepEqual((await call(sim, "makecall", { first: "999", second: "101" })).json, { error: "Unknown number 999" });
    assert.equal((await call(sim, "drop", { num: "999" })).status, 404);
    const exists = await call(sim, "ext.new", { num: "101" });
    assert.deepEqual([exists.status, exists.json], [409, { error: "extension 101 already exists" }]);
  });

  it("acknowledges exactly the seed's own contradictions (queues 807, 813, extension 300, contact 5, ext.new 100), changing nothing", async () => {
    assert.deepEqual((await call(sim, "queue.agents.set", { num: "807", members: "101" })).json, { result: true });
    assert.deepEqual((await call(sim, "ext.update", { num: "300", firstname: "X" })).json, { result: "Update extension" });
    assert.deepEqual((await call(sim, "contact.del", { id: "5" })).json, { result: "Delete contact" });
    assert.deepEqual((await call(sim, "ext.new", { num: "100" })).json, { result: "Create extension" });
    assert.deepEqual((await call(sim, "all.queue.get")).json, { nums: ["820", "802", "804"] });
  });

  it("lenient on request: the same writes are acknowledged", async () => {
    const lenient = await startSimulator({ httpsPort: false, strict: false });
    try {
      assert.deepEqual((await call(lenient, "queue.agents.set", { num: "808", members: "101" })).json, { result: true });
      assert.deepEqual((await call(lenient, "ext.fwd.set", { num: "999" })).json, { result: true });
      assert.deepEqual((await call(lenient, "all.queue.get")).json, { nums: ["820", "802", "804"] });
    } finally {
      await lenient.close();
    }
  });
});
