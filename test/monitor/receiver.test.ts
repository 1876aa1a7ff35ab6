// The webhook endpoint as a plain handler on a real HTTP server on 127.0.0.1: schemes, refusals,
// limits, answering before the flow runs; the allow-list and the token compare.
import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { createWebhookHandler, parseAllowList, tokenMatches, type ParsedWebhook, type ReceiverOptions, type RefusalReason } from "../../src/monitor";
import { formFields, queryFields } from "../../src/monitor/receiver";

interface Harness {
  url: string;
  hooks: ParsedWebhook[];
  refused: Array<[RefusalReason, string]>;
  close(): Promise<void>;
}

/** The last response object the server handed out (to check it was finished before the hook ran). */
let lastRes: http.ServerResponse | undefined;

async function serve(opts: Partial<ReceiverOptions>): Promise<Harness> {
  const hooks: ParsedWebhook[] = [];
  const refused: Array<[RefusalReason, string]> = [];
  const handler = createWebhookHandler({ allow: null, onHook: (h) => hooks.push(h), onRefused: (r, d) => refused.push([r, d]), ...opts });
  const server = http.createServer((req, res) => {
    lastRes = res;
    handler(req, res);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    hooks,
    refused,
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

describe("monitor webhook endpoint (raw HTTP)", () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it("POST JSON and GET query both give the webhook; 200 is sent before the hook runs", async () => {
    const finishedBefore: boolean[] = [];
    h = await serve({ onHook: () => finishedBefore.push(lastRes?.writableEnded === true) });
    const res = await fetch(h.url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ event: "ringing", id: "250910183903_6-0" }) });
    assert.equal(res.status, 200);
    await tick();
    const res2 = await fetch(`${h.url}?event=pickupincoming&id=250910183903_6-1&callerid=381629759787`);
    assert.equal(res2.status, 200);
    await tick();
    assert.deepEqual(finishedBefore, [true, true], "each answer was complete before the hook ran");
  });

  it("POST of form fields and JSON without a content type are read too", async () => {
    const hooks: ParsedWebhook[] = [];
    h = await serve({ onHook: (x) => hooks.push(x) });
    assert.equal((await fetch(h.url, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "event=incoming&finishtype=Missed&id=1" })).status, 200);
    assert.equal((await fetch(h.url, { method: "POST", body: '{"event":"ai","id":"x"}' })).status, 200);
    await tick();
    assert.deepEqual(hooks.map((x) => x.kind), ["ended", "ai"]);
  });

  it("token: missing or wrong → 403 and nothing; right → 200; the token is not in any field", async () => {
    const hooks: ParsedWebhook[] = [];
    h = await serve({ token: "t0ken-Secret", onHook: (x) => hooks.push(x) });
    const body = JSON.stringify({ event: "ringing", id: "250910183903_6-0" });
    const post = (q: string): Promise<Response> => fetch(`${h!.url}${q}`, { method: "POST", headers: { "content-type": "application/json" }, body });
    assert.equal((await post("")).status, 403);
    assert.equal((await post("?token=wrong")).status, 403);
    assert.equal((await post("?token=t0ken-Secre")).status, 403);
    assert.equal((await fetch(`${h.url}?event=ringing&id=1&token=nope`)).status, 403);
    await tick();
    assert.equal(hooks.length, 0);
    assert.equal((await post("?token=t0ken-Secret")).status, 200);
    assert.equal((await fetch(`${h.url}?token=t0ken-Secret&event=ringing&id=2`)).status, 200);
    // A generator that appends "?event=…" to a URL that already has "?token=…".
    assert.equal((await fetch(`${h.url}?token=t0ken-Secret?event=dialing&id=3`)).status, 200);
    await tick();
    assert.deepEqual(hooks.map((x) => x.kind), ["ringing", "ringing", "started"]);
    assert.equal(JSON.stringify(hooks).includes("t0ken-Secret"), false);
    assert.equal(JSON.stringify(h.refused).includes("t0ken"), false);
    assert.deepEqual(h.refused.map((r) => r[0]), ["token", "token", "token", "token"]);
  });

  it("allow-list: a source outside it → 403 before the body is read; inside → 200", async () => {
    h = await serve({ allow: parseAllowList("192.0.2.10, 10.0.0.0/8") });
    const res = await fetch(h.url, { method: "POST", headers: { "content-type": "application/json" }, body: '{"event":"ringing"}' });
    assert.equal(res.status, 403);
    await tick();
    assert.equal(h.hooks.length, 0);
    assert.deepEqual(h.refused[0][0], "address");
    await h.close();
    h = await serve({ allow: parseAllowList("127.0.0.0/8") });
    assert.equal((await fetch(h.url, { method: "POST", headers: { "content-type": "application/json" }, body: '{"event":"ringing"}' })).status, 200);
  });

  it("malformed → 400 and nothing: broken JSON, an array, no event, a JSON scalar", async () => {
    h = await serve({});
    for (const body of ["{not json", "[1,2]", '{"callerid":"1"}', '"ringing"', ""]) {
      const res: Response = await fetch(h.url, { method: "POST", headers: { "content-type": "application/json" }, body });
      assert.equal(res.status, 400, body);
    }
    assert.equal((await fetch(`${h.url}?callerid=1`)).status, 400);
    await tick();
    assert.equal(h.hooks.length, 0);
    assert.ok(h.refused.every((r) => r[0] === "malformed"));
  });

  it("a body over the cap → 413 and nothing (declared length and chunked)", async () => {
    h = await serve({ maxBytes: 1000 });
    const big = JSON.stringify({ event: "ringing", pad: "x".repeat(5000) });
    assert.equal((await fetch(h.url, { method: "POST", headers: { "content-type": "application/json" }, body: big })).status, 413);
    const chunked = await new Promise<number>((resolve, reject) => {
      const req = http.request(h!.url, { method: "POST", headers: { "content-type": "application/json", "transfer-encoding": "chunked" } }, (res: http.IncomingMessage) => { res.resume(); resolve(res.statusCode ?? 0); });
      req.on("error", reject);
      for (let i = 0; i < 10; i++) req.write("x".repeat(500));
      req.end();
    });
    assert.equal(chunked, 413);
    await tick();
    assert.equal(h.hooks.length, 0);
  });

  it("other methods → 405", async () => {
    h = await serve({});
    assert.equal((await fetch(h.url, { method: "PUT", body: "{}" })).status, 405);
  });
});

describe("monitor webhook: allow-list and token", () => {
  it("matches IPv4, IPv6, CIDR and IPv4-mapped IPv6 addresses", () => {
    const list = parseAllowList("192.0.2.10 10.0.0.0/8, 2001:db8::/32; ::1, ::ffff:198.51.100.7");
    assert.ok(list);
    for (const ok of ["192.0.2.10", "::ffff:192.0.2.10", "10.1.2.3", "::ffff:10.200.0.1", "2001:db8::5", "::1", "198.51.100.7"]) assert.equal(list.allows(ok), true, ok);
    for (const no of ["192.0.2.11", "11.0.0.1", "2001:db9::1", "::2", "", undefined, "not-an-ip"]) assert.equal(list.allows(no), false, String(no));
    assert.equal(parseAllowList("  "), null);
  });

  it("names a bad entry", () => {
    assert.throws(() => parseAllowList("10.0.0.0/8, pbx.example.com"), /"pbx\.example\.com"/);
    assert.throws(() => parseAllowList("10.0.0.0/33"), /prefix/);
    assert.throws(() => parseAllowList("10.0.0.1/8/2"), /10\.0\.0\.1\/8\/2/);
  });

  it("compares tokens exactly, a missing one never matches", () => {
    assert.equal(tokenMatches("abc", "abc"), true);
    assert.equal(tokenMatches("abd", "abc"), false);
    assert.equal(tokenMatches("abcd", "abc"), false);
    assert.equal(tokenMatches(undefined, "abc"), false);
    assert.equal(tokenMatches(undefined, ""), false);
  });

  it("query and form reading", () => {
    assert.deepEqual(queryFields("/h?token=a?event=ringing&id=1"), { fields: { event: "ringing", id: "1" }, token: "a" });
    assert.deepEqual(formFields("FILES[]=a&FILES[]=b&x=1"), { FILES: ["a", "b"], x: "1" });
  });
});
