/**
 * Checks a request's query against the catalog's parameter specs. An empty value counts as not
 * given (the seed's own ext.fwd.set example sends a bare `status`). Parameters the method does not
 * have are ignored. Problems are reported as "<param>: <problem>" (our 400 design).
 */
import type { MethodSpec, ParamSpec } from "../../catalog";

export type Params = Readonly<Record<string, string>>;

export class ApiError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

function problem(p: ParamSpec, value: string): string | undefined {
  switch (p.type) {
    case "string":
      return p.maxLength !== undefined && value.length > p.maxLength ? `longer than ${p.maxLength} characters` : undefined;
    case "number": {
      if (!/^-?\d+$/.test(value)) return "expected a whole number";
      const n = Number(value);
      if ((p.min !== undefined && n < p.min) || (p.max !== undefined && n > p.max)) {
        return `expected a number from ${p.min ?? "-∞"} to ${p.max ?? "∞"}`;
      }
      return undefined;
    }
    case "boolean": {
      const ok = p.encoding === "onoff" ? ["on", "off"] : ["1", "0"];
      return ok.includes(value) ? undefined : `expected ${ok.join(" or ")}`;
    }
    case "enum":
      return p.open || p.values.some((v) => v.value === value)
        ? undefined
        : `expected one of ${p.values.map((v) => v.value).join(", ")}`;
    case "list":
      return /^[^,]+(,[^,]+)*$/.test(value) ? undefined : "expected a comma-separated list, e.g. 101,103";
  }
}

/** Returns the method's parameters that were given (non-empty); throws ApiError 400 on a problem. */
export function validateParams(method: MethodSpec, query: URLSearchParams): Params {
  const out: Record<string, string> = {};
  for (const p of method.params) {
    const value = query.get(p.name) ?? "";
    if (value === "") {
      if (p.required) throw new ApiError(400, `${p.name}: required`);
      continue;
    }
    const why = problem(p, value);
    if (why) throw new ApiError(400, `${p.name}: ${why}`);
    out[p.name] = value;
  }
  return out;
}
