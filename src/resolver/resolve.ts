/**
 * SPEC §4 "Parameter resolution": per parameter of the method, a non-blank node field wins, then
 * `msg.payload.<param>` (own data properties of a plain object), then — when the method has
 * exactly one required parameter — a string or number `msg.payload` itself. Blank values are not
 * sent; keys that are not parameters of the method are never read.
 */
import type { MethodSpec, ParamSpec } from "../catalog";
import { ParamError } from "./errors";
import { encodeValue, isBlank } from "./encode";

/**
 * An own data property, or undefined. Getters are not run and inherited keys (`__proto__`,
 * `constructor`, anything on a prototype) are never seen.
 */
function ownValue(obj: object, key: string): unknown {
  try {
    const d = Object.getOwnPropertyDescriptor(obj, key);
    return d !== undefined && "value" in d ? d.value : undefined;
  } catch {
    return undefined; // an exotic object that refuses to describe itself holds no usable value
  }
}

function isPlainObject(value: unknown): value is object {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  try {
    const proto: unknown = Object.getPrototypeOf(value);
    return proto === Object.prototype || proto === null;
  } catch {
    return false;
  }
}

/** The one required parameter a bare string/number payload stands for, computed once per method. */
const SOLE_REQUIRED = new WeakMap<MethodSpec, ParamSpec | null>();

export function soleRequiredParam(method: MethodSpec): ParamSpec | undefined {
  let p = SOLE_REQUIRED.get(method);
  if (p === undefined) {
    const required = method.params.filter((q) => q.required);
    p = required.length === 1 ? required[0] : null;
    SOLE_REQUIRED.set(method, p);
  }
  return p ?? undefined;
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

function missing(p: ParamSpec, sole: boolean): ParamError {
  const where = sole ? `in the node, as msg.payload.${p.name} or as msg.payload itself` : `in the node or as msg.payload.${p.name}`;
  return new ParamError(p.name, `${p.name} is required (${lowerFirst(p.hint)}): set it ${where}`);
}

/** The wire parameters for one message; throws ParamError (and nothing else) on bad input. */
export function resolveParams(
  method: MethodSpec,
  nodeValues: Readonly<Record<string, unknown>>,
  payload: unknown,
): Record<string, string> {
  const fromPayload = isPlainObject(payload) ? payload : undefined;
  const sole = soleRequiredParam(method);
  const bare = typeof payload === "string" || typeof payload === "number" ? sole : undefined;
  const nodeObj: object = typeof nodeValues === "object" && nodeValues !== null ? nodeValues : {};
  const out: Record<string, string> = {};
  for (const p of method.params) {
    let value = ownValue(nodeObj, p.name);
    if (isBlank(value) && fromPayload) value = ownValue(fromPayload, p.name);
    if (isBlank(value) && p === bare) value = payload;
    if (isBlank(value)) {
      if (p.required) throw missing(p, p === sole);
      continue;
    }
    out[p.name] = encodeValue(p, value);
  }
  return out;
}
