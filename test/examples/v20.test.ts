// The example flows on both interfaces: each example whose methods V20 supports, loaded as shipped,
// once against the simulator's WebAPI and once with its config node on the simulator's V20 API,
// driven the same way, must give the same msg.payload at its debug nodes (and the HTTP caller the
// same answer), and leave the PBX the same. Examples that use a method V20 cannot do say so with
// UNSUPPORTED, before anything is sent.
import assert from "node:assert/strict";
import { v20Support } from "../../src/backends";
import { offersOf } from "../../src/operations/offers";
import type { HomeNode } from "../../src/catalog";
import { sleep, until } from "../monitor/support";
import { exampleLabels, readExample, useExamples, type LoadedExample, type Msg } from "./support";

interface Case {
  /** Drives the loaded example; resolves with what a caller got (HTTP answers), if anything. */
  drive(ex: LoadedExample): Promise<unknown>;
  /** Debug nodes whose payloads are compared. */
  debugs: string[];
  /** The PBX facts the example changes, read after it ran. */
  facts(sim: ReturnType<typeof useExamples>["sim"]): unknown;
}

const CASES: Record<string, Case> = {
  "Everyone out of office at lunch": {
    async drive(ex) {
      ex.inject("12:00 lunch");
      await until(() => ex.messages("changed").length === 4, 5000, "four answers");
      ex.inject("13:00 back");
      await until(() => ex.messages("changed").length === 8, 5000, "four more");
    },
    debugs: ["changed"],
    facts: (sim) => [...sim.pbx.extensions.values()].map((e) => e.fwdName),
  },
  "Alarm calls the on-call phone": {
    async drive(ex) {
      ex.inject("alarm!");
      await until(() => ex.messages("call placed").length === 1, 5000, "the call");
      ex.inject("alarm!");
      await sleep(200);
    },
    debugs: ["call placed"],
    facts: (sim) => sim.pbx.calls.list().map((c) => [c.owner.dnNum, c.meta.party]),
  },
  "Phonebook sync from a CRM": {
    async drive(ex) {
      ex.inject("every night 02:00");
      await until(() => ex.messages("synced").length === 2, 5000, "two records synced");
    },
    debugs: ["synced"],
    facts: (sim) => [...sim.pbx.contacts.values()].map((c) => [c.id, c.name, c.lastName, c.company, c.phone, c.data5]),
  },
  "Click to call from a web request": {
    async drive(ex) {
      const res = await fetch(`${ex.url}/3cx/dial?ext=101&number=420774852529`);
      return [res.status, await res.json()];
    },
    debugs: ["calls made"],
    facts: (sim) => sim.pbx.calls.list().map((c) => [c.owner.dnNum, c.meta.party]),
  },
};

/** Every method an example's action nodes call (operations by their target and look-up). */
function methodsOf(label: string): string[] {
  return readExample(label).flatMap((n) => {
    if (!/^3cx-(call|ext|queue|contact|pbx)$/.test(n.type) || typeof n.method !== "string") return [];
    const offer = offersOf(n.type.slice(4) as HomeNode).find((o) => o.name === n.method);
    return offer ? [offer.target.name, ...(offer.operation?.lookup ? [offer.operation.lookup.method] : [])] : [];
  });
}

const sortedPayloads = (ex: LoadedExample, names: string[]): string[] =>
  names.flatMap((d) => ex.payloads(d).map((p) => JSON.stringify(p))).sort();

describe("example flows: the same payloads on the WebAPI and on V20", function () {
  this.timeout(30000);
  const ctx = useExamples();

  /** Examples whose methods V20 has, but with a parameter it has not: they answer UNSUPPORTED (tested below). */
  const PARAM_UNSUPPORTED = new Set(["Do not disturb during meetings"]);

  it("every inject- or HTTP-driven example with action nodes and only V20 methods has a case here", () => {
    for (const label of exampleLabels()) {
      const nodes = readExample(label);
      const methods = methodsOf(label);
      const driven = nodes.some((n) => n.type === "inject" || n.type === "http in") && !nodes.some((n) => n.type === "3cx-monitor");
      if (methods.length > 0 && driven && methods.every((m) => v20Support(m) !== "unsupported")) assert.ok(CASES[label] || PARAM_UNSUPPORTED.has(label), label);
    }
  });

  for (const [label, c] of Object.entries(CASES)) {
    it(`${label}: the same msg.payload, answer and PBX state on both interfaces`, async () => {
      const runs: Array<{ payloads: string[]; answer: unknown; facts: unknown; apis: unknown[] }> = [];
      for (const api of ["webapi", "v20"] as const) {
        await ctx.sim.reset();
        const ex = await ctx.load(label, { api });
        const answer = await c.drive(ex);
        const msgs: Msg[] = c.debugs.flatMap((d) => ex.messages(d));
        assert.deepEqual(ex.errors, [], `${api}: no node reported an error`);
        runs.push({ payloads: sortedPayloads(ex, c.debugs), answer, facts: c.facts(ctx.sim), apis: [...new Set(msgs.map((m) => (m.threecx as Msg | undefined)?.api))] });
        await ctx.unloadExample();
      }
      assert.deepEqual(runs[0].apis, ["webapi"]);
      assert.deepEqual(runs[1].apis, ["v20"]);
      assert.deepEqual(runs[1].payloads, runs[0].payloads);
      assert.deepEqual(runs[1].answer, runs[0].answer);
      assert.deepEqual(runs[1].facts, runs[0].facts);
    });
  }

  it("Do not disturb during meetings on V20: the custom message has no V20 equivalent: UNSUPPORTED to the caller, nothing written", async () => {
    const ex = await ctx.load("Do not disturb during meetings", { api: "v20" });
    const res = await fetch(`${ex.url}/3cx/meeting`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ ext: "101", meeting: true }) });
    const body = (await res.json()) as { code: string; error: string };
    assert.equal(body.code, "UNSUPPORTED");
    assert.match(body.error, /message has no equivalent on the 3CX V20 API/);
    assert.equal(ctx.sim.pbx.extensions.get("101")?.fwdName, "Available");
    assert.equal(ctx.sim.requests.filter((r) => r.httpMethod === "PATCH").length, 0);
    ex.errors.length = 0;
  });

  it("an example using a method V20 cannot do fails with UNSUPPORTED and sends nothing (Queue login: per-queue login)", async () => {
    const ex = await ctx.load("Queue login and logout from a button", { api: "v20" });
    const before = ctx.sim.requests.filter((r) => r.httpMethod !== "GET").length;
    const login = ex.nodes.find((n) => n.type === "inject" && /log ?in/i.test(String(n.name)));
    assert.ok(login, "the example has a login button");
    ex.inject(String(login.name));
    await until(() => ex.errors.some((e) => /ext\.queue\.set is not available on the 3CX V20 API/.test(e)), 5000, "the UNSUPPORTED error");
    assert.equal(ctx.sim.requests.filter((r) => r.httpMethod !== "GET").length, before);
    ex.errors.length = 0;
  });
});
