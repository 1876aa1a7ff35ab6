// The V20 token manager on a fake clock: one token request however many callers ask at once,
// renewal before expiry, the JWT exp claim over expires_in, minutes read as seconds, invalidation.
import assert from "node:assert/strict";
import { TokenManager, jwtExpiry, renewAt, tokenLifetimeMs, type RawToken } from "../../src/backends/v20";

const jwt = (expSec: number, n = 0): string =>
  `${Buffer.from('{"alg":"none"}').toString("base64url")}.${Buffer.from(JSON.stringify({ exp: expSec, n })).toString("base64url")}.sig`;

/** A token endpoint the test answers by hand, counting requests. */
function endpoint(answer: (n: number) => RawToken | Error) {
  let n = 0;
  const pending: Array<() => void> = [];
  return {
    get count() { return n; },
    /** Resolve the requests held back so far. */
    release() { for (const r of pending.splice(0)) r(); },
    fetch: (hold = false) => (): Promise<RawToken> => {
      const i = ++n;
      const settle = (): RawToken => {
        const a = answer(i);
        if (a instanceof Error) throw a;
        return a;
      };
      return hold ? new Promise((resolve, reject) => pending.push(() => { try { resolve(settle()); } catch (e) { reject(e); } })) : Promise.resolve().then(settle);
    },
  };
}

describe("backends/v20: token manager (fake clock)", () => {
  let now: number;
  const clock = () => now;
  beforeEach(() => { now = 1_000_000_000_000; });

  it("fetches once and reuses the token until it is due for renewal (a minute before expiry)", async () => {
    const ep = endpoint((i) => ({ access_token: `t${i}`, expires_in: 3600 }));
    const m = new TokenManager({ fetch: ep.fetch(), now: clock });
    assert.equal(await m.token(), "t1");
    now += 3_539_000;
    assert.equal(await m.token(), "t1");
    assert.equal(ep.count, 1);
    now += 2_000; // 3541 s: inside the last minute
    assert.equal(await m.token(), "t2");
    assert.equal(ep.count, 2);
    assert.equal(m.requests, 2);
  });

  it("renews under a lock: 50 concurrent callers at expiry share one token request", async () => {
    const ep = endpoint((i) => ({ access_token: `t${i}`, expires_in: 3600 }));
    const m = new TokenManager({ fetch: ep.fetch(true), now: clock });
    const first = m.token();
    ep.release();
    assert.equal(await first, "t1");
    now += 3_600_000;
    const all = Array.from({ length: 50 }, () => m.token());
    await new Promise((r) => setImmediate(r));
    assert.equal(ep.count, 2, "one renewal request while 50 wait");
    ep.release();
    assert.deepEqual(new Set(await Promise.all(all)), new Set(["t2"]));
    assert.equal(ep.count, 2);
  });

  it("a failed renewal fails every waiter with the same error and is not cached", async () => {
    const ep = endpoint((i) => (i === 1 ? new Error("refused") : { access_token: "ok", expires_in: 60 }));
    const m = new TokenManager({ fetch: ep.fetch(true), now: clock });
    const waiters = [m.token(), m.token(), m.token()];
    ep.release();
    for (const w of waiters) await assert.rejects(w, /refused/);
    assert.equal(ep.count, 1);
    const next = m.token();
    ep.release();
    assert.equal(await next, "ok");
  });

  it("invalidate drops the token the PBX refused (a 401), once: a newer token is kept", async () => {
    const ep = endpoint((i) => ({ access_token: `t${i}`, expires_in: 3600 }));
    const m = new TokenManager({ fetch: ep.fetch(), now: clock });
    const t1 = await m.token();
    m.invalidate(t1);
    const t2 = await m.token();
    assert.equal(t2, "t2");
    m.invalidate(t1); // a late 401 for the old token: t2 stays
    assert.equal(await m.token(), "t2");
    assert.equal(ep.count, 2);
  });

  it("the JWT exp claim wins over expires_in (the unit changed in 20.0.9)", async () => {
    const exp = Math.floor(now / 1000) + 1800;
    const ep = endpoint(() => ({ access_token: jwt(exp), expires_in: 60 })); // 60 "minutes" or seconds: exp says 30 min
    const m = new TokenManager({ fetch: ep.fetch(), now: clock });
    await m.token();
    assert.equal(m.expiresAt, exp * 1000);
    now += 1_739_000;
    await m.token();
    assert.equal(ep.count, 1);
    now += 2_000;
    await m.token();
    assert.equal(ep.count, 2);
  });

  it("without a JWT, expires_in is read as seconds: a pre-20.0.9 '60' (minutes) renews early, never late", () => {
    assert.equal(tokenLifetimeMs("opaque", 60, now), 60_000);
    assert.equal(tokenLifetimeMs("opaque", "3600", now), 3_600_000);
    assert.equal(tokenLifetimeMs("opaque", undefined, now), 60_000);
    assert.equal(tokenLifetimeMs(jwt(Math.floor(now / 1000) - 5), 120, now), 120_000, "an exp in the past is not trusted");
    assert.equal(renewAt(0, 60_000), 30_000, "short lifetimes renew at half");
    assert.equal(renewAt(0, 3_600_000), 3_540_000);
    assert.equal(jwtExpiry("a.b"), undefined);
    assert.equal(jwtExpiry(`x.${Buffer.from("not json").toString("base64url")}.y`), undefined);
  });

  it("an answer without access_token is an error, not a token", async () => {
    const m = new TokenManager({ fetch: async () => ({ expires_in: 60 }), now: clock });
    await assert.rejects(m.token(), /no access_token/);
  });

  it("tells its holder every new token (for redaction)", async () => {
    const seen: string[] = [];
    const ep = endpoint((i) => ({ access_token: `t${i}`, expires_in: 1 }));
    const m = new TokenManager({ fetch: ep.fetch(), now: clock, onToken: (t) => seen.push(t) });
    await m.token();
    now += 1000;
    await m.token();
    assert.deepEqual(seen, ["t1", "t2"]);
  });
});
