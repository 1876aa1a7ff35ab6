/** Reading the monitor node's saved properties (what an old or hand-edited flow may hold, too). */
import { parseList } from "./fetch";
import { EVENT_NAMES, OFF_BY_DEFAULT, isEventName } from "./types";

/** Default poll interval (seconds). */
export const DEFAULT_INTERVAL_S = 2;
/** Smallest poll interval (seconds). Fractions are allowed: tests poll every 50 ms. */
export const MIN_INTERVAL_S = 0.05;

/**
 * The events to emit: the node's list (an array, or comma text). Missing or blank text (a flow
 * from before the filter, or written by hand) = all but the off-by-default ones (webhook.event);
 * an empty array = the user unticked them all.
 */
export function eventFilter(v: unknown): Set<string> {
  if (v === undefined || v === null || (typeof v === "string" && v.trim() === "")) return new Set<string>(EVENT_NAMES.filter((e) => !OFF_BY_DEFAULT.has(e)));
  return new Set<string>(parseList(v).filter(isEventName));
}

/** The interval property (seconds, number or text) → ms; blank or invalid = the default. */
export function intervalMs(v: unknown): number {
  const n = typeof v === "number" ? v : typeof v === "string" && v.trim() !== "" ? Number(v) : NaN;
  return Math.round(Math.max(MIN_INTERVAL_S, Number.isFinite(n) && n > 0 ? n : DEFAULT_INTERVAL_S) * 1000);
}
