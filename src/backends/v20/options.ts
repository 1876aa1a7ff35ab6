/** Options of the V20 client, checked once at construction (deploy time). */
import { configError } from "../../client/errors";
import { checkAccessKey, checkSettings, type ClientOptions, type Settings } from "../../client/options";

export interface V20Options extends ClientOptions {
  /** The API client ID (Admin → Integrations → API); `accessKey` is its API key. */
  clientId: string;
  /** Epoch ms for token lifetimes; tests pass a fake clock. */
  now?: () => number;
}

export interface V20Settings extends Settings {
  readonly clientId: string;
  readonly apiKey: string;
}

/** Letters, digits, dot, dash, underscore: 3CX takes numeric IDs most safely (v20.md §1). */
const CLIENT_ID = /^[A-Za-z0-9._-]{1,64}$/;

export function checkV20Options(o: V20Options): V20Settings {
  const clientId = typeof o.clientId === "string" ? o.clientId.trim() : "";
  if (clientId === "") throw configError("clientId is required for api v20: the Client ID of the API client in the 3CX admin console (Integrations → API)");
  if (!CLIENT_ID.test(clientId)) throw configError("clientId must be letters, digits, '.', '-' or '_' (the 3CX API Client ID, e.g. 900)");
  let apiKey: string;
  try {
    apiKey = checkAccessKey(o.accessKey);
  } catch {
    throw configError("the API key is required for api v20: set it in the PBX configuration's API key field (it is shown once when the API client is created)");
  }
  return { ...checkSettings(o), clientId, apiKey };
}
