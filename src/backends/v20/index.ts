/** The 3CX V20 backend (api "v20"): Call Control API + Configuration API (XAPI). Plain TS. */
export { V20Client } from "./client";
export { type V20Options } from "./options";
export { TokenManager, jwtExpiry, tokenLifetimeMs, renewAt, type RawToken, type TokenManagerOptions } from "./token";
export { acquireTokens, sharedTokenCount, type SharedTokens } from "./shared-tokens";
export { V20_METHODS, v20Support, type V20Support, type V20Method, type Confidence } from "./mapping";
