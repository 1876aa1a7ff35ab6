/** The monitor's plain-TS parts: snapshot model, diff, poll loop, webhook reading. No Node-RED. */
export * from "./types";
export { buildSnapshot, parseTime, ringingDns, BadAnswerError, type PollAnswers, type RawPoll } from "./snapshot";
export { diffSnapshots, extensionChanges } from "./diff";
export { Poller, PollerStoppedError, snapshotPayload, type PollerOptions, type PollerState } from "./poller";
export { fetchPoll, isPbxDown, parseList, type PollClient, type WatchLists } from "./fetch";
export { parseWebhook, MalformedWebhookError, callIdOf, callKeyOf, type ParsedWebhook, type WebhookKind } from "./webhook";
export { WebhookCalls } from "./webhook-calls";
export { parseAllowList, canonicalAddress, AllowListError, type AllowList } from "./allow-list";
export { tokenMatches } from "./token";
export { createWebhookHandler, DEFAULT_MAX_BYTES, type ReceiverOptions, type RefusalReason } from "./receiver";
export { mountRoute, countRoutes, normalizePath, nodeMiddleware, PathInUseError, type HttpApp } from "./route";
export { eventFilter, intervalMs, DEFAULT_INTERVAL_S, MIN_INTERVAL_S } from "./options";
export { PollEngine, DEFAULT_POLL_BUDGET, type EngineOptions, type EngineState, type EntryKind, type Subscription, type WatchRequest } from "./engine";
export { Slowdown, isStrain, MAX_SLOWDOWN } from "./slowdown";
export { parseWatchList, MAX_RANGE, type WatchList } from "./watch-list";
export { realClock, type Clock } from "./clock";
