/** The shared poll engine of one PBX (see poll-engine.ts): the same API as before it became a folder. */
export { PollEngine } from "./poll-engine";
export { DEFAULT_POLL_BUDGET, type EngineOptions, type EngineState, type EntryKind, type Subscription, type WatchRequest } from "./api";
