/**
 * The WebAPI's words ↔ XAPI's enumerations (v20.md §8). The simulator keeps its own table on
 * purpose: a test then holds the two to each other instead of one to itself.
 */

/** Forwarding profile: WebAPI name → XAPI CurrentProfileName (Custom 1/2 inferred). */
const PROFILE_TO_XAPI: Readonly<Record<string, string>> = {
  "Available": "Available",
  "Away": "Away",
  "Out of office": "OutOfOffice",
  "Custom 1": "Available2",
  "Custom 2": "OutOfOffice2",
};
const PROFILE_FROM_XAPI: Readonly<Record<string, string>> =
  Object.fromEntries(Object.entries(PROFILE_TO_XAPI).map(([webapi, xapi]) => [xapi, webapi]));

/** A WebAPI profile name (case-insensitive), or an XAPI name as it is. */
export function profileToXapi(name: string): string | undefined {
  const hit = Object.keys(PROFILE_TO_XAPI).find((k) => k.toLowerCase() === name.trim().toLowerCase());
  if (hit) return PROFILE_TO_XAPI[hit];
  return Object.values(PROFILE_TO_XAPI).find((v) => v.toLowerCase() === name.trim().toLowerCase());
}

export function profileFromXapi(name: string): string {
  return PROFILE_FROM_XAPI[name] ?? name;
}

/** recordType as ext.info.get shows it. */
export function recordType(recordCalls: boolean, externalOnly: boolean): string {
  return recordCalls ? (externalOnly ? "External" : "All") : "Off";
}

/** Call Control DN types → the WebAPI's dnType words. */
export function dnType(ccType: string): string {
  const t = ccType.replace(/^W/, "").toLowerCase();
  return t === "externalline" || t === "extension" || t === "queue" || t === "ivr" || t === "routepoint" ? t : t || "extension";
}
