/**
 * fast-check generators for bad input: random types, nesting, huge strings, control characters,
 * prototype-pollution keys, numbers as strings and back, junk msg.method. Keys are drawn mostly
 * from real parameter names so that values reach the resolver's encoders.
 */
import fc from "fast-check";
import { METHODS } from "../../src/catalog";
import { offersOf } from "../../src/operations/offers";

export const HOMES = ["call", "ext", "queue", "contact", "pbx"] as const;

/** Every name a user may put in msg.payload, over all offers of all nodes. */
export const PARAM_NAMES: readonly string[] = [...new Set(HOMES.flatMap((h) => offersOf(h).flatMap((o) => o.view.params.map((p) => p.name))))];
export const OFFER_NAMES: readonly string[] = HOMES.flatMap((h) => offersOf(h).map((o) => o.name));

const HUGE = "7".repeat(200_000);
const POLLUTION_KEYS = ["__proto__", "constructor", "prototype", "toString", "valueOf", "hasOwnProperty", "__defineGetter__"];

const ODD_TEXT = [
  "", " ", "007", "+5", "-0", "1e3", "0x1F", " 12 ", "12abc", "NaN", "Infinity", "on", "OFF", "true", "1", "0", "yes",
  "101,103", " ,101", "101,,103", "a&b=c", "&num=999", "x#y", "?q=1", "%zz", "%2526", "+1 555 0100", "a+b", "a b",
  "\u0000", "\t", "\r\nX-Injected: 1", "\u007f", "\u0085", "\u202e", "😀", "\uD800", "\uDC00x", "Zürich", "../info",
  HUGE, `${HUGE}\u0007`, `101,${HUGE}`,
];

/** Objects whose own keys are "__proto__" / "constructor" (JSON.parse makes them own, as a msg from JSON would). */
const POLLUTED: readonly unknown[] = [
  JSON.parse('{"__proto__":{"num":"666","status":"Away"},"constructor":{"prototype":{"num":"667"}}}'),
  JSON.parse('{"num":"102","__proto__":{"polluted":true}}'),
  JSON.parse('{"constructor":{"prototype":{"polluted":true}},"members":["101"]}'),
];

const CIRCULAR: Record<string, unknown> = { name: "loop" };
CIRCULAR.self = CIRCULAR;

/** Values the WebAPI would accept for many parameters, so that a good share of inputs gets through. */
const PLAUSIBLE: readonly unknown[] = ["102", "103", "802", "4", 102, 802, 4, 0, true, false, "on", "off", "1", "0", "Away", "Available", "101,103", ["101", "103"], "John", "+4930123"];

const scalar: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom<unknown>(...PLAUSIBLE) },
  { weight: 4, arbitrary: fc.constantFrom<unknown>(...ODD_TEXT) },
  { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: 24 }) },
  { weight: 1, arbitrary: fc.string({ unit: "grapheme", maxLength: 12 }) },
  { weight: 2, arbitrary: fc.integer({ min: -5, max: 2000 }) },
  { weight: 1, arbitrary: fc.integer().map(String) },
  { weight: 1, arbitrary: fc.double().map(String) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 999 }).map((n) => Number(String(n).padStart(3, "0"))) },
  { weight: 1, arbitrary: fc.double() },
  { weight: 1, arbitrary: fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }) },
  { weight: 1, arbitrary: fc.boolean() },
  { weight: 1, arbitrary: fc.constantFrom<unknown>(null, undefined) },
);

const key: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...PARAM_NAMES) },
  { weight: 2, arbitrary: fc.constantFrom(...POLLUTION_KEYS) },
  { weight: 1, arbitrary: fc.string({ maxLength: 6 }) },
);

/** Any value: scalars, arrays and objects nested a few levels. */
export const value: fc.Arbitrary<unknown> = fc.letrec<{ v: unknown }>((tie) => ({
  v: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    { weight: 6, arbitrary: scalar },
    { weight: 1, arbitrary: fc.array(tie("v"), { maxLength: 4 }) },
    { weight: 1, arbitrary: fc.dictionary(key, tie("v"), { maxKeys: 4 }) },
    { weight: 1, arbitrary: fc.constantFrom(...POLLUTED) },
  ),
})).v;

/** msg.payload: mostly an object keyed by parameter names, else anything. */
export const payload: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: fc.dictionary(key, value, { maxKeys: 6 }) },
  { weight: 1, arbitrary: value },
);

/** msg.method: real names (own, other nodes', catalog), junk text, or not text at all. */
export const method: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...OFFER_NAMES) },
  { weight: 1, arbitrary: fc.constantFrom(...METHODS.map((m) => m.name)) },
  { weight: 2, arbitrary: fc.constantFrom<unknown>(undefined, "", " ", "__proto__", "constructor", "toString", "makecall?first=1", "ext.state.get&num=1", "../info", "info/", "INFO", HUGE, CIRCULAR) },
  { weight: 1, arbitrary: fc.anything({ maxDepth: 1 }) },
  { weight: 1, arbitrary: fc.bigInt() },
);
