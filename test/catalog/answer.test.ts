// The answer contract (SPEC §4) for every catalog method, held to the seed's example answers:
// the seed answer passes unchanged, the failing 2xx answers get their code, richer answers pass.
import assert from "node:assert/strict";
import { classifyAnswer, getMethod, METHODS, scrubAnswer, type AnswerVerdict, type MethodSpec } from "../../src/catalog";
import { loadSeedExamples } from "../support/seed";

const seed = new Map(loadSeedExamples().map((e) => [e.method, e.response]));

function spec(name: string): MethodSpec {
  const m = getMethod(name);
  assert.ok(m, name);
  return m;
}

function codeOf(v: AnswerVerdict): string {
  return v.ok ? "ok" : v.code;
}

/** Every number in the answer as its decimal text (tailored installations send "16" for 16). */
function numbersAsText(v: unknown): unknown {
  if (typeof v === "number") return String(v);
  if (Array.isArray(v)) return v.map(numbersAsText);
  if (typeof v === "object" && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, numbersAsText(x)]));
  return v;
}

/** The same answer, keys in reverse order and one field more. */
function richer(v: unknown): unknown {
  const entries = Object.entries(v as Record<string, unknown>).reverse();
  return { ...Object.fromEntries(entries), addedByThisInstall: { note: "tailored" } };
}

const HTML = "<!DOCTYPE html><html><head><title>3CX Web Client - Login</title></head><body><form>…</form></body></html>";

describe("catalog: the answer contract", () => {
  it("declares for every method the keys of its seed answer", () => {
    for (const m of METHODS) {
      const answer = seed.get(m.name);
      assert.ok(answer, `${m.name} has a seed answer`);
      assert.deepEqual([...m.answer.keys].sort(), Object.keys(answer as object).sort(), m.name);
      for (const k of Object.keys(m.answer.relied)) assert.ok(m.answer.keys.includes(k), `${m.name} relies on ${k}, a seed key`);
      assert.equal(m.answer.success !== undefined && m.answer.success.length > 0, m.kind === "write", `${m.name}: writes say how success is said`);
    }
  });

  for (const m of METHODS) {
    describe(m.name, () => {
      const answer = seed.get(m.name);

      it("its seed answer passes unchanged, with nothing lacking", () => {
        const before = JSON.stringify(answer);
        const v = classifyAnswer(m, answer);
        assert.deepEqual(v, { ok: true, lacking: [] });
        assert.equal(JSON.stringify(answer), before, "the answer is not touched");
      });

      it("a richer answer (reordered, an extra field, numbers as text) passes", () => {
        assert.equal(codeOf(classifyAnswer(m, richer(answer))), "ok");
        const asText = classifyAnswer(m, numbersAsText(answer));
        assert.equal(codeOf(asText), "ok");
      });

      it(`result: false is ${m.name === "queue.isfree.get" || m.name === "pbx.calls.get" ? "an answer" : "REFUSED"}`, () => {
        const v = classifyAnswer(m, { result: false });
        const expected = m.name === "queue.isfree.get" || m.name === "pbx.calls.get" ? "ok" : "REFUSED";
        assert.equal(codeOf(v), expected);
        if (!v.ok) assert.match(v.reason, /result: false/);
      });

      it("null, nothing, an empty text, an HTML page, a number or a list are BAD_RESPONSE", () => {
        for (const bad of [null, undefined, "", "   ", HTML, 42, 0, true, [], [answer]]) {
          const v = classifyAnswer(m, bad);
          assert.equal(codeOf(v), "BAD_RESPONSE", `${m.name}: ${JSON.stringify(bad)}`);
          if (!v.ok) assert.match(v.reason, /expected an object|HTML/);
        }
      });

      it("a JSON string or an object of only error/message is PBX_ERROR, its text quoted", () => {
        for (const bad of ["Extension not found", { error: "Extension 999 not found" }, { message: "Extension 999 not found" },
          { Error: "Extension 999 not found" }, { error: { message: "Extension 999 not found" } }]) {
          const v = classifyAnswer(m, bad);
          assert.equal(codeOf(v), "PBX_ERROR", `${m.name}: ${JSON.stringify(bad)}`);
          if (!v.ok) assert.match(v.reason, /^the PBX answered with an error: "Extension (999 )?not found"$/);
        }
      });
    });
  }

  describe("writes", () => {
    it("an answer that does not say it was done is BAD_RESPONSE, naming the seed's confirmation", () => {
      const v = classifyAnswer(spec("ext.fwd.set"), { result: "Extension 999 not found" });
      assert.deepEqual(v, { ok: false, code: "BAD_RESPONSE",
        reason: `the PBX's answer does not say it was done (result "Extension 999 not found", expected {"result": true})` });
      assert.equal(codeOf(classifyAnswer(spec("queue.del"), {})), "BAD_RESPONSE");
      const mk = classifyAnswer(spec("makecall"), { first: "102" });
      assert.ok(!mk.ok && /expected first and second or chid or \{"finalStatus": "Success"\}/.test(mk.reason), JSON.stringify(mk));
    });

    it("a tailored confirmation text still says done; result: true does for any write", () => {
      assert.equal(codeOf(classifyAnswer(spec("queue.del"), { result: "Queue deleted" })), "ok");
      assert.equal(codeOf(classifyAnswer(spec("contact.update"), { result: true })), "ok");
      assert.equal(codeOf(classifyAnswer(spec("ext.fwd.set"), { result: "true" })), "ok");
      assert.equal(codeOf(classifyAnswer(spec("ext.fwd.set"), { result: "false" })), "REFUSED");
    });

    it("makecall: the 2.1.9 echo, the 3.x chid and finalStatus Success say done; chid is given back", () => {
      const mk = spec("makecall");
      const chid = "00000000-01dc-27fa-d1eb-64b00000002e";
      assert.deepEqual(classifyAnswer(mk, { chid }), { ok: true, lacking: [], chid });
      assert.equal(codeOf(classifyAnswer(mk, { finalStatus: "Success", callId: 7 })), "ok");
      const refused = classifyAnswer(mk, { finalStatus: "Failed", reason: "busy" });
      assert.deepEqual(refused, { ok: false, code: "REFUSED", reason: `the PBX did not do it (finalStatus "Failed")` });
      assert.equal(codeOf(classifyAnswer(mk, { result: false, error: "Extension 999 not found" })), "REFUSED");
      const quoted = classifyAnswer(mk, { result: false, error: "Extension 999 not found" });
      assert.ok(!quoted.ok && quoted.reason.includes(`"Extension 999 not found"`));
    });

    it("an error text next to other content is not PBX_ERROR on its own", () => {
      assert.equal(codeOf(classifyAnswer(spec("ext.fwd.set"), { result: true, message: "Forwarding set" })), "ok");
    });
  });

  describe("reads", () => {
    it("a read lacking a key the nodes read passes, and names the key", () => {
      assert.deepEqual(classifyAnswer(spec("all.ext.get"), { list: ["100"] }), { ok: true, lacking: ["nums"] });
      assert.deepEqual(classifyAnswer(spec("ext.state.get"), { num: "102", registered: true }), { ok: true, lacking: ["status", "fwdName"] });
      assert.deepEqual(classifyAnswer(spec("pbx.callsinfo.get"), { count: 0, callsInfo: "none" }), { ok: true, lacking: ["callsInfo"] });
      assert.deepEqual(classifyAnswer(spec("ext.info.get"), {}), { ok: true, lacking: [] }, "nothing relied on, nothing lacking");
    });

    it("queue.isfree.get's result: false is an answer", () => {
      assert.deepEqual(classifyAnswer(spec("queue.isfree.get"), { result: false }), { ok: true, lacking: [] });
    });
  });

  describe("secrets", () => {
    const redact = (t: string): string => t.split("S3cr3t-K3y").join("***");

    it("quoted PBX text is redacted, one line and cut short", () => {
      const v = classifyAnswer(spec("ext.info.get"), { error: `no such key S3cr3t-K3y\r\n${"x".repeat(400)}` }, { redact });
      assert.ok(!v.ok);
      assert.ok(!v.reason.includes("S3cr3t-K3y") && v.reason.includes("***"), v.reason);
      assert.ok(!/[\r\n]/.test(v.reason) && v.reason.length < 240, v.reason);
    });

    it("scrubAnswer copies an answer with every text redacted and a __proto__ key kept as a key", () => {
      const answer = JSON.parse(`{"error":"at /webapi/S3cr3t-K3y/x","__proto__":{"polluted":true},"list":["S3cr3t-K3y",1]}`) as unknown;
      const copy = scrubAnswer(answer, redact) as Record<string, unknown>;
      assert.equal(JSON.stringify(copy).includes("S3cr3t-K3y"), false);
      assert.equal((copy as { polluted?: unknown }).polluted, undefined);
      assert.equal(Object.getPrototypeOf(copy), Object.prototype);
      assert.deepEqual(copy.list, ["***", 1]);
    });
  });
});
