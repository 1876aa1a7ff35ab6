// The access key never leaves the config node: with a distinctive key, every error path of the
// action nodes is run and everything they produce is scanned — Catch messages (with the error's
// stack), output messages, statuses, warnings, node.error calls and every Node-RED log line.
import assert from "node:assert/strict";
import { inspect } from "node:util";
import type { Fault } from "../../../src/simulator";
import { helper, loadAction, useSimulator, type Flow, type HomeType } from "./support";

const KEY = "Zq7-S3cr3t+k3y/9x=Wv";
const WRONG_KEY = "Yp4-N0tTh3+k3y/2u=Lm";
const FORMS = [KEY, WRONG_KEY].flatMap((k) => [k, encodeURIComponent(k), encodeURIComponent(k).toLowerCase()]);

interface Path {
  name: string;
  type: HomeType;
  msg: Record<string, unknown>;
  fault?: Fault;
  wrongKey?: boolean;
  timeout?: number;
  code: string;
}

const JSON_CT = "application/json";
const PATHS: Path[] = [
  { name: "wrong key", type: "3cx-ext", msg: { method: "ext.state.get", payload: "102" }, wrongKey: true, code: "AUTH" },
  { name: "key refused", type: "3cx-pbx", msg: { method: "info" }, fault: { refuseKey: true }, code: "AUTH" },
  { name: "HTTP 500 echoing the key", type: "3cx-ext", msg: { method: "ext.fwd.set", payload: { num: "102" } },
    fault: { status: 500, body: `{"error":"bad request /webapi/${KEY}/ext.fwd.set key=${encodeURIComponent(KEY)}"}`, contentType: JSON_CT },
    code: "HTTP_500" },
  { name: "HTTP 404", type: "3cx-queue", msg: { method: "queue.members.get", payload: "999" },
    fault: { status: 404, body: '{"error":"Unknown queue"}', contentType: JSON_CT }, code: "HTTP_404" },
  { name: "not JSON, echoing the key", type: "3cx-contact", msg: { method: "contact.get", payload: 4 },
    fault: { status: 200, body: `<html>${KEY}</html>`, contentType: "text/html" }, code: "BAD_RESPONSE" },
  { name: "reset", type: "3cx-call", msg: { method: "makecall", payload: { first: "102", second: "103" } },
    fault: { drop: "before-headers" }, code: "UNREACHABLE" },
  { name: "reset mid-body", type: "3cx-pbx", msg: { method: "all.line.get" }, fault: { drop: "mid-body" }, code: "" },
  { name: "timeout", type: "3cx-call", msg: { method: "pbx.calls.get" }, fault: { hang: "headers" }, timeout: 300, code: "TIMEOUT" },
  { name: "PBX down", type: "3cx-ext", msg: { method: "all.ext.get" }, fault: { down: true }, code: "UNREACHABLE" },
  { name: "oversize answer", type: "3cx-pbx", msg: { method: "all.ivr.get" }, fault: { oversizeBytes: 6_000_000 }, code: "" },
  { name: "bad parameter", type: "3cx-queue", msg: { method: "queue.new", payload: { num: "813", name: "Q", pollingstrategy: 2 } },
    code: "BAD_PARAM" },
  { name: "no device", type: "3cx-call", msg: { method: "call.answer", payload: "102" },
    fault: { methods: ["ext.devices.get"], status: 200, body: '{"devices":[]}', contentType: JSON_CT }, code: "NO_DEVICE" },
  { name: "foreign msg.method", type: "3cx-contact", msg: { method: "ext.state.get", payload: {} }, code: "BAD_PARAM" },
];

function hits(text: string): string[] {
  return FORMS.filter((f) => text.includes(f));
}

describe("action nodes: the access key in error paths", function () {
  const ctx = useSimulator(KEY);

  for (const p of PATHS) {
    it(`${p.name}: zero hits of the key`, async () => {
      const flow: Flow = await loadAction(p.type, ctx.sim, {
        props: { method: "" }, timeout: p.timeout ?? 2000, accessKey: p.wrongKey ? WRONG_KEY : KEY,
      });
      if (p.fault) await ctx.sim.faults.set(p.fault);
      const err = await flow.fail({ ...p.msg, _msgid: "m1" });
      await ctx.sim.faults.clear();
      if (p.code) assert.equal(err.code, p.code);
      else assert.ok(err.code, "a code");
      await new Promise((r) => setImmediate(r)); // status/warn/error spies report on the next tick
      const caughtMsg = (err as unknown as { caughtMsg: unknown }).caughtMsg;
      const everything = [
        inspect(caughtMsg, { depth: 10 }),
        JSON.stringify(caughtMsg),
        inspect(flow.statuses, { depth: 5 }),
        inspect(flow.warnings, { depth: 5 }),
        inspect(flow.errors, { depth: 10, showHidden: true }),
        inspect(helper.log().args, { depth: 10 }),
        inspect(flow.node, { depth: 2 }),
      ].join("\n");
      assert.deepEqual(hits(everything), [], `the key leaked in ${p.name}`);
      assert.ok(flow.statuses.some((s) => s.fill === "red"), "a red status was shown (and scanned)");
      assert.ok(helper.log().args.length > 0, "the error was logged (and scanned)");
    });
  }

  it("the scan finds the key in each of its forms", () => {
    for (const form of FORMS) assert.equal(hits(inspect({ deep: { text: `x${form}y` } })).length > 0, true, form);
  });

  it("a successful answer's msg.threecx and the log hold no key either", async () => {
    const flow = await loadAction("3cx-pbx", ctx.sim, { props: { method: "info" }, accessKey: KEY });
    const out = await flow.send({ payload: {} });
    assert.deepEqual(hits(inspect(out, { depth: 10 }) + inspect(helper.log().args, { depth: 10 })), []);
  });
});
