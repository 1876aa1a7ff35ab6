/** Options and controls of the simulator's V20 side (the official Call Control API and XAPI). */

/** XAPI role names (v20.md §7). */
export type V20Role = "system_owners" | "system_admins" | "group_owners" | "managers" | "group_admins" | "receptionists" | "users";

export const V20_ROLES: readonly V20Role[] = ["system_owners", "system_admins", "group_owners", "managers", "group_admins", "receptionists", "users"];

export interface V20SimOptions {
  /** The API client ID (default "900"; also its route point DN). */
  clientId?: string;
  /** Its API key (default $THREECX_SIM_API_KEY or "simulator-api-key"). */
  apiKey?: string;
  /** The principal's role (default system_admins); "users" gets 403 from XAPI (but Defs) and may still use Call Control. */
  role?: V20Role;
  /** X-3CX-Version (default 20.0.10.412). Below 20.0.9: expires_in in minutes, no GetContactsByNumber. */
  version?: string;
  /** Token lifetime in seconds (default 3600). */
  tokenLifetimeSec?: number;
  /** A new token revokes the principal's older ones (default true: the PBX allows one live token, v20.md §1). */
  singleToken?: boolean;
  /** DNs Call Control reaches besides the route point (default: every extension, queue, ring group and IVR). */
  monitored?: string[];
}

export interface V20Control {
  readonly clientId: string;
  readonly apiKey: string;
  role: V20Role;
  readonly version: string;
  /** The tokens handed out (newest last, at most 1000): secrets, for tests that scan for them. */
  readonly issuedTokens: readonly string[];
  /** Tokens issued so far. */
  readonly tokensIssued: number;
  /** Tokens that would be accepted now. */
  readonly liveTokens: number;
  /** Makes every issued token invalid at once (the next API request answers 401). */
  revokeTokens(): void;
  /** Call Control WebSockets open now. */
  readonly sockets: number;
  /** WebSocket messages sent so far. */
  readonly pushed: number;
  /** Cuts every Call Control WebSocket (a network loss); returns how many. */
  dropSockets(): number;
  /** Messages numbered but not sent so far (`loseMessages`). */
  readonly lost: number;
  /** The next `count` messages to every open socket are lost (numbered, not sent; 0 ends it); returns how many sockets. */
  loseMessages(count: number): number;
  /** Expires every token now, and closes the WebSockets opened with one (as the PBX would); returns how many. */
  expireTokens(): number;
}
