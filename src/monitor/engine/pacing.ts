/**
 * When the next entry read may start: never closer than one budget gap after the last (no burst),
 * urgent work as soon as that allows, the round robin when its most stale entry is due, spread over
 * the periods when the budget has room. Arithmetic only; the engine keeps the timer.
 */

/** The shortest time between two read starts: `budget` reads per second, slowed by `slowdown`. */
export function readGapMs(budget: number, slowdown: number): number {
  return 1000 / (budget / slowdown);
}

/** How much the budget stretches every entry's period (1 = each is read as often as wished). */
export function stretchOf(demandPerS: number, budget: number, slowdown: number): number {
  return Math.max(1, demandPerS / (budget / slowdown));
}

export interface ReadWork {
  /** The earliest due time of an entry not being read (Infinity: none). */
  earliestDue(): number;
  /** Entry reads per second wished for. */
  demand(): number;
}

/**
 * When the next read may start (undefined: nothing to read). `urgent`: something waits ahead of
 * the round robin; `work` is asked only when it does not (the round robin costs a pass over all).
 */
export function nextReadAt(lastReadStart: number, gapMs: number, urgent: boolean, work: ReadWork): number | undefined {
  if (urgent) return lastReadStart + gapMs;
  const due = work.earliestDue();
  if (due === Infinity) return undefined;
  // Room in the budget: spread the reads over the periods instead of bunching them (with a
  // fifth to spare, so that a late answer does not make every later read late too).
  const demand = work.demand() * 1.25;
  const spread = demand > 0 ? Math.max(gapMs, 1000 / demand) : gapMs;
  return Math.max(due, lastReadStart + spread);
}
