/**
 * One live OAuth2 access token per V20 service principal (v20.md §1): the PBX allows one active
 * token per principal, so every user of it (XAPI, Call Control REST, the WebSocket) asks this
 * manager. A token is fetched on demand, renewed before it expires, and at most one fetch runs at a
 * time (the lock: concurrent callers share it). After a 401 the caller invalidates the token it
 * used, and the next caller fetches a new one. Time comes from `now`, so tests use a fake clock.
 */

/** The token endpoint's answer, as far as the manager needs it. */
export interface RawToken {
  readonly access_token?: unknown;
  readonly expires_in?: unknown;
}

export type TokenFetcher = () => Promise<RawToken>;

export interface TokenManagerOptions {
  /** Sends one token request (POST /connect/token); throws a typed error when refused. */
  readonly fetch: TokenFetcher;
  /** Epoch ms; default Date.now. */
  readonly now?: () => number;
  /** Called with every new token, so its holder can redact it (tokens are secrets). */
  readonly onToken?: (token: string) => void;
}

interface Grant {
  readonly token: string;
  /** When it stops being used: before its expiry, see renewAt(). */
  readonly renewAt: number;
  readonly expiresAt: number;
}

/** The JWT `exp` claim in epoch ms, when the token is a JWT that carries one. */
export function jwtExpiry(token: string): number | undefined {
  const parts = token.split(".");
  if (parts.length !== 3) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(parts[1], "base64url").toString("utf8")) as { exp?: unknown };
    return typeof claims.exp === "number" && Number.isFinite(claims.exp) && claims.exp > 0 ? claims.exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Lifetime of a token in ms. The JWT `exp` wins; else `expires_in` is read as seconds (3CX sent
 * minutes before 20.0.9, v20.md §1): reading minutes as seconds only renews early, never late.
 */
export function tokenLifetimeMs(token: string, expiresIn: unknown, now: number): number {
  const exp = jwtExpiry(token);
  if (exp !== undefined && exp > now) return exp - now;
  const n = typeof expiresIn === "number" ? expiresIn : typeof expiresIn === "string" ? Number(expiresIn) : NaN;
  return Number.isFinite(n) && n > 0 ? n * 1000 : 60_000;
}

/** Renew a minute before expiry, but never in the first half of a short lifetime. */
export function renewAt(issuedAt: number, lifetimeMs: number): number {
  return issuedAt + Math.max(lifetimeMs - 60_000, lifetimeMs / 2);
}

export class TokenManager {
  readonly #fetch: TokenFetcher;
  readonly #now: () => number;
  readonly #onToken?: (token: string) => void;
  #grant: Grant | undefined;
  /** The one token request in flight: the lock every caller waits on. */
  #pending: Promise<Grant> | undefined;
  #requests = 0;

  constructor(opts: TokenManagerOptions) {
    this.#fetch = opts.fetch;
    this.#now = opts.now ?? Date.now;
    this.#onToken = opts.onToken;
  }

  /** Token requests sent so far (tests and the bench count them). */
  get requests(): number {
    return this.#requests;
  }

  /** The token held now, even if due for renewal (for redaction by a client that joins later). */
  get current(): string | undefined {
    return this.#grant?.token;
  }

  /** When the current token expires (epoch ms), if there is one. */
  get expiresAt(): number | undefined {
    return this.#grant?.expiresAt;
  }

  /** A live token: the current one, or a new one (one request however many callers ask at once). */
  async token(): Promise<string> {
    const g = this.#grant;
    if (g && this.#now() < g.renewAt) return g.token;
    return (await this.#renew()).token;
  }

  /** The PBX refused `token` (401): drop it, unless it was already replaced. */
  invalidate(token: string): void {
    if (this.#grant?.token === token) this.#grant = undefined;
  }

  /** Forgets the token (config node closed, or the secret changed). */
  clear(): void {
    this.#grant = undefined;
  }

  #renew(): Promise<Grant> {
    if (this.#pending) return this.#pending;
    const p = this.#request().finally(() => {
      if (this.#pending === p) this.#pending = undefined;
    });
    this.#pending = p;
    return p;
  }

  async #request(): Promise<Grant> {
    this.#requests++;
    const raw = await this.#fetch();
    const token = raw.access_token;
    if (typeof token !== "string" || token === "") throw new TypeError("the token answer has no access_token");
    this.#onToken?.(token);
    const now = this.#now();
    const life = tokenLifetimeMs(token, raw.expires_in, now);
    const grant: Grant = { token, renewAt: renewAt(now, life), expiresAt: now + life };
    this.#grant = grant;
    return grant;
  }
}
