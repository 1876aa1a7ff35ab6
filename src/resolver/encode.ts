/**
 * Turns one parameter value into the text the WebAPI expects, by the catalog's type for it.
 * Every failure is a ParamError naming the field and what was expected; free-text values are
 * never echoed (they may be passwords such as `authpass`).
 */
import type { BooleanParam, EnumParam, ListParam, NumberParam, ParamSpec, StringParam } from "../catalog";
import { ParamError, describe } from "./errors";

/** Limits for types the catalog gives no maxLength for. */
const DEFAULT_TEXT_MAX = 4096;
const OPEN_ENUM_MAX = 256;
const LIST_MAX_ITEMS = 1024;

const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
// encodeURIComponent throws on these, so they are rejected here, before any request.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function isBlank(value: unknown): boolean {
  return value === undefined || value === null || value === "";
}

function checkText(name: string, text: string, max: number): void {
  if (text.length > max) throw new ParamError(name, `${name} must be at most ${max} characters, got ${text.length}`);
  if (CONTROL.test(text)) {
    throw new ParamError(name, `${name} must not contain control characters (line breaks, tabs, …)`);
  }
  if (LONE_SURROGATE.test(text)) throw new ParamError(name, `${name} must be valid Unicode text (it has a broken character)`);
}

const TRUE_WORDS: ReadonlySet<string> = new Set(["true", "1", "on"]);
const FALSE_WORDS: ReadonlySet<string> = new Set(["false", "0", "off"]);

function toBoolean(value: unknown): boolean | undefined {
  if (typeof value === "boolean") return value;
  if (typeof value === "number") return value === 1 ? true : value === 0 ? false : undefined;
  if (typeof value !== "string" || value.length > 8) return undefined;
  const word = value.trim().toLowerCase();
  return TRUE_WORDS.has(word) ? true : FALSE_WORDS.has(word) ? false : undefined;
}

function encodeBoolean(p: BooleanParam, value: unknown): string {
  const b = toBoolean(value);
  if (b !== undefined) return p.encoding === "onoff" ? (b ? "on" : "off") : b ? "1" : "0";
  const wire = p.encoding === "onoff" ? "on/off" : "1/0";
  throw new ParamError(p.name, `${p.name} must be ${wire} or true/false, got ${describe(value)}`);
}

const INTEGER_TEXT = /^\s*[+-]?\d{1,16}\s*$/;

function toInteger(value: unknown): number | undefined {
  if (typeof value === "number") return Number.isSafeInteger(value) ? value : undefined;
  if (typeof value === "bigint") {
    return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : undefined;
  }
  if (typeof value === "string" && INTEGER_TEXT.test(value)) {
    const n = Number(value);
    return Number.isSafeInteger(n) ? n : undefined;
  }
  return undefined;
}

function numberRange(p: NumberParam): string {
  if (p.min !== undefined && p.max !== undefined) return `a whole number from ${p.min} to ${p.max}`;
  if (p.min !== undefined) return `a whole number of at least ${p.min}`;
  if (p.max !== undefined) return `a whole number up to ${p.max}`;
  return "a whole number";
}

function encodeNumber(p: NumberParam, value: unknown): string {
  const n = toInteger(value);
  if (n === undefined || (p.min !== undefined && n < p.min) || (p.max !== undefined && n > p.max)) {
    throw new ParamError(p.name, `${p.name} must be ${numberRange(p)}, got ${describe(value)}`);
  }
  return String(n); // "+5", "007" and -0 become "5", "7" and "0"
}

/** Case-insensitive look-up of an enum's values and labels, built once per parameter. */
const ENUM_LOOKUP = new WeakMap<EnumParam, ReadonlyMap<string, string>>();

function enumLookup(p: EnumParam): ReadonlyMap<string, string> {
  let map = ENUM_LOOKUP.get(p);
  if (!map) {
    const m = new Map<string, string>();
    for (const v of p.values) m.set(v.label.toLowerCase(), v.value);
    for (const v of p.values) m.set(v.value.toLowerCase(), v.value); // values win over labels
    ENUM_LOOKUP.set(p, (map = m));
  }
  return map;
}

function encodeEnum(p: EnumParam, value: unknown): string {
  let text: string | undefined;
  if (typeof value === "string") text = value.trim();
  else if ((typeof value === "number" && Number.isFinite(value)) || typeof value === "bigint") text = String(value);
  if (text !== undefined && text !== "") {
    const known = text.length <= OPEN_ENUM_MAX ? enumLookup(p).get(text.toLowerCase()) : undefined;
    if (known !== undefined) return known;
    if (p.open) {
      checkText(p.name, text, OPEN_ENUM_MAX);
      return text;
    }
  }
  const list = p.values.map((v) => v.value).join(", ");
  const more = p.open ? " (or another name the PBX knows)" : "";
  throw new ParamError(p.name, `${p.name} must be one of ${list}${more}, got ${describe(value)}`);
}

function encodeList(p: ListParam, value: unknown): string {
  let items: readonly unknown[];
  if (Array.isArray(value)) items = value;
  else if (typeof value === "string") {
    if (value.length > DEFAULT_TEXT_MAX) checkText(p.name, value, DEFAULT_TEXT_MAX);
    items = value.split(",");
  } else if ((typeof value === "number" && Number.isFinite(value)) || typeof value === "bigint") items = [value];
  else {
    throw new ParamError(p.name, `${p.name} must be a comma list such as 101,103 or an array, got ${describe(value)}`);
  }
  if (items.length === 0) throw new ParamError(p.name, `${p.name} must list at least one item, got an empty list`);
  if (items.length > LIST_MAX_ITEMS) {
    throw new ParamError(p.name, `${p.name} must list at most ${LIST_MAX_ITEMS} items, got ${items.length}`);
  }
  const out: string[] = [];
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    let s: string;
    if (typeof item === "string") s = item.trim();
    else if ((typeof item === "number" && Number.isFinite(item)) || typeof item === "bigint") s = String(item);
    else throw new ParamError(p.name, `${p.name} items must be numbers or names, item ${i + 1} is ${describe(item)}`);
    if (s === "") throw new ParamError(p.name, `${p.name} item ${i + 1} is empty: use a comma list such as 101,103`);
    if (s.includes(",")) throw new ParamError(p.name, `${p.name} item ${i + 1} must not contain a comma`);
    out.push(s);
  }
  const joined = out.join(",");
  checkText(p.name, joined, DEFAULT_TEXT_MAX);
  return joined;
}

function encodeString(p: StringParam, value: unknown): string {
  let s: string;
  if (typeof value === "string") s = value;
  else if ((typeof value === "number" && Number.isFinite(value)) || typeof value === "bigint") s = String(value);
  else throw new ParamError(p.name, `${p.name} must be text or a number, got ${describe(value)}`);
  checkText(p.name, s, p.maxLength ?? DEFAULT_TEXT_MAX);
  return s;
}

/** The wire text for one non-blank value; throws ParamError naming `param.name`. */
export function encodeValue(param: ParamSpec, value: unknown): string {
  if (isBlank(value)) throw new ParamError(param.name, `${param.name} has no value`);
  switch (param.type) {
    case "boolean":
      return encodeBoolean(param, value);
    case "number":
      return encodeNumber(param, value);
    case "enum":
      return encodeEnum(param, value);
    case "list":
      return encodeList(param, value);
    case "string":
      return encodeString(param, value);
  }
}
