/** Shared helpers for the resolver tests. */
import assert from "node:assert/strict";
import { getMethod, type MethodSpec, type ParamSpec } from "../../src/catalog";
import { ParamError } from "../../src/resolver";

export function method(name: string): MethodSpec {
  const m = getMethod(name);
  assert.ok(m, `catalog has ${name}`);
  return m;
}

export function param(methodName: string, name: string): ParamSpec {
  const p = method(methodName).params.find((q) => q.name === name);
  assert.ok(p, `${methodName} has ${name}`);
  return p;
}

/** Runs fn, asserts it throws a ParamError for `field` whose message matches, and returns it. */
export function paramError(fn: () => unknown, field: string, message?: RegExp | string): ParamError {
  let thrown: unknown;
  try {
    fn();
  } catch (e) {
    thrown = e;
  }
  assert.ok(thrown instanceof ParamError, `expected a ParamError, got ${String(thrown)}`);
  assert.equal(thrown.code, "BAD_PARAM");
  assert.equal(thrown.field, field);
  assert.ok(thrown.message.startsWith(field), `message names the field first: ${thrown.message}`);
  if (typeof message === "string") assert.equal(thrown.message, message);
  else if (message) assert.match(thrown.message, message);
  return thrown;
}
