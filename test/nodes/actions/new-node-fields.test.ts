// A node as the palette creates it (every field at its editor default: `msg.payload.<param>` where a
// method of the node requires the parameter) resolves its parameters exactly as blank fields did
// (SPEC §4), through a real Node-RED runtime against the simulator: msg.payload's keys, the lone
// value of the sole required parameter, BAD_PARAM naming the field before any request, and a
// default Inject's timestamp refused as NOT_FOUND for a write.
import assert from "node:assert/strict";
import type { HomeNode } from "../../../src/catalog";
import { fieldDefault } from "../../../src/editor/action-spec";
import { fieldProp, fieldsOf, typeProp } from "../../../src/operations/offers";
import { loadAction, requestsOf, useSimulator, type HomeType } from "./support";

/** The fields of a new node of `home`, as the editor's defaults save them. */
function newNodeFields(home: HomeNode): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of fieldsOf(home)) {
    const d = fieldDefault(home, p);
    out[fieldProp(p.name)] = d.value;
    out[typeProp(p.name)] = d.type;
  }
  return out;
}

/** Per node: a method with one required parameter and a value the simulator has; a method and a whole payload for it. */
const CASES: { home: HomeNode; sole: [string, string, string | number]; two: [string, Record<string, string>] }[] = [
  { home: "call", sole: ["join", "num", "102"], two: ["makecall", { first: "102", second: "103" }] },
  { home: "ext", sole: ["ext.state.get", "num", "102"], two: ["ext.queueglobal.set", { num: "102", log: "on" }] },
  { home: "queue", sole: ["queue.members.get", "num", "802"], two: ["queue.agents.set", { num: "802", members: "101,102" }] },
  { home: "contact", sole: ["contact.get", "id", 4], two: ["contact.find", { num: "0123" }] },
  { home: "pbx", sole: ["extgroup.members.get", "name", "__DEFAULT__"], two: ["group.members.set", { num: "800", members: "101" }] },
];

describe("action nodes: a new node's fields (msg.payload.<param>) resolve as blank fields did", function () {
  const ctx = useSimulator(undefined, false);


  it("every field a method of the node requires starts as msg.payload.<param>; the others blank", () => {
    for (const { home } of CASES) {
      const fields = newNodeFields(home);
      for (const p of fieldsOf(home)) {
        const value = fields[fieldProp(p.name)];
        assert.ok(value === `payload.${p.name}` ? fields[typeProp(p.name)] === "msg" : value === "", `3cx-${home} ${p.name}`);
      }
      assert.ok(Object.values(fields).includes("msg"), `3cx-${home} has a required field`);
    }
  });

  for (const c of CASES) {
    const type = `3cx-${c.home}` as HomeType;
    describe(type, () => {
      const [method, param, value] = c.sole;
      const props = (m: string): Record<string, unknown> => ({ method: m, ...newNodeFields(c.home) });

      it(`${method}: a lone msg.payload is ${param}; msg.payload.${param} too`, async () => {
        const flow = await loadAction(type, ctx.sim, { props: props(method) });
        await flow.send({ payload: value });
        await flow.send({ payload: { [param]: value } });
        assert.deepEqual(requestsOf(ctx.sim, method), [{ [param]: String(value) }, { [param]: String(value) }]);
      });

      it(`${c.two[0]}: the keys of msg.payload fill the fields`, async () => {
        const [m, params] = c.two;
        const flow = await loadAction(type, ctx.sim, { props: props(m) });
        await flow.send({ payload: params });
        assert.deepEqual(requestsOf(ctx.sim, m), [params]);
      });

      it(`${c.two[0]}: a required value msg.payload lacks is BAD_PARAM naming it, nothing sent`, async () => {
        const [m, params] = c.two;
        const flow = await loadAction(type, ctx.sim, { props: props(m) });
        const [first, ...others] = Object.keys(params);
        const err = await flow.fail({ payload: Object.fromEntries(others.map((k) => [k, params[k]])) });
        assert.equal(err.code, "BAD_PARAM");
        assert.match(err.message, new RegExp(`${m.replace(/\./g, "\\.")}: ${first} is required`));
        assert.equal(ctx.sim.requests.length, 0, "nothing sent");
      });
    });
  }
});

describe("action nodes: a new node and a default Inject (strict simulator, Check numbers on)", function () {
  const ctx = useSimulator();

  it("ext.fwd.set with the Inject's timestamp as msg.payload: NOT_FOUND, nothing written", async () => {
    const flow = await loadAction("3cx-ext", ctx.sim, { props: { method: "ext.fwd.set", ...newNodeFields("ext") }, checkNumbers: true });
    const err = await flow.fail({ payload: 1796160691673 });
    assert.equal(err.code, "NOT_FOUND");
    assert.match(err.message, /1796160691673/);
    assert.deepEqual(requestsOf(ctx.sim, "ext.fwd.set"), []);
  });
});
