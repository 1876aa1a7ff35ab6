/**
 * The answer contract (SPEC §4): whether a 2xx answer says the method did what it was asked, from
 * the method's `answer` spec. Pure and transport-free: the WebAPI client calls it on every parsed
 * 2xx answer, and any other backend calls it on the answer it mapped into the WebAPI's shape.
 *
 * - REFUSED: a write or call control answered `result: false`, or a `finalStatus` other than
 *   "Success" (a read answered only `result: false`, where the seed shows no `result`, too).
 * - PBX_ERROR: a JSON string, or an object whose only content is an error text
 *   (`error` / `message` / `Error` / `Message`).
 * - BAD_RESPONSE: nothing, `null`, or not an object (every seed answer is one); a write's object
 *   that does not say the write was done.
 * Reads are tolerant: extra, reordered or missing keys and numbers as text pass unchanged; the
 * keys the nodes rely on that are missing come back in `lacking`, for one warning.
 */
import type { AnswerSpec, MethodSpec, SuccessSign, ValueKind } from "./types";

export type AnswerCode = "REFUSED" | "PBX_ERROR" | "BAD_RESPONSE";

export type AnswerVerdict =
  | {
    readonly ok: true;
    /** Relied-on keys the answer lacks or holds as another kind of value (empty when none). */
    readonly lacking: readonly string[];
    /** The call id the PBX answered (makecall on 3.x), when it gave one. */
    readonly chid?: string;
  }
  | {
    readonly ok: false;
    readonly code: AnswerCode;
    /** Plain words after "<method> failed: ", with any quoted PBX text redacted and cut short. */
    readonly reason: string;
  };

export interface ClassifyOptions {
  /** Removes secrets from text the PBX sent before it is quoted (the client's redactor). */
  readonly redact?: (text: string) => string;
}

const ERROR_KEYS = new Set(["error", "message", "Error", "Message"]);
const MAX_QUOTE = 160;
const NONE: readonly string[] = [];

/** One line, the secrets out, short: for quoting a PBX's text in an error message. */
export function quoteText(raw: string, redact: (t: string) => string = (t) => t): string {
  // Redact before cutting, so a cut can never leave part of a secret behind.
  const text = redact(raw).replace(/[\u0000-\u001f\u007f-\u009f]+/g, " ").trim();
  return JSON.stringify(text.length > MAX_QUOTE ? `${text.slice(0, MAX_QUOTE)}…` : text);
}

/** The error text of `{error: "…"}`, `{error: {message: "…"}}`, …; undefined if it is none. */
function errorText(o: Record<string, unknown>): string | undefined {
  for (const key of ["error", "Error", "message", "Message"]) {
    const v = o[key];
    if (typeof v === "string" && v.trim() !== "") return v;
    if (typeof v === "object" && v !== null) {
      const inner = (v as Record<string, unknown>).message ?? (v as Record<string, unknown>).Message;
      if (typeof inner === "string" && inner.trim() !== "") return inner;
    }
  }
  return undefined;
}

function kindOf(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object") return "an object";
  if (typeof v === "string") return "a text";
  return `${typeof v === "number" ? "the number" : "the value"} ${String(v)}`;
}

function holds(v: unknown, kind: ValueKind): boolean {
  if (kind === "list") return Array.isArray(v);
  if (kind === "object") return typeof v === "object" && v !== null && !Array.isArray(v);
  return v !== undefined && v !== null && typeof v !== "object";
}

const isFalse = (v: unknown): boolean => v === false || (typeof v === "string" && v.trim().toLowerCase() === "false");
const isSuccessText = (v: unknown): boolean => typeof v === "string" && v.trim().toLowerCase() === "success";
const own = (o: object, key: string): boolean => Object.prototype.hasOwnProperty.call(o, key);

function shows(o: Record<string, unknown>, sign: SuccessSign): boolean {
  switch (sign.by) {
    case "result-true": return o.result === true || (typeof o.result === "string" && /^(true|ok|success)$/i.test(o.result.trim()));
    // Wording may be tailored per installation: any confirmation text that is not "false" says done.
    case "text": return typeof o.result === "string" && o.result.trim() !== "" && !isFalse(o.result);
    case "keys": return sign.keys.every((k) => own(o, k) && o[k] !== null && o[k] !== "");
    case "final-status": return isSuccessText(o.finalStatus);
  }
}

/** Ways any write may say done, whatever its seed answer (answers are made to order). */
const ANY_WRITE: readonly SuccessSign[] = [
  { by: "result-true" }, { by: "final-status" }, { by: "keys", keys: ["chid"] },
];

function describe(sign: SuccessSign): string {
  switch (sign.by) {
    case "result-true": return `{"result": true}`;
    case "text": return JSON.stringify({ result: sign.text });
    case "keys": return sign.keys.join(" and ");
    case "final-status": return `{"finalStatus": "Success"}`;
  }
}

function judgeWrite(o: Record<string, unknown>, answer: AnswerSpec, quote: (t: string) => string): AnswerVerdict | undefined {
  const said = errorText(o);
  const because = said === undefined ? "" : `: ${quote(said)}`;
  if (isFalse(o.result)) return { ok: false, code: "REFUSED", reason: `the PBX did not do it (it answered result: false${because})` };
  if (o.finalStatus !== undefined && !isSuccessText(o.finalStatus)) {
    const status = typeof o.finalStatus === "string" ? quote(o.finalStatus) : kindOf(o.finalStatus);
    return { ok: false, code: "REFUSED", reason: `the PBX did not do it (finalStatus ${status}${because})` };
  }
  const signs = answer.success ?? [];
  if ([...signs, ...ANY_WRITE].some((s) => shows(o, s))) return undefined;
  const expected = signs.length > 0 ? signs.map(describe).join(" or ") : `{"result": true}`;
  // e.g. {"result": "Extension 999 not found"} where the method confirms with result: true
  const got = typeof o.result === "string" ? `result ${quote(o.result)}, ` : "";
  return { ok: false, code: "BAD_RESPONSE", reason: `the PBX's answer does not say it was done (${got}expected ${expected})` };
}

export function classifyAnswer(spec: MethodSpec, data: unknown, opts: ClassifyOptions = {}): AnswerVerdict {
  const quote = (t: string): string => quoteText(t, opts.redact);
  if (data === undefined || data === null) {
    return { ok: false, code: "BAD_RESPONSE", reason: `the PBX's answer is ${data === null ? "null" : "empty"}, expected an object` };
  }
  if (typeof data === "string") {
    if (data.trim() === "") return { ok: false, code: "BAD_RESPONSE", reason: "the PBX's answer is an empty text, expected an object" };
    if (/^\s*</.test(data)) return { ok: false, code: "BAD_RESPONSE", reason: "the PBX's answer is an HTML page, not the WebAPI's JSON" };
    return { ok: false, code: "PBX_ERROR", reason: `the PBX answered with an error: ${quote(data)}` };
  }
  if (typeof data !== "object" || Array.isArray(data)) {
    return { ok: false, code: "BAD_RESPONSE", reason: `the PBX's answer is ${kindOf(data)}, expected an object` };
  }
  const o = data as Record<string, unknown>;
  const keys = Object.keys(o);
  const said = errorText(o);
  if (said !== undefined && keys.every((k) => ERROR_KEYS.has(k))) {
    return { ok: false, code: "PBX_ERROR", reason: `the PBX answered with an error: ${quote(said)}` };
  }
  const chid = typeof o.chid === "string" && o.chid !== "" ? { chid: o.chid } : {};
  if (spec.kind === "write") return judgeWrite(o, spec.answer, quote) ?? { ok: true, lacking: NONE, ...chid };
  // A read answered only {result: false} where its seed answer has no result: a refusal in words.
  if (!spec.answer.keys.includes("result") && isFalse(o.result) && keys.every((k) => k === "result" || ERROR_KEYS.has(k))) {
    return { ok: false, code: "REFUSED", reason: `the PBX did not answer it (result: false${said === undefined ? "" : `: ${quote(said)}`})` };
  }
  const relied = Object.entries(spec.answer.relied);
  const lacking = relied.length === 0 ? NONE : relied.filter(([k, kind]) => !holds(o[k], kind)).map(([k]) => k);
  return { ok: true, lacking, ...chid };
}

/**
 * A copy of an answer for `err.answer`: every text in it redacted (a PBX may echo the URL, and
 * with it the key), depth and size bounded so a huge or circular answer cannot hurt the error path.
 */
export function scrubAnswer(data: unknown, redact: (t: string) => string = (t) => t, depth = 0): unknown {
  if (typeof data === "string") return redact(data.length > 4096 ? `${data.slice(0, 4096)}…` : data);
  if (typeof data !== "object" || data === null) return data;
  if (depth >= 8) return Array.isArray(data) ? [] : {};
  if (Array.isArray(data)) return data.slice(0, 1000).map((v) => scrubAnswer(v, redact, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(data).slice(0, 1000)) {
    // defineProperty: a "__proto__" key of a parsed answer stays a plain key, never a prototype
    Object.defineProperty(out, redact(k), { value: scrubAnswer(v, redact, depth + 1), enumerable: true, writable: true, configurable: true });
  }
  return out;
}
