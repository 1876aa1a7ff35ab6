// The example flows that act on the PBX, each loaded as shipped into a real Node-RED runtime
// against the simulator, triggered the way a user would (an inject button, an HTTP request) and
// checked by what reaches their debug nodes, what the HTTP caller gets and how the PBX changed.
import assert from "node:assert/strict";
import type { Simulator } from "../../src/simulator";
import { sleep, until } from "../monitor/support";
import { useExamples, type LoadedExample, type Msg } from "./support";

describe("example flows: actions", function () {
  const ctx = useExamples();
  let ex: LoadedExample;
  let sim: Simulator;
  beforeEach(() => {
    sim = ctx.sim;
  });

  const calls = (method: string) => sim.requests.filter((r) => r.method === method);
  const profile = (num: string) => sim.pbx.extensions.get(num)?.fwdName;

  it("Everyone out of office at lunch: 12:00 sets four extensions Out of office, 13:00 back to Available", async () => {
    ex = await ctx.load("Everyone out of office at lunch");
    ex.inject("12:00 lunch");
    await until(() => ex.messages("changed").length === 4, 5000, "four answers");
    assert.deepEqual(["100", "101", "102", "103"].map(profile), Array(4).fill("Out of office"));
    assert.deepEqual(ex.payloads("changed").map((p) => p), Array(4).fill({ result: true }));
    assert.deepEqual(ex.messages("changed").map((m) => (m.threecx as { params: Msg }).params).sort((a, b) => String(a.num).localeCompare(String(b.num))),
      ["100", "101", "102", "103"].map((num) => ({ num, status: "Out of office" })));
    ex.inject("13:00 back");
    await until(() => ex.messages("changed").length === 8, 5000, "four more answers");
    assert.deepEqual(["100", "101", "102", "103"].map(profile), Array(4).fill("Available"));
    assert.equal(profile("104"), "Available", "an extension not in the list is untouched");
  });

  it("Do not disturb during meetings: POST /3cx/meeting switches the profile and message; a bad request gets 400", async () => {
    ex = await ctx.load("Do not disturb during meetings");
    const post = (body: unknown) => fetch(`${ex.url}/3cx/meeting`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    const start = await post({ ext: "101", meeting: true });
    assert.equal(start.status, 200);
    assert.deepEqual(await start.json(), { result: true });
    assert.equal(profile("101"), "Out of office");
    assert.equal(sim.pbx.extensions.get("101")?.statusMessage, "In a meeting");
    const end = await post({ ext: "101", meeting: false });
    assert.equal(end.status, 200);
    assert.equal(profile("101"), "Available");
    const writes = calls("ext.fwd.set").length;
    const bad = await post({ meeting: true });
    assert.equal(bad.status, 400);
    const reason = (await bad.json()) as { error: string; code: string };
    assert.equal(reason.code, "BAD_PARAM");
    assert.match(reason.error, /\bnum\b/);
    assert.equal(calls("ext.fwd.set").length, writes, "nothing is sent for a bad request");
    ex.errors.length = 0; // the bad request's error is expected (the Catch node answered it)
  });

  it("Queue login and logout from a button: the agent's LED follows queue.members.get", async () => {
    ex = await ctx.load("Queue login and logout from a button");
    ex.inject("button: log in");
    await until(() => ex.messages("LED").length === 1, 5000, "LED after login");
    assert.deepEqual(ex.messages("LED").map((m) => [m.topic, m.payload]), [["104", "green"]]);
    assert.deepEqual(sim.pbx.queues.get("802")?.agents.find((a) => a.num === "104")?.loggedIn, true);
    assert.deepEqual(calls("ext.queue.set").map((r) => r.params), [{ num: "104", queue: "802", log: "on" }]);
    ex.inject("button: log out");
    await until(() => ex.messages("LED").length === 2, 5000, "LED after logout");
    assert.equal(ex.messages("LED")[1].payload, "off");
    assert.deepEqual(sim.pbx.queues.get("802")?.agents.find((a) => a.num === "104")?.loggedIn, false);
  });

  it("Click to call from a web request: GET /3cx/dial rings the extension, then the number; 400 names the missing field", async () => {
    ex = await ctx.load("Click to call from a web request");
    const ok = await fetch(`${ex.url}/3cx/dial?ext=101&number=420774852529`);
    assert.equal(ok.status, 200);
    assert.deepEqual(await ok.json(), { first: "101", second: "420774852529" });
    assert.deepEqual(calls("makecall").map((r) => r.params), [{ first: "101", second: "420774852529" }]);
    assert.equal(ex.messages("calls made").length, 1);
    const bad = await fetch(`${ex.url}/3cx/dial?ext=101`);
    assert.equal(bad.status, 400);
    const reason = (await bad.json()) as { error: string; code: string };
    assert.equal(reason.code, "BAD_PARAM");
    assert.match(reason.error, /\bsecond\b/);
    // A value cannot add a parameter: it travels URL-encoded as one value.
    const sneaky = await fetch(`${ex.url}/3cx/dial?ext=101&number=${encodeURIComponent("555&first=999")}`);
    assert.equal(sneaky.status, 200);
    assert.deepEqual(calls("makecall").map((r) => r.params).at(-1), { first: "101", second: "555&first=999" });
    assert.equal(calls("makecall").length, 2, "the bad request sent nothing");
    ex.errors.length = 0;
  });

  it("Wallboard of queues and calls: GET /3cx/wallboard shows the active calls and the queue's agents", async () => {
    ex = await ctx.load("Wallboard of queues and calls");
    const res = await fetch(`${ex.url}/3cx/wallboard`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type") ?? "", /^text\/html/);
    const html = await res.text();
    assert.match(html, /Active calls: 2</);
    assert.match(html, /Call 46874: Talking/);
    assert.match(html, /102 Tom Smith: logged in/);
    assert.match(html, /104 Alex Mulder: logged out/);
  });

  it("PBX health and license check: the license answer becomes \"license valid for N more days\", with the figures in msg.license", async () => {
    ex = await ctx.load("PBX health and license check");
    ex.inject("every hour");
    await until(() => ex.messages("license").length >= 1, 5000, "license info");
    const [m] = ex.messages("license");
    const p = m.license as { product: string; version: string; daysLeft: number; concurrentCalls: number };
    assert.equal(m.topic, "license.ok");
    assert.equal(p.product, "3CX REST API");
    assert.equal(p.concurrentCalls, 16);
    const expected = Math.floor((new Date(2031, 4, 2).getTime() - Date.now()) / 86400000);
    assert.ok(Math.abs(p.daysLeft - expected) <= 1, `daysLeft ${p.daysLeft}, expected about ${expected}`);
    // What the debug sidebar and the node's status show: a sentence, not a cut-off object.
    assert.equal(m.payload, `license valid for ${p.daysLeft} more days`);
  });

  it("Alarm calls the on-call phone: one makecall, however often the alarm fires within 5 minutes", async () => {
    ex = await ctx.load("Alarm calls the on-call phone");
    ex.inject("alarm!");
    await until(() => ex.messages("call placed").length === 1, 5000, "the call");
    ex.inject("alarm!");
    ex.inject("alarm!");
    await sleep(200);
    assert.deepEqual(calls("makecall").map((r) => r.params), [{ first: "800", second: "420774852529" }]);
    assert.deepEqual(ex.payloads("call placed"), [{ first: "800", second: "420774852529" }]);
  });

  it("Phonebook sync from a CRM: a known number is updated, a new one created", async () => {
    ex = await ctx.load("Phonebook sync from a CRM");
    ex.inject("every night 02:00");
    await until(() => ex.messages("synced").length === 2, 5000, "two records synced");
    const byMethod = Object.fromEntries(ex.messages("synced").map((m) => [(m.threecx as { method: string }).method, m.payload]));
    assert.deepEqual(byMethod, { "contact.update": { result: "Update contact" }, "contact.new": { id: 5 } });
    assert.equal(calls("contact.update")[0].params.id, "1");
    const ada = sim.pbx.contacts.get(5);
    assert.deepEqual([ada?.name, ada?.lastName, ada?.company, ada?.phone, ada?.data5], ["Ada", "Lovelace", "Analytical Engines", "442071234567", "ada@example.com"]);
    assert.equal(sim.pbx.contacts.get(1)?.data5, "john.doe@example.com");
  });

  it("On-call forwarding after hours: 18:00 sets 106's mobile from the rota and forwards; 08:00 back", async () => {
    ex = await ctx.load("On-call forwarding after hours");
    ex.inject("18:00 after hours");
    await until(() => ex.messages("forwarding").length === 1, 5000, "forwarding set");
    const ext = sim.pbx.extensions.get("106");
    const rota: Record<string, string> = { Anna: "420774000100", Peter: "420774000101", Tom: "420774000102" };
    const who = /^On call: (\w+)$/.exec(ext?.statusMessage ?? "")?.[1] ?? "";
    assert.ok(who in rota, `status message "${ext?.statusMessage}"`);
    assert.equal(ext?.mobile, rota[who], "the mobile of the person named in the message");
    assert.equal(ext?.fwdName, "Away");
    ex.inject("08:00 office hours");
    await until(() => ex.messages("forwarding").length === 2, 5000, "back");
    assert.equal(sim.pbx.extensions.get("106")?.fwdName, "Available");
  });
});
