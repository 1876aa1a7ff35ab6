/**
 * Active faults and how a matching request picks one. `down` is not per request (the listeners are
 * closed while a down fault is active), so it never matches a request and ignores methods/times.
 */
import type { FailingAnswer, Fault } from "../types";

/** The body and type of each failing-2xx mode (our guesses at what a real PBX does wrong; none is documented). */
export const FAILING_ANSWERS: Readonly<Record<FailingAnswer, { readonly body: string; readonly contentType: string }>> = {
  refused: { body: `{"result":false}`, contentType: "application/json; charset=utf-8" },
  null: { body: "null", contentType: "application/json; charset=utf-8" },
  "error-text": { body: `"Extension not found"`, contentType: "application/json; charset=utf-8" },
  "error-object": { body: `{"error":"Extension not found"}`, contentType: "application/json; charset=utf-8" },
  "login-page": {
    body: "<!DOCTYPE html><html><head><title>3CX Phone System - Login</title></head><body><form action=\"/webclient/\">"
      + "<input name=\"username\"><input name=\"password\" type=\"password\"></form></body></html>",
    contentType: "text/html; charset=utf-8",
  },
};

export const FAILING_MODES = Object.keys(FAILING_ANSWERS) as FailingAnswer[];

export class FaultList {
  private list: Fault[] = [];

  get active(): readonly Fault[] {
    return this.list;
  }

  replace(f: Fault | undefined): void {
    this.list = f ? [validateFault(f)] : [];
  }

  add(f: Fault): void {
    this.list.push(validateFault(f));
  }

  get down(): boolean {
    return this.list.some((f) => f.down);
  }

  /** The first fault for `method`; uses up one of its `times`. */
  take(method: string): Fault | undefined {
    const i = this.list.findIndex((f) => !f.down && (!f.methods || f.methods.includes(method)));
    if (i < 0) return undefined;
    const f = this.list[i];
    if (f.times !== undefined) {
      const left = f.times - 1;
      if (left <= 0) this.list.splice(i, 1);
      else this.list[i] = { ...f, times: left };
    }
    return f;
  }
}

const DROPS = ["before-headers", "mid-body"];
const HANGS = ["headers", "body"];

/** Rejects a malformed fault (it may come as JSON through the control API). */
export function validateFault(f: Fault): Fault {
  const bad = (why: string) => new TypeError(`fault: ${why}`);
  if (typeof f !== "object" || f === null || Array.isArray(f)) throw bad("expected an object");
  const nonNegative = (k: keyof Fault) => {
    const v = f[k];
    if (v !== undefined && (typeof v !== "number" || !Number.isFinite(v) || v < 0)) throw bad(`${k} must be a number >= 0`);
  };
  (["times", "latencyMs", "retryAfter", "oversizeBytes"] as const).forEach(nonNegative);
  if (f.status !== undefined && (!Number.isInteger(f.status) || f.status < 100 || f.status > 599)) throw bad("status must be 100-599");
  if (f.methods !== undefined && (!Array.isArray(f.methods) || f.methods.some((m) => typeof m !== "string"))) throw bad("methods must be a list of method names");
  if (f.body !== undefined && typeof f.body !== "string") throw bad("body must be a string");
  if (f.contentType !== undefined && typeof f.contentType !== "string") throw bad("contentType must be a string");
  if (f.drop !== undefined && !DROPS.includes(f.drop)) throw bad(`drop must be one of ${DROPS.join(", ")}`);
  if (f.hang !== undefined && !HANGS.includes(f.hang)) throw bad(`hang must be one of ${HANGS.join(", ")}`);
  if (f.answer !== undefined && !(FAILING_MODES as string[]).includes(f.answer)) throw bad(`answer must be one of ${FAILING_MODES.join(", ")}`);
  return { ...f };
}

/** A JSON body of exactly `bytes` bytes (at least the 12 of the frame). */
export function oversizeBody(bytes: number): Buffer {
  const head = '{"nums":["';
  const tail = '"]}';
  const fill = Math.max(0, Math.floor(bytes) - head.length - tail.length);
  return Buffer.concat([Buffer.from(head), Buffer.alloc(fill, "9"), Buffer.from(tail)]);
}
