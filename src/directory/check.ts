/**
 * NOT_FOUND (SPEC §4): before a write or call control is sent, every parameter that names an
 * extension, queue, ring group or IVR (the catalog's `pick`) must be in the PBX's own list.
 * Only what the lists can know is checked: free-text numbers (makecall's `first` and `second`,
 * transfer's `dest`, external numbers) have no `pick`, and numbers being created are left alone.
 */
import type { MethodSpec } from "../catalog";
import { WebApiError } from "../client/errors";
import { DIRECTORY_LISTS, isDirectoryKind, type Directory, type DirectoryKind } from "./directory";

const NAMES: Readonly<Record<DirectoryKind, string>> = {
  extension: "an extension", queue: "a queue", group: "a ring group", ivr: "an IVR",
};

const MAX_SHOWN = 40;
const shown = (v: string): string => (v.length > MAX_SHOWN ? `${v.slice(0, MAX_SHOWN)}…` : v);

/** The NOT_FOUND error for the first number the PBX does not have, or undefined (also when unknown). */
export async function checkNumbers(spec: MethodSpec, params: Readonly<Record<string, string>>, dir: Directory): Promise<WebApiError | undefined> {
  if (spec.kind !== "write") return undefined;
  for (const p of spec.params) {
    const value = params[p.name];
    if (value === undefined || p.creates || !isDirectoryKind(p.pick)) continue;
    const nums = p.type === "list" ? value.split(",").map((s) => s.trim()).filter((s) => s !== "") : [value];
    for (const num of nums) {
      if ((await dir.has(p.pick, num)) !== false) continue;
      const list = DIRECTORY_LISTS[p.pick].method;
      return new WebApiError("NOT_FOUND", spec.name,
        `${spec.name}: ${p.name} ${JSON.stringify(shown(num))} is not ${NAMES[p.pick]} of this PBX (not in ${list}, read again just now); `
        + `nothing was sent. If the PBX's lists are incomplete, untick "Check numbers" in the PBX configuration`);
    }
  }
  return undefined;
}

/** After a write succeeded: what it created or deleted is known at once (no list read needed). */
export function noteWrite(spec: MethodSpec, params: Readonly<Record<string, string>>, dir: Directory): void {
  const created = /\.new$/.test(spec.name);
  if (!created && !/\.del$/.test(spec.name)) return;
  const p = spec.params.find((q) => q.name === "num" && isDirectoryKind(q.pick));
  const num = params.num;
  if (p && isDirectoryKind(p.pick) && num !== undefined) dir.note(p.pick, num, created);
}
