/** OData v4 details of XAPI (v20.md §5): quoting, paging, error bodies, versions. */
import { errorObject } from "../../client/failure";

/** A string literal for $filter and key segments: quoted, every ' doubled. */
export function quote(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** XAPI pages at most 100 rows (some builds answer 400 above it). */
export const PAGE = 100;
/** A runaway listing stops here (10 000 rows). */
export const MAX_PAGES = 100;

/** The rows of one OData collection answer, or undefined when it is not one. */
export function rowsOf(data: unknown): unknown[] | undefined {
  if (typeof data !== "object" || data === null) return undefined;
  const v = (data as { value?: unknown }).value;
  return Array.isArray(v) ? v : undefined;
}

export function countOf(data: unknown): number | undefined {
  if (typeof data !== "object" || data === null) return undefined;
  const c = (data as Record<string, unknown>)["@odata.count"];
  return typeof c === "number" && Number.isInteger(c) && c >= 0 ? c : undefined;
}

/** The text of an OData error body (`error.message`, else the first detail), or of a token error. */
export function errorText(body: string): string {
  const o = errorObject(body);
  if (!o) return "";
  if (typeof o.error_description === "string" && o.error_description) return o.error_description;
  const e = o.error;
  if (typeof e === "string") return e;
  if (typeof e === "object" && e !== null) {
    const err = e as { message?: unknown; details?: unknown };
    if (typeof err.message === "string" && err.message) return err.message;
    if (Array.isArray(err.details)) {
      const d = err.details[0] as { message?: unknown } | undefined;
      if (typeof d?.message === "string") return d.message;
    }
  }
  if (typeof o.reasontext === "string") return o.reasontext;
  return typeof o.message === "string" ? o.message : "";
}

/** "20.0.8.1109" → [20, 0, 8]; undefined when unreadable. */
export function parseVersion(text: unknown): readonly [number, number, number] | undefined {
  if (typeof text !== "string") return undefined;
  const m = /^(\d+)\.(\d+)\.(\d+)/.exec(text.trim());
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
}

/** version ≥ at (first three parts); an unknown version counts as the newest. */
export function atLeast(version: string | undefined, at: readonly [number, number, number]): boolean {
  const v = parseVersion(version);
  if (!v) return true;
  for (let i = 0; i < 3; i++) if (v[i] !== at[i]) return v[i] > at[i];
  return true;
}
