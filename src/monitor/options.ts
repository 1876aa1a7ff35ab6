/** Reading the monitor node's saved properties (what an old or hand-edited flow may hold, too). */
import { parseList } from "./fetch";
import { EVENT_NAMES, isEventName } from "./types";

/** Default poll interval (seconds). */
export const DEFAULT_INTERVAL_S = 2;
/** Smallest poll interval (seconds). Fractions are allowed: tests poll every 50 ms. */
export const MIN_INTERVAL_S = 0.05;

/** The events to emit: the node's list (array or comma text); missing or empty = all. */
export function eventFilter(v: unknown): Set<string> {
  const list = parseList(v).filter(isEventName);
  return new Set<string>(list.length > 0 ? list : EVENT_NAMES);
}

/** The interval property (seconds, number or text) → ms; blank or invalid = the default. */
export function intervalMs(v: unknown): number {
  const n = typeof v === "number" ? v : typeof v === "string" && v.trim() !== "" ? Number(v) : NaN;
  return Math.round(Math.max(MIN_INTERVAL_S, Number.isFinite(n) && n > 0 ? n : DEFAULT_INTERVAL_S) * 1000);
}
