/**
 * The PBX's local day: the calendar date of an instant in a time zone ("2026-12-01"), so that
 * today's queue figures reset at local midnight, not at UTC midnight.
 */

export class TimeZoneError extends Error {
  readonly code = "BAD_CONFIG";
}

/** The runtime's own zone ("Europe/Berlin"), the default when the monitor names none. */
export function runtimeTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
}

/** A function giving the local date of an instant. Throws TimeZoneError for an unknown zone. */
export function localDay(timeZone: string): (ms: number) => string {
  let fmt: Intl.DateTimeFormat;
  try {
    // en-CA prints dates as YYYY-MM-DD.
    fmt = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" });
  } catch {
    throw new TimeZoneError(`time zone: "${timeZone}" is not an IANA time zone such as Europe/Berlin or UTC`);
  }
  return (ms) => fmt.format(ms);
}
