// Odd inputs from hand-written generators: the resolver returns wire strings or throws a
// ParamError, never anything else, for every parameter of every method.
import assert from "node:assert/strict";
import fc from "fast-check";
import { METHODS } from "../../src/catalog";
import { ParamError, encodeValue, resolveParams } from "../../src/resolver";

const HUGE = "9".repeat(1_000_000);
const SPARSE: unknown[] = [];
SPARSE.length = 10_000_000; // a huge, empty array (allocated once, no elements)
const POLLUTED: unknown = JSON.parse('{"__proto__": {"num": "1"}, "constructor": {"prototype": {"num": "2"}}}');
const GETTER = Object.defineProperty({}, "num", { enumerable: true, get() { throw new Error("getter ran"); } });
const PARAM_NAMES = [...new Set(METHODS.flatMap((m) => m.params.map((p) => p.name)))];

/** Built once, so the huge strings are not copied per use. */
const SCALARS: readonly unknown[] = [
    undefined, null, "", " ", "0", "1", "-1", "on", "off", "true", "TRUE", "maybe", "101,103", ",", ",,", " , ",
    "a\u0000b", "\r\n", "\uD83D", "\uDE00x", "😀", "Zürich", "&num=999", "#", "%", "%00", "+", "?a=b", "=",
    HUGE, `${HUGE},1`, "1".repeat(17), "1e308", "0x10", "NaN", "Infinity", "-0", "__proto__", "constructor",
    0, -0, 1, -1, 2, 0.5, 1e21, -1e21, NaN, Infinity, -Infinity, Number.MAX_SAFE_INTEGER, 2 ** 53,
    true, false, 0n, 1n, -1n, 10n ** 30n, Symbol("s"), Symbol.iterator, () => 1, function named() { return 2; },
    new Date(0), Buffer.from("101"), new Map(), new Set([1]), /x/, new Error("e"), Promise.resolve(1),
];

/** Hand-written odd values, nested into arrays and objects keyed by real parameter names. */
const odd: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...SCALARS) },
    { weight: 2, arbitrary: fc.anything() },
    { weight: 1, arbitrary: fc.constantFrom<unknown>(SPARSE, Object.create(null), POLLUTED, GETTER) },
    { weight: 1, arbitrary: fc.array(tie("value"), { maxLength: 3 }) },
    { weight: 1, arbitrary: fc.dictionary(fc.constantFrom(...PARAM_NAMES), tie("value"), { maxKeys: 3 }) },
  ),
})).value;

function expectStringOrParamError(fn: () => unknown, what: string): unknown {
  try {
    return fn();
  } catch (e) {
    assert.ok(e instanceof ParamError, `${what}: threw ${String(e)}`);
    assert.ok(e.message.length < 400, `${what}: short message`);
    return undefined;
  }
}

describe("resolver: fuzz", () => {
  it("encodeValue returns encodable wire text or a ParamError for every odd value and parameter", () => {
    let ok = 0, rejected = 0;
    for (const m of METHODS) {
      for (const p of m.params) {
        for (const v of SCALARS) {
          const out = expectStringOrParamError(() => encodeValue(p, v), `${m.name}.${p.name}`);
          if (out === undefined) { rejected++; continue; }
          assert.equal(typeof out, "string");
          assert.doesNotThrow(() => encodeURIComponent(out as string));
          assert.ok(!/[\u0000-\u001f]/.test(out as string));
          ok++;
        }
      }
    }
    assert.ok(ok > 100 && rejected > 100, `${ok} accepted, ${rejected} rejected`);
  });

  it("resolveParams returns only catalog parameters as strings, or a ParamError, for random inputs", () => {
    let ok = 0;
    const nodeValues = fc.dictionary(fc.constantFrom(...PARAM_NAMES), odd, { maxKeys: 6 });
    fc.assert(
      fc.property(fc.constantFrom(...METHODS), nodeValues, odd, (m, values, payload) => {
        const out = expectStringOrParamError(() => resolveParams(m, values, payload), m.name);
        if (out === undefined) return;
        ok++;
        for (const [k, v] of Object.entries(out as Record<string, string>)) {
          assert.ok(m.params.some((p) => p.name === k), `${m.name}: ${k} is a parameter`);
          assert.equal(typeof v, "string");
          assert.notEqual(v, "");
        }
      }),
      { numRuns: 3000, seed: 20240611 },
    );
    assert.ok(ok > 50, `${ok} resolved`);
  });

  it("odd nodeValues containers do not break it either", () => {
    const m = METHODS.find((x) => x.name === "ext.state.get")!;
    for (const nv of [null, undefined, "x", 5, [], Object.create(null)] as unknown[]) {
      const out = expectStringOrParamError(() => resolveParams(m, nv as Record<string, unknown>, { num: "1" }), typeof nv);
      assert.deepEqual(out, { num: "1" });
    }
  });
});
