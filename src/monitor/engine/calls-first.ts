/**
 * Calls first: an extension that joins, leaves or changes its leg in a call is read ahead of the
 * round robin, so its extension.status follows the calls list within about one tick.
 */
import type { CallInfo, TrackedCall } from "../types";

type Calls = ReadonlyMap<string, TrackedCall> | undefined;

/** Per watched DN: the calls and legs it is in ("id:role:status;…"). */
function legSignatures(calls: Calls, watched: (dn: string) => boolean): Map<string, string> {
  const out = new Map<string, string>();
  if (!calls) return out;
  const add = (id: string, role: string, leg: unknown): void => {
    const dn = (leg as { dnNum?: unknown } | null)?.dnNum;
    if (dn === undefined || dn === null || !watched(String(dn))) return;
    const key = String(dn);
    out.set(key, `${out.get(key) ?? ""}${id}:${role}:${String((leg as { status?: unknown }).status ?? "")};`);
  };
  for (const [id, t] of calls) {
    const c: CallInfo = t.call;
    add(id, "o", c.owner);
    if (Array.isArray(c.talkTo)) for (const leg of c.talkTo) add(id, "t", leg);
    if (Array.isArray(c.routingTo)) for (const leg of c.routingTo) add(id, "r", leg);
  }
  return out;
}

/** The watched DNs whose part in the calls differs between two calls lists. */
export function changedLegs(before: Calls, after: Calls, watched: (dn: string) => boolean): string[] {
  const a = legSignatures(before, watched);
  const b = legSignatures(after, watched);
  return [...new Set([...a.keys(), ...b.keys()])].filter((dn) => a.get(dn) !== b.get(dn));
}
