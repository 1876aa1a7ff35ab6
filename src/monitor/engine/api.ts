/** What the poll engine offers its subscribers, and how it is configured (SPEC §3 pollBudget, §5). */
import type { Clock } from "../clock";
import type { PollClient } from "../fetch";
import type { SlowdownOptions } from "../slowdown";
import type { MonitorEvent, Snapshot } from "../types";

export const DEFAULT_POLL_BUDGET = 10;

export type EntryKind = "extension" | "queue";

/** What a subscriber is told about the engine's health, as it concerns its own entries. */
export type EngineState =
  | {
      readonly kind: "polling";
      /** Watched entries (extensions + queues) of this subscriber. */
      readonly entries: number;
      /** How often each of its states is read, at most (ms); 0 when it watches none. */
      readonly refreshMs: number;
      /** The budget stretches the refresh beyond the subscriber's interval. */
      readonly stretched: boolean;
      /** The PBX showed strain: reads are slowed by this factor (1 = not). */
      readonly slowdown: number;
      /** Its entries the PBX refused ("ext 999", "queue 850"), retried rarely. */
      readonly refused: readonly string[];
    }
  | { readonly kind: "down"; readonly code: string; readonly reason: string; readonly retryInMs: number }
  | { readonly kind: "stopped" };

export interface WatchRequest {
  readonly intervalMs: number;
  readonly extensions: readonly string[];
  readonly queues: readonly string[];
  onEvents(events: readonly MonitorEvent[]): void;
  onState?(state: EngineState): void;
  /** An entry of its watch lists that the PBX refused (each time it is refused again, too). */
  onEntryRefused?(kind: EntryKind, num: string, err: unknown): void;
}

export interface Subscription {
  snapshot(): Snapshot | null;
  pollNow(): Promise<Snapshot>;
  read(method: string, params: Readonly<Record<string, string>>): Promise<unknown>;
  close(): Promise<void>;
}

export interface EngineOptions {
  readonly client: PollClient;
  /** Requests per second for entry reads, all subscribers together (default 10). */
  readonly pollBudget?: number;
  /** The longest wait between calls polls while the PBX does not answer (default 60 000 ms). */
  readonly maxBackoffMs?: number;
  /** How often a refused entry is tried again (default 60 000 ms). */
  readonly refusedRetryMs?: number;
  /** Entry reads in flight at once (default 2): a slow PBX gets fewer, not more. */
  readonly maxReadsInFlight?: number;
  /** How long an engine without subscribers keeps its baseline (default 30 000 ms). */
  readonly resumeMs?: number;
  /** Longest wait of pollNow for a subscriber's entries' first reads (default 5000 ms). */
  readonly firstReadWaitMs?: number;
  readonly slowdown?: SlowdownOptions;
  readonly clock?: Clock;
}
