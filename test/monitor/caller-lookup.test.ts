// The caller look-up cache against a scripted phonebook client (the real client and simulator are
// used through Node-RED in monitor-stats tests): one request pair per number per TTL, LRU
// eviction, failures as null, the PBX paced, and events never held longer than the bound nor lost.
import assert from "node:assert/strict";
import { CallerLookup, ContactStamper, lookupNumber, type MonitorEvent, type PollClient } from "../../src/monitor";

const BOOK: Record<string, number[]> = { "4915112345678": [6, 7], "420774852529": [2] };
const CONTACTS: Record<string, Record<string, string>> = {
  6: { name: "Anna", lastName: "Berg", company: "ACME", phone: "4915112345678" },
  2: { name: "Jan", lastName: "Novak", company: "", phone: "420774852529" },
};

function phonebook(opts: { hang?: boolean; fail?: boolean } = {}) {
  const calls: string[] = [];
  const client: PollClient = {
    async call(method, params) {
      calls.push(`${method} ${JSON.stringify(params)}`);
      if (opts.hang) await new Promise(() => undefined);
      if (opts.fail) throw Object.assign(new Error("PBX unreachable"), { code: "UNREACHABLE" });
      if (method === "contact.find") return { data: { id: BOOK[params.num] ?? [] } };
      return { data: CONTACTS[params.id] };
    },
  };
  return { client, calls };
}

function clock(start = 1_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => { t += ms; }, sleep: async () => undefined };
}

describe("caller look-up cache", () => {
  it("finds the first id and reads it; the next event of the caller is a cache hit", async () => {
    const pb = phonebook();
    const c = clock();
    const lookup = new CallerLookup({ client: pb.client, now: c.now, sleep: c.sleep });
    assert.deepEqual(await lookup.lookup("4915112345678"), { id: 6, name: "Anna", lastName: "Berg", company: "ACME" });
    assert.deepEqual(pb.calls, ['contact.find {"num":"4915112345678"}', 'contact.get {"id":"6"}']);
    await lookup.lookup("4915112345678");
    assert.equal(lookup.requests, 2, "cached");
    assert.equal(await lookup.lookup("4930999999"), null, "not in the phonebook");
    assert.equal(lookup.requests, 3, "a miss costs only the find");
    await lookup.lookup("4930999999");
    assert.equal(lookup.requests, 3, "a miss is cached too");
  });

  it("asks again after the TTL; the least recently used number goes first", async () => {
    const pb = phonebook();
    const c = clock();
    const lookup = new CallerLookup({ client: pb.client, now: c.now, sleep: c.sleep, ttlMs: 60000, maxEntries: 2 });
    await lookup.lookup("4915112345678");
    c.advance(59000);
    await lookup.lookup("4915112345678");
    assert.equal(lookup.requests, 2);
    c.advance(2000);
    assert.equal(lookup.peek("4915112345678"), undefined, "expired");
    await lookup.lookup("4915112345678");
    assert.equal(lookup.requests, 4);
    await lookup.lookup("420774852529");
    lookup.peek("4915112345678"); // used: 420… is now the oldest
    await lookup.lookup("4930111111");
    assert.equal(lookup.peek("420774852529"), undefined, "evicted");
    assert.notEqual(lookup.peek("4915112345678"), undefined);
  });

  it("a failed look-up is null, remembered for the short failure TTL only; one look-up per number in flight", async () => {
    const pb = phonebook({ fail: true });
    const c = clock();
    const lookup = new CallerLookup({ client: pb.client, now: c.now, sleep: c.sleep, failureTtlMs: 30000 });
    const [a, b] = await Promise.all([lookup.lookup("4915112345678"), lookup.lookup("4915112345678")]);
    assert.deepEqual([a, b], [null, null]);
    assert.equal(pb.calls.length, 1, "the two events shared one look-up");
    await lookup.lookup("4915112345678");
    assert.equal(pb.calls.length, 1);
    c.advance(30001);
    await lookup.lookup("4915112345678");
    assert.equal(pb.calls.length, 2);
  });

  it("paces the PBX: look-ups start one at a time, at most perSecond a second; beyond maxQueued the answer is null unasked", async () => {
    const pb = phonebook();
    let t = 0;
    const slept: number[] = [];
    const lookup = new CallerLookup({ client: pb.client, now: () => t, sleep: async (ms) => { slept.push(ms); t += ms; }, perSecond: 2, maxQueued: 3 });
    const nums = ["4930000001", "4930000002", "4930000003", "4930000004", "4930000005"];
    const answers = await Promise.all(nums.map((n) => lookup.lookup(n)));
    assert.deepEqual(answers, [null, null, null, null, null]);
    assert.equal(pb.calls.length, 3, "two over the queue limit were not asked");
    assert.deepEqual(slept, [500, 500], "spaced 1/perSecond apart");
  });

  it("only outside numbers are looked up", () => {
    assert.equal(lookupNumber("101"), undefined);
    assert.equal(lookupNumber("+49 151 1234-5678"), "+49 151 1234-5678");
    assert.equal(lookupNumber("Anna <sip:1@x>"), undefined);
    assert.equal(lookupNumber(420774852529), "420774852529");
  });
});

describe("contact stamping of events", () => {
  const ev = (topic: string, callerid?: string): MonitorEvent =>
    ({ topic, payload: { source: "poll", callID: 1, at: "", ...(callerid ? { callerid } : {}) } }) as MonitorEvent;

  it("a known caller gets the contact, an unknown or internal one null; other events untouched", async () => {
    const lookup = new CallerLookup({ client: phonebook().client, perSecond: 100 });
    const out: MonitorEvent[] = [];
    const s = new ContactStamper(lookup, 1000, (e) => out.push(...e));
    s.push([ev("call.started", "4915112345678"), ev("call.ringing", "4930999999"), ev("call.started", "101"), { topic: "pbx.up", payload: { downtime: 0, downtimeMs: 0, since: "", at: "" } }]);
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(out.length, 4);
    assert.deepEqual((out[0].payload as { contact?: unknown }).contact, { id: 6, name: "Anna", lastName: "Berg", company: "ACME" });
    assert.equal((out[1].payload as { contact?: unknown }).contact, null);
    assert.equal((out[2].payload as { contact?: unknown }).contact, null);
    assert.equal("contact" in out[3].payload, false);
  });

  it("a hanging phonebook delays an event by the bound at most, and later events keep their order", async () => {
    const lookup = new CallerLookup({ client: phonebook({ hang: true }).client });
    const out: Array<{ topic: string; at: number }> = [];
    const s = new ContactStamper(lookup, 150, (e) => out.push(...e.map((x) => ({ topic: x.topic, at: Date.now(), contact: (x.payload as { contact?: unknown }).contact }))));
    const t0 = Date.now();
    s.push([ev("call.started", "4915112345678")]);
    s.push([{ topic: "pbx.up", payload: { downtime: 0, downtimeMs: 0, since: "", at: "" } }]);
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(out.length, 0, "the second batch waits behind the first");
    await new Promise((r) => setTimeout(r, 250));
    assert.deepEqual(out.map((o) => o.topic), ["call.started", "pbx.up"]);
    const delay = out[0].at - t0;
    assert.ok(delay >= 140 && delay < 400, `held ${delay} ms, bound 150`);
    assert.equal((out[0] as { contact?: unknown }).contact, null, "not known in time: null, not dropped");
  });
});
