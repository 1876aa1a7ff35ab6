/**
 * The token endpoint and bearer checks of the simulated V20 API: OAuth2 client credentials at
 * POST /connect/token (form body), JWT-shaped tokens with an `exp` claim, one live token per
 * principal unless told otherwise. Secrets are compared in constant time and never logged.
 */
import crypto from "node:crypto";
import type { V20Role } from "./types";

export interface Principal {
  readonly clientId: string;
  readonly apiKey: string;
  role: V20Role;
  readonly version: string;
  readonly lifetimeSec: number;
  readonly singleToken: boolean;
}

const sha = (s: string): Buffer => crypto.createHash("sha256").update(s).digest();
const same = (a: string, b: string): boolean => crypto.timingSafeEqual(sha(a), sha(b));

/** Before 20.0.9 3CX sent expires_in in minutes (v20.md §1). */
export function minutesBuild(version: string): boolean {
  const m = /^(\d+)\.(\d+)\.(\d+)/.exec(version);
  if (!m) return false;
  const [a, b, c] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return a < 20 || (a === 20 && b === 0 && c < 9);
}

export class TokenBook {
  /** Token → expiry (epoch ms). */
  private readonly live = new Map<string, number>();
  issued = 0;
  /** Every token handed out (the secrecy tests scan for them); bounded. */
  readonly history: string[] = [];

  constructor(readonly principal: Principal, private readonly now: () => number = Date.now) {}

  /** The answer to a token request body (application/x-www-form-urlencoded). */
  grant(form: URLSearchParams): { status: number; body: Record<string, unknown> } {
    if (form.get("grant_type") !== "client_credentials") {
      return { status: 400, body: { error: "unsupported_grant_type", error_description: "grant_type must be client_credentials" } };
    }
    const id = form.get("client_id") ?? "";
    const secret = form.get("client_secret") ?? "";
    if (!same(id, this.principal.clientId) || !same(secret, this.principal.apiKey)) {
      return { status: 401, body: { error: "unauthorized", error_description: "Invalid client credentials" } };
    }
    const now = this.now();
    const exp = Math.floor(now / 1000) + this.principal.lifetimeSec;
    const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString("base64url");
    const token = `${b64({ alg: "HS256", typ: "JWT" })}.${b64({ sub: id, exp, jti: crypto.randomUUID() })}.${crypto.randomBytes(16).toString("base64url")}`;
    if (this.principal.singleToken) this.live.clear();
    this.live.set(token, exp * 1000);
    this.issued++;
    this.history.push(token);
    if (this.history.length > 1000) this.history.shift();
    const expiresIn = minutesBuild(this.principal.version) ? Math.round(this.principal.lifetimeSec / 60) : this.principal.lifetimeSec;
    return { status: 200, body: { token_type: "Bearer", expires_in: expiresIn, access_token: token, refresh_token: null } };
  }

  /** Whether an Authorization header carries a live token. */
  accepts(header: string | undefined): boolean {
    const m = /^Bearer (\S+)$/.exec(header ?? "");
    if (!m) return false;
    const exp = this.live.get(m[1]);
    if (exp === undefined) return false;
    if (exp <= this.now()) {
      this.live.delete(m[1]);
      return false;
    }
    return true;
  }

  get liveCount(): number {
    const now = this.now();
    return [...this.live.values()].filter((e) => e > now).length;
  }

  revokeAll(): void {
    this.live.clear();
  }
}
