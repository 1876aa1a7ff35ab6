/**
 * The access key must appear in the request line and nowhere else: every error is scanned in every
 * form a user, a log or Node-RED could render it, for the key as written and URL-encoded.
 */
import assert from "node:assert/strict";
import util from "node:util";
import { WebApiError, type ErrorCode } from "../../../src/client";
import { KEY } from "./server";

export function secretForms(key: string): string[] {
  const lowerHex = (t: string): string => t.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase());
  const forms = [key, encodeURIComponent(key), encodeURI(key)];
  return [...new Set([...forms, ...forms.map(lowerHex)])];
}

/** Every rendering of `value` we can think of. */
export function renderings(value: unknown): string[] {
  const out = [String(value), util.inspect(value, { depth: 10, showHidden: true }), util.format("%o", value)];
  try {
    out.push(JSON.stringify(value) ?? "");
  } catch {
    out.push("(unserialisable)");
  }
  if (value instanceof Error) {
    out.push(value.message, value.stack ?? "");
    for (const k of Object.getOwnPropertyNames(value)) out.push(util.inspect((value as unknown as Record<string, unknown>)[k], { depth: 10 }));
  }
  return out;
}

export function assertNoSecret(value: unknown, key = KEY): void {
  for (const text of renderings(value)) {
    for (const form of secretForms(key)) {
      assert.ok(!text.includes(form), `the key (${form === key ? "raw" : "encoded"}) leaked into: ${text.slice(0, 300)}`);
    }
  }
}

/** Awaits a call that must fail with `code`, checks the error keeps the key secret, returns it. */
export async function rejectsWith(p: Promise<unknown>, code: ErrorCode, key = KEY): Promise<WebApiError> {
  let err: unknown;
  try {
    await p;
  } catch (e) {
    err = e;
  }
  assert.ok(err instanceof WebApiError, `expected a WebApiError ${code}, got ${err === undefined ? "success" : String(err)}`);
  assert.equal(err.code, code, err.message);
  assertNoSecret(err, key);
  assert.equal((err as { cause?: unknown }).cause, undefined, "no cause is attached");
  return err;
}
