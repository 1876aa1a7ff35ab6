/**
 * One poll's requests: `pbx.callsinfo.get`, `ext.state.get` per watched extension and
 * `queue.members.get` per watched queue, all at once through the shared client (which caps how
 * many are in flight). If the calls list fails, or any read fails because the PBX is not answering,
 * the whole tick fails (the PBX is down). A watched entry the PBX refuses (an unknown extension, a
 * 404) is left out of this poll and reported, so one typo does not take the monitor down.
 */
import type { PollAnswers } from "./snapshot";

/** What the monitor needs of the WebAPI client (`WebApiClient` fits). */
export interface PollClient {
  call(method: string, params: Readonly<Record<string, string>>, opts?: { signal?: AbortSignal; priority?: "action" | "monitor" }): Promise<{ data: unknown }>;
}

export interface WatchLists {
  readonly extensions: readonly string[];
  readonly queues: readonly string[];
}

/** Errors that mean the PBX (not one entry) is the problem. */
const PBX_DOWN_CODES = new Set(["UNREACHABLE", "TIMEOUT", "TLS", "AUTH", "ABORTED", "BAD_CONFIG"]);

export function isPbxDown(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== "string") return true;
  return PBX_DOWN_CODES.has(code) || /^HTTP_5\d\d$/.test(code);
}

/** "101, 102,,103 " → ["101","102","103"] (trimmed, blanks and repeats dropped). */
export function parseList(s: unknown): string[] {
  if (Array.isArray(s)) return parseList(s.join(","));
  if (typeof s !== "string" && typeof s !== "number") return [];
  return [...new Set(String(s).split(/[\s,;]+/).map((x) => x.trim()).filter((x) => x !== ""))];
}

/**
 * Fetches one poll. `onEntryError(kind, num, err)` hears about a watched entry left out.
 */
export async function fetchPoll(
  client: PollClient,
  watch: WatchLists,
  signal: AbortSignal,
  onEntryError: (kind: "extension" | "queue", num: string, err: unknown) => void,
): Promise<PollAnswers> {
  // The first failure fails the tick: abort the requests still out instead of waiting for them.
  const inner = new AbortController();
  const abort = (): void => inner.abort();
  signal.addEventListener("abort", abort);
  if (signal.aborted) inner.abort();
  // Background reads: actions go ahead of them and always find a slot (the client's priorities).
  const opts = { signal: inner.signal, priority: "monitor" as const };
  const entry = async (kind: "extension" | "queue", method: string, num: string): Promise<[string, unknown]> => {
    try {
      return [num, (await client.call(method, { num }, opts)).data];
    } catch (err) {
      if (isPbxDown(err)) throw err;
      onEntryError(kind, num, err);
      return [num, undefined];
    }
  };
  try {
    const [calls, exts, queues] = await Promise.all([
      client.call("pbx.callsinfo.get", {}, opts),
      Promise.all(watch.extensions.map((num) => entry("extension", "ext.state.get", num))),
      Promise.all(watch.queues.map((num) => entry("queue", "queue.members.get", num))),
    ]);
    return { callsinfo: calls.data, extensions: new Map(exts), queues: new Map(queues) };
  } catch (err) {
    inner.abort();
    throw err;
  } finally {
    signal.removeEventListener("abort", abort);
  }
}
