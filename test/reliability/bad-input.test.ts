// Bad input, generated with fast-check (fixed seeds: the same inputs every run). Three levels:
// the parameter resolver for every offer of every node; the client's wire encoding against the
// simulator; and every node's input through Node-RED against the simulator. An "escape" is an
// uncaught throw, an unhandled rejection, a message that never ends, an error without one of the
// documented codes, a request sent on a validation failure, a value that arrives changed (sent
// unencoded), or a parameter that is not the method's (injected).
import assert from "node:assert/strict";
import fc from "fast-check";
import { METHODS } from "../../src/catalog";
import { WebApiClient, WebApiError } from "../../src/client";
import { DIRECTORY_LISTS } from "../../src/directory";
import { ParamError, resolveParams } from "../../src/resolver";
import { startSimulator, type Simulator } from "../../src/simulator";
import { offersOf, toTargetParams, type Offer } from "../../src/operations/offers";
import { HOMES, PARAM_NAMES, method, payload, value } from "./inputs";
import { KEY, helper, leaks, loadFlow, secretForms, useRejectionCounter, type CaughtError, type NodeSpec, type Probe } from "./support";

const DOCUMENTED = /^(BAD_PARAM|BAD_CONFIG|AUTH|TIMEOUT|UNREACHABLE|TLS|BAD_RESPONSE|REFUSED|PBX_ERROR|NOT_FOUND|ABORTED|NO_DEVICE|HTTP_\d{3})$/;
const LIST_METHODS = new Set(Object.values(DIRECTORY_LISTS).map((l) => l.method));
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const ALL_OFFERS: readonly Offer[] = HOMES.flatMap((h) => offersOf(h));

const pollutionFree = (): boolean => {
  const probe = {} as Record<string, unknown>;
  return probe.polluted === undefined && probe.num === undefined && Object.keys(Object.prototype).length === 0;
};

/** Nodes under test: each home with "set by msg.method", and two with fixed methods whose fields read the msg. */
interface InputNode extends NodeSpec {
  home: (typeof HOMES)[number];
  fixed?: string;
  /** The evaluated editor fields, as the node will read them from this msg. */
  fields(msg: Record<string, unknown>): Record<string, unknown>;
}

const payloadProp = (msg: Record<string, unknown>, k: string): unknown => {
  const p = msg.payload;
  return typeof p === "object" && p !== null ? (p as Record<string, unknown>)[k] : undefined;
};

const INPUT_NODES: readonly InputNode[] = [
  ...HOMES.map((home) => ({ id: home, type: `3cx-${home}`, home, props: { method: "" }, fields: () => ({}) })),
  {
    id: "extFixed", type: "3cx-ext", home: "ext", fixed: "ext.fwd.set",
    props: { method: "ext.fwd.set", p_num: "num", p_numType: "msg", p_status: "status", p_statusType: "msg" },
    fields: (msg) => ({ num: msg.num, status: msg.status }),
  },
  {
    id: "queueFixed", type: "3cx-queue", home: "queue", fixed: "queue.agents.set",
    props: { method: "queue.agents.set", p_num: "802", p_numType: "str", p_members: "payload.members", p_membersType: "msg" },
    fields: (msg) => ({ num: "802", members: payloadProp(msg, "members") }),
  },
];

/** What the node must do with msg: refuse it before any request, or send exactly these params. */
function expectation(n: InputNode, msg: Record<string, unknown>): { refuse: true } | { offer: Offer; params: Record<string, string> } {
  const name = n.fixed ?? msg.method;
  const offer = typeof name === "string" && name !== "" ? offersOf(n.home).find((o) => o.name === name) : undefined;
  if (!offer) return { refuse: true };
  try {
    return { offer, params: toTargetParams(offer, resolveParams(offer.view, n.fields(msg), msg.payload)) };
  } catch (e) {
    if (e instanceof ParamError) return { refuse: true };
    throw e;
  }
}

describe("reliability: bad input (fast-check)", function () {
  this.timeout(120000);
  const rejections = useRejectionCounter();
  const figure = { inputs: 0, escapes: 0 };
  let sim: Simulator;

  before(async () => {
    await helper.startServer();
    sim = await startSimulator({ httpsPort: false, accessKey: KEY, callTiming: { ringMs: 50, talkMs: 100 } });
  });
  afterEach(async () => {
    await helper.unload();
  });
  after(async () => {
    await sim?.close();
    await helper.stopServer();
    console.log(`      figure: bad input: ${figure.inputs} inputs, ${figure.escapes} escapes`);
  });

  /** Runs one check; an assertion failure counts as an escape and fails the property. */
  function escapeIf(cond: boolean, what: string): void {
    if (cond) {
      figure.escapes++;
      assert.fail(what);
    }
  }

  it("the resolver: random node values and payloads for every offer → its own parameters as clean wire text, or a ParamError naming the field", () => {
    fc.assert(
      fc.property(fc.constantFrom(...ALL_OFFERS), fc.dictionary(fc.constantFrom(...PARAM_NAMES), value, { maxKeys: 4 }), payload, (offer, nodeValues, pl) => {
        figure.inputs++;
        let out: Record<string, string>;
        try {
          out = resolveParams(offer.view, nodeValues, pl);
        } catch (e) {
          escapeIf(!(e instanceof ParamError), `${offer.name}: threw ${String(e)}`);
          const pe = e as ParamError;
          escapeIf(!pe.message.includes(pe.field) || pe.message.length > 400, `${offer.name}: unclear error ${pe.message.slice(0, 100)}`);
          return;
        }
        const names = new Set(offer.view.params.map((p) => p.name));
        for (const [k, v] of Object.entries(out)) {
          escapeIf(!names.has(k), `${offer.name}: ${k} is not one of its parameters`);
          escapeIf(typeof v !== "string" || v === "" || CONTROL.test(v) || v.length > 4096, `${offer.name}.${k}: not clean wire text`);
          escapeIf(decodeURIComponent(encodeURIComponent(v)) !== v, `${offer.name}.${k}: does not survive encoding`);
        }
        for (const p of offer.view.params) if (p.required) escapeIf(!(p.name in out), `${offer.name}: required ${p.name} missing`);
      }),
      { numRuns: 20000, seed: 7001 },
    );
    assert.ok(pollutionFree(), "Object.prototype was polluted");
  });

  it("the client: random wire values reach the PBX intact and alone (nothing injected, nothing unencoded)", async () => {
    const client = new WebApiClient({ fqdn: sim.httpUrl, accessKey: KEY, retries: 0, timeout: 3000 });
    const valueText = fc.oneof(fc.string({ unit: "binary", maxLength: 40 }), fc.constantFrom("a&b=c", "&num=9", "x#y", "?q", "%", "%2B", "+", " ", "/", "..", "\uD800"));
    const withParams = fc.constantFrom(...METHODS.filter((m) => m.params.length > 0 && m.kind === "read"))
      .chain((m) => fc.record(Object.fromEntries(m.params.map((p) => [p.name, valueText]))).map((params) => ({ m, params: { ...params } as Record<string, string> })));
    try {
      await fc.assert(
        fc.asyncProperty(withParams, async ({ m, params }) => {
          figure.inputs++;
          const before = sim.requests.length;
          try {
            await client.call(m, params);
          } catch (e) {
            escapeIf(!(e instanceof WebApiError) || !DOCUMENTED.test(e.code), `${m.name}: ${String(e)}`);
            if ((e as WebApiError).code === "BAD_PARAM") {
              escapeIf(sim.requests.length !== before, `${m.name}: a request was sent for a value the client refused`);
              return;
            }
          }
          const sent = sim.requests.slice(before);
          escapeIf(sent.length !== 1, `${m.name}: ${sent.length} requests`);
          escapeIf(sent[0].method !== m.name, `${m.name}: arrived as ${sent[0].method}`);
          assert.deepEqual(sent[0].params, params, `${m.name}: the values arrived changed or with others`);
        }),
        { numRuns: 1500, seed: 7002 },
      );
    } finally {
      client.close();
    }
  });

  it("every action node's input through Node-RED: the PBX sees only the method's own parameters, exactly as resolved, and nothing on a refusal", async () => {
    const probe: Probe = await loadFlow({ fqdn: sim.httpUrl, timeout: 3000, nodes: [...INPUT_NODES] });
    const unhandledBefore = rejections.count;
    let n = 0;
    const tally = new Map<string, number>();
    const msgArb = fc.constantFrom(...INPUT_NODES).chain((node) => fc.record({
      node: fc.constant(node),
      method: fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...offersOf(node.home).map((o) => o.name)) }, { weight: 1, arbitrary: method }),
      payload, num: value, status: value,
    }));
    await fc.assert(
      fc.asyncProperty(msgArb, async ({ node, method: m, payload: pl, num, status }) => {
        if (++n % 250 === 0) await sim.reset();
        figure.inputs++;
        const msg: Record<string, unknown> = { method: m, payload: pl, num, status };
        const want = expectation(node, msg);
        const before = sim.requests.length;
        let outcome;
        try {
          outcome = await probe.send(node.id, msg, 10000);
        } catch (e) {
          escapeIf(true, `${node.id}: ${String(e)}`);
          return;
        }
        const sent = sim.requests.slice(before);
        const err = outcome.ok ? undefined : (outcome as { error: CaughtError }).error;
        const label = outcome.ok ? "output" : String(err?.code);
        tally.set(label, (tally.get(label) ?? 0) + 1);
        escapeIf(err !== undefined && !DOCUMENTED.test(err.code ?? ""), `${node.id}: undocumented error ${err?.code}: ${err?.message.slice(0, 200)}`);
        if ("refuse" in want) {
          escapeIf(outcome.ok || err?.code !== "BAD_PARAM", `${node.id}: expected BAD_PARAM, got ${outcome.ok ? "an output" : err?.code}`);
          escapeIf(sent.length > 0, `${node.id}: ${sent.length} request(s) sent on a validation failure`);
          return;
        }
        escapeIf(err?.code === "BAD_PARAM", `${node.id}: refused valid input: ${err?.message.slice(0, 200)}`);
        const target = want.offer.target;
        const lookup = want.offer.operation?.lookup;
        const allowed = new Set(target.params.map((p) => p.name));
        // "Check numbers" is on (the default): the directory's list reads may go first; a number
        // the lists lack is NOT_FOUND with the target never sent.
        escapeIf(err?.code === "NOT_FOUND" && sent.some((r) => r.method === target.name), `${node.id}: ${target.name} sent despite NOT_FOUND`);
        for (const r of sent) {
          if (lookup && r.method === lookup.method) continue;
          if (LIST_METHODS.has(r.method)) continue;
          escapeIf(r.method !== target.name, `${node.id}: sent ${r.method}, expected ${target.name}`);
          for (const k of Object.keys(r.params)) escapeIf(!allowed.has(k), `${node.id}: injected parameter ${k}`);
          for (const [k, v] of Object.entries(want.params)) escapeIf(r.params[k] !== v, `${node.id}: ${k} arrived as ${JSON.stringify(r.params[k])?.slice(0, 60)}, sent ${JSON.stringify(v).slice(0, 60)}`);
        }
        escapeIf(sent.filter((r) => r.method === target.name).length > 1, `${node.id}: ${target.name} sent more than once`);
      }),
      { numRuns: 4000, seed: 7003 },
    );
    console.log(`        outcomes: ${[...tally].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`).join(", ")}`);
    assert.ok((tally.get("output") ?? 0) > 200 && (tally.get("BAD_PARAM") ?? 0) > 200, "both sides of validation are exercised");
    assert.equal(rejections.count, unhandledBefore, `unhandled rejections: ${rejections.reasons.join("; ")}`);
    assert.ok(pollutionFree(), "Object.prototype was polluted");
    assert.deepEqual(leaks(probe.allText(), secretForms(KEY)), []);
  });

  it("the monitor's input: any message gives a snapshot, nothing breaks the loop", async () => {
    const probe = await loadFlow({ fqdn: sim.httpUrl, nodes: [{ id: "mon", type: "3cx-monitor", props: { source: "poll", interval: 3600, extensions: "102" } }] });
    await fc.assert(
      fc.asyncProperty(fc.record({ method, payload, topic: value }), async (msg) => {
        figure.inputs++;
        const o = await probe.send("mon", msg, 5000);
        escapeIf(!o.ok || o.msg.topic !== "snapshot", `monitor: ${o.ok ? String(o.msg.topic) : (o as { error: CaughtError }).error.message}`);
      }),
      { numRuns: 300, seed: 7004 },
    );
    assert.equal(probe.errors.length, 0);
  });
});
