/**
 * Reads one request of the WebAPI's webhook generator (reference/webapi.md §3) into a classified,
 * key-normalised form. Accepts the POST (JSON) and GET (query) schemes, the old and new event names
 * (`hangupincoming` → `pickupincoming`), the recording request (`FILES`), `ai`, and the K2M variant
 * with Capitalised keys (`Event`, `Callerid`, `FileUrls`, …) and its events `incomingcall_started`
 * and `recording`. Pure: no clock, no I/O.
 */

/** What a webhook request means, before it becomes events. */
export type WebhookKind = "ringing" | "started" | "answered" | "ended" | "recording" | "ai" | "unknown";

export interface ParsedWebhook {
  readonly kind: WebhookKind;
  /** The event name as sent (trimmed, lower-case); "" for a bare recording request. */
  readonly event: string;
  readonly direction?: "inbound" | "outbound";
  /** Every field, keys lower-cased, the token removed. */
  readonly fields: Readonly<Record<string, unknown>>;
}

/** A request that is not a webhook at all: answered 400. */
export class MalformedWebhookError extends Error {}

const EVENTS: Readonly<Record<string, { kind: WebhookKind; direction?: "inbound" | "outbound" }>> = {
  ringing: { kind: "ringing" },
  dialing: { kind: "started", direction: "outbound" },
  // The generator's "call start" is the answer; before 2024 it was called hangup… despite the name.
  hangupincoming: { kind: "answered", direction: "inbound" },
  hangupoutgoing: { kind: "answered", direction: "outbound" },
  pickupincoming: { kind: "answered", direction: "inbound" },
  pickupoutgoing: { kind: "answered", direction: "outbound" },
  incomingcall_started: { kind: "answered", direction: "inbound" }, // K2M
  incoming: { kind: "ended", direction: "inbound" },
  outgoing: { kind: "ended", direction: "outbound" },
  recording: { kind: "recording" }, // K2M
  ai: { kind: "ai" },
};

/** Field names whose values may carry a credential and are never passed on. */
const SECRET_FIELDS = new Set(["token"]);

/** Lower-cases the keys (K2M capitalises them); the first non-empty value of a key wins. */
export function normalizeKeys(input: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(input)) {
    const key = k.trim().toLowerCase();
    if (SECRET_FIELDS.has(key) || key === "__proto__") continue;
    if (out[key] === undefined || out[key] === "") out[key] = v;
  }
  return out;
}

/** FILES / FileUrls: an array of URLs, a JSON array in a string, or a comma list. */
export function fileList(v: unknown): string[] {
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === "string" && x !== "");
  if (typeof v !== "string" || v.trim() === "") return [];
  const s = v.trim();
  if (s.startsWith("[")) {
    try {
      return fileList(JSON.parse(s));
    } catch {
      // not JSON after all: fall through to the list reading
    }
  }
  return s.split(/[\s,]+/).filter((x) => x !== "");
}

/**
 * Classifies a request's fields. Throws MalformedWebhookError when it has neither an event nor
 * recording URLs. An event name we do not know is kind "unknown" (accepted, nothing emitted).
 */
export function parseWebhook(input: unknown): ParsedWebhook {
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    throw new MalformedWebhookError("expected an object of webhook fields");
  }
  const fields = normalizeKeys(input as Record<string, unknown>);
  const files = fields.files ?? fields.fileurls;
  const rawEvent = fields.event;
  if (rawEvent !== undefined && typeof rawEvent !== "string") throw new MalformedWebhookError("event: expected a string");
  const event = (rawEvent ?? "").trim().toLowerCase();
  // The recording request comes after the end event and may repeat its fields: it is a recording, not a second end.
  if (files !== undefined && fileList(files).length > 0) return { kind: "recording", event, fields };
  if (event === "") throw new MalformedWebhookError("event: missing (and no FILES)");
  const known = EVENTS[event];
  if (!known) return { kind: "unknown", event, fields };
  return { kind: known.kind, event, fields, ...(known.direction ? { direction: known.direction } : {}) };
}

/** A string field (numbers as their text); undefined when absent or blank. */
export function text(fields: Readonly<Record<string, unknown>>, key: string): string | undefined {
  const v = fields[key];
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  if (typeof v !== "string") return undefined;
  const t = v.trim();
  return t === "" ? undefined : t;
}

/** The 3CX call id inside a webhook id or a recording file name: "230115121143_9-1" → 9 [inferred format]. */
export function callIdOf(id: string | undefined): number | null {
  const m = id === undefined ? null : /(?:^|\D)\d{12}_(\d+)/.exec(id);
  return m ? Number(m[1]) : null;
}

/**
 * What identifies one call across its webhooks: the id without its segment suffix (the suffix
 * changes from -0 to -1 when the call is answered), else the chid, else the id as it is.
 */
export function callKeyOf(fields: Readonly<Record<string, unknown>>, files: readonly string[] = []): string | undefined {
  const id = text(fields, "id");
  if (id) {
    const m = /^(\d{12}_\d+)(?:-\d+)*$/.exec(id);
    return m ? m[1] : id;
  }
  const chid = text(fields, "chid");
  if (chid) return chid;
  for (const f of files) {
    const m = /(\d{12}_\d+)(?:-\d+)*\.mp3$/i.exec(f);
    if (m) return m[1];
  }
  return undefined;
}

/** "00:06", "3:24", "1:02:03" → seconds. */
export function clockSeconds(s: string | undefined): number | undefined {
  if (!s || !/^\d+(?::\d{1,2}){1,2}$/.test(s)) return undefined;
  return s.split(":").reduce((acc, part) => acc * 60 + Number(part), 0);
}

/** The time in a call title: "…Answered call from 420774852629 (0:07)" → 7; "…call 420774852640(3:24)" → 204. */
export function titleSeconds(title: string | undefined): number | undefined {
  const m = title === undefined ? null : /\((\d+(?::\d{1,2}){1,2})\)\s*$/.exec(title);
  return m ? clockSeconds(m[1]) : undefined;
}
