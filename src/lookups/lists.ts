/**
 * The PBX's live lists for the editor's pickers (extensions, queues, …), read through the client.
 * Plain TypeScript: the config node's admin routes call it.
 */
import type { PickList } from "../catalog";
import type { PbxClient } from "../backends/types";

export interface ListItem {
  readonly value: string;
  readonly label: string;
}

/** Which read method lists each kind, and the key of its answer that holds the list. */
const LIST_SOURCES: Readonly<Record<PickList, { method: string; key: string }>> = {
  extension: { method: "all.ext.get", key: "nums" },
  queue: { method: "all.queue.get", key: "nums" },
  group: { method: "all.group.get", key: "nums" },
  ivr: { method: "all.ivr.get", key: "nums" },
  line: { method: "all.line.get", key: "nums" },
  extgroup: { method: "all.extgroup.get", key: "extGroups" },
};

export const LIST_KINDS = Object.keys(LIST_SOURCES) as PickList[];

export function isListKind(kind: string): kind is PickList {
  return Object.prototype.hasOwnProperty.call(LIST_SOURCES, kind);
}

/** Extension names cost one request each: name at most this many, the rest by number. */
export const MAX_NAMED_EXTENSIONS = 200;

function asStrings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string | number => typeof v === "string" || typeof v === "number").map(String) : [];
}

function extensionLabel(num: string, info: unknown): string {
  if (typeof info !== "object" || info === null) return num;
  const { name, lastname } = info as { name?: unknown; lastname?: unknown };
  const full = [name, lastname].filter((p): p is string => typeof p === "string" && p !== "").join(" ");
  return full ? `${num} ${full}` : num;
}

export async function loadList(client: Pick<PbxClient, "call">, kind: PickList, signal?: AbortSignal): Promise<ListItem[]> {
  const source = LIST_SOURCES[kind];
  const answer = await client.call(source.method, {}, { signal });
  const values = asStrings((answer.data as Record<string, unknown> | null)?.[source.key]);
  if (kind !== "extension") return values.map((value) => ({ value, label: value }));
  // Names come from ext.info.get; the client's concurrency cap keeps this polite to the PBX.
  return Promise.all(values.map(async (value, i) => {
    if (i >= MAX_NAMED_EXTENSIONS) return { value, label: value };
    try {
      const info = await client.call("ext.info.get", { num: value }, { signal });
      return { value, label: extensionLabel(value, info.data) };
    } catch {
      return { value, label: value };
    }
  }));
}

/** The license fields "Test connection" shows, and nothing else of the answer. */
export interface LicenseSummary {
  readonly product?: string;
  readonly version?: string;
  readonly release?: string;
  readonly licenseExpire?: string;
  readonly concurrentCalls?: number | string;
  readonly clientLicensesNum?: number | string;
}

const LICENSE_FIELDS = ["product", "version", "release", "licenseExpire", "concurrentCalls", "clientLicensesNum"] as const;

export function licenseSummary(data: unknown): LicenseSummary {
  const out: Record<string, string | number> = {};
  if (typeof data !== "object" || data === null) return out;
  for (const field of LICENSE_FIELDS) {
    const v = (data as Record<string, unknown>)[field];
    if (typeof v === "string" || typeof v === "number") out[field] = typeof v === "string" ? v.slice(0, 200) : v;
  }
  return out;
}
