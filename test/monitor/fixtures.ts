/** Builders for raw WebAPI answers in the shapes the seed documents, for the monitor's unit tests. */
import { buildSnapshot, type Snapshot } from "../../src/monitor";

export interface CallSpec {
  id: number;
  state?: string;
  startedAt?: string;
  answeredAt?: string;
  owner?: string;
  ownerType?: string;
  party?: string;
  talkTo?: string[];
  routingTo?: string[];
  did?: string;
}

export function leg(dnNum: string, dnType = "extension", externalParty = "", status = "Connected"): Record<string, string> {
  return { dnNum, dnType, externalParty, status };
}

/** One callsInfo item as the seed shows it. */
export function callItem(c: CallSpec): Record<string, unknown> {
  return {
    callID: c.id,
    state: c.state ?? (c.answeredAt ? "Talking" : "Routing"),
    startedAt: c.startedAt ?? "2025-01-01T10:00:00Z",
    ...(c.answeredAt !== undefined ? { answeredAt: c.answeredAt } : {}),
    did: c.did ?? "",
    owner: leg(c.owner ?? "100", c.ownerType ?? "extension", c.party ?? ""),
    talkTo: (c.talkTo ?? []).map((n) => leg(n)),
    routingTo: (c.routingTo ?? []).map((n) => leg(n, "extension", "", "Ringing")),
  };
}

export function callsinfo(...calls: CallSpec[]): Record<string, unknown> {
  return { count: calls.length, callsInfo: calls.map(callItem) };
}

export function extState(num: string, over: Record<string, unknown> = {}): Record<string, unknown> {
  return { num, registered: true, status: "Free", fwdName: "Available", qGlobalStatus: true, qStatus: [{ num: "802", status: true }], ...over };
}

export function members(...list: Array<[string, boolean]>): Record<string, unknown> {
  return { count: list.length, members: list.map(([num, loggedIn]) => ({ num, name: `N${num}`, lastname: `L${num}`, loggedIn })) };
}

export const T0 = Date.parse("2025-01-01T10:00:00Z");

export interface Tick {
  at?: number;
  calls?: Record<string, unknown>;
  ext?: Record<string, unknown>;
  queues?: Record<string, unknown>;
}

/** Builds a snapshot from one tick's answers on top of `prev` (as the poller does). */
export function snap(prev: Snapshot | null, t: Tick): Snapshot {
  return buildSnapshot(
    {
      at: t.at ?? T0,
      callsinfo: t.calls ?? callsinfo(),
      extensions: new Map(Object.entries(t.ext ?? {})),
      queues: new Map(Object.entries(t.queues ?? {})),
    },
    prev,
  );
}
