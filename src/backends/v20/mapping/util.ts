/** Small pieces every mapping uses: typed failures, row access, look-ups by number. */
import { WebApiError, type ErrorCode } from "../../../client/errors";
import { quote, rowsOf } from "../odata";
import type { Exchange, Mapped, Confidence, Params } from "./types";

export type Row = Readonly<Record<string, unknown>>;

/** A typed failure of the method; `answer`: what the PBX said (REFUSED), for err.answer. */
export function fail(x: Exchange, code: ErrorCode, text: string, answer?: unknown): WebApiError {
  return new WebApiError(code, x.method, `${x.method} failed: ${text}`, answer === undefined ? {} : { answer });
}

/** A field as text ("" when absent: field names differ between builds, v20.md §6). */
export const str = (r: Row, k: string): string => (typeof r[k] === "string" ? (r[k] as string) : typeof r[k] === "number" ? String(r[k]) : "");
export const bool = (r: Row, k: string): boolean => r[k] === true;

export function asRow(x: Exchange, v: unknown, what: string): Row {
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw fail(x, "BAD_RESPONSE", `the PBX's answer is not ${what}`);
  return v as Row;
}

export function asRows(x: Exchange, v: unknown, what: string): Row[] {
  const rows = Array.isArray(v) ? v : rowsOf(v);
  if (!rows) throw fail(x, "BAD_RESPONSE", `the PBX's answer is not a list of ${what}`);
  return rows.filter((r): r is Row => typeof r === "object" && r !== null);
}

export const XAPI = "/xapi/v1";

/** The one entity whose Number is `num` ($filter works on every build, v20.md §6), else NOT_FOUND. */
export async function byNumber(x: Exchange, entity: string, num: string, what: string, extra: Readonly<Record<string, string>> = {}): Promise<Row> {
  const data = await x.get(`${XAPI}/${entity}`, { $filter: `Number eq ${quote(num)}`, ...extra });
  const row = asRows(x, data, what)[0];
  if (!row) throw fail(x, "NOT_FOUND", `${what} ${num} is not on the PBX`);
  return row;
}

/** The numeric Id of a row (entity keys in XAPI paths). */
export function idOf(x: Exchange, r: Row, what: string): number {
  const id = r.Id;
  if (typeof id !== "number" || !Number.isInteger(id)) throw fail(x, "BAD_RESPONSE", `the PBX's ${what} has no numeric Id`);
  return id;
}

export const split = (v: string | undefined): string[] => (v ?? "").split(",").map((s) => s.trim()).filter((s) => s !== "");

/** A mapping entry. */
export const mapped = (confidence: Confidence, request: string, run: (x: Exchange, p: Params) => Promise<unknown>): Mapped =>
  ({ kind: "mapped", confidence, request, run });

/** Refuses a parameter that has no V20 equivalent, before anything is sent. */
export function noEquivalent(x: Exchange, p: Params, names: readonly string[], why: string): void {
  const given = names.filter((n) => p[n] !== undefined && p[n] !== "");
  if (given.length > 0) throw fail(x, "UNSUPPORTED", `${given.join(", ")} ${given.length > 1 ? "have" : "has"} no equivalent on the 3CX V20 API (${why}); the request was not sent`);
}
