/** HTTP client for the 3CX WebAPI (plain TS, no Node-RED). */
export { WebApiClient, type WebApiResult, type CallOptions } from "./client";
export type { Priority } from "./slots";
export { WebApiError, type ErrorCode } from "./errors";
export { normalizeFqdn } from "./fqdn";
export { DEFAULTS, type ClientOptions, type TlsOptions } from "./options";
