// The fault matrix: every fault of fault-table.ts against an action read, an action write and the
// monitor (poll), through Node-RED (test helper) against the simulator's fault injection, a raw
// TCP front and a TLS front. Each case: the documented code, a plain message naming the method, a
// red status, no unhandled rejection, no key anywhere, a write sent at most once, and the next
// message works on the same config node once the fault is gone.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { startSimulator, type Simulator } from "../../src/simulator";
import { certSet, type CertSet } from "./certs";
import { REPO_ROOT } from "../support/red-process";
import { FAULTS, KINDS, type FaultCase, type NodeKind } from "./fault-table";
import { RawFront, TlsFront } from "./fronts";
import { KEY, helper, leaks, loadFlow, secretForms, sleep, until, useRejectionCounter, type CaughtError, type Msg } from "./support";

const FORMS = secretForms(KEY);

/** One line, says which method failed and why, no library noise. */
function assertPlain(e: CaughtError, methods: readonly string[], says: RegExp): void {
  const m = e.message;
  assert.ok(m.length > 20 && m.length < 400, `length ${m.length}: ${m}`);
  assert.ok(!/[\r\n]/.test(m), `one line: ${m}`);
  assert.ok(methods.some((method) => m.includes(`${method} failed`)), `names the method: ${m}`);
  assert.match(m, says);
  assert.doesNotMatch(m, /\[object|undefined|AxiosError|at .+\.js:\d+|https?:\/\/[^ ]*\/webapi/, `no library noise: ${m}`);
}

describe("reliability: fault matrix (3 node kinds × every fault)", function () {
  this.timeout(30000);
  const rejections = useRejectionCounter();
  let sim: Simulator;
  let raw: RawFront;
  let tlsFront: TlsFront;
  let certs: CertSet;
  const total = FAULTS.length * KINDS.length;
  let handled = 0;

  before(async () => {
    await helper.startServer();
    certs = await certSet();
    // Calls ring for a minute: makecall after makecall never changes what the next one meets.
    sim = await startSimulator({ httpsPort: false, accessKey: KEY, callTiming: { ringMs: 60000 } });
    const simPort = Number(new URL(sim.httpUrl).port);
    raw = await RawFront.start(simPort);
    tlsFront = await TlsFront.start(simPort, certs.good);
  });
  after(async () => {
    await raw?.close();
    await tlsFront?.close();
    await sim?.close();
    await helper.stopServer();
    console.log(`      figure: fault matrix: ${total} faults, ${handled} handled (${FAULTS.length} faults × ${KINDS.length} node kinds)`);
  });
  afterEach(async () => {
    await helper.unload();
    raw.set(null);
    tlsFront.set(certs.good);
    await sim.faults.clear();
  });

  /** Requests (or TLS handshakes) the fault's server saw for the kind's method. */
  function attempts(f: FaultCase, k: NodeKind): number {
    if (f.raw) return raw.requests;
    if (f.cert) return tlsFront.connections;
    return sim.requests.filter((r) => r.method === k.methods[0]).length;
  }

  for (const f of FAULTS) {
    for (const k of KINDS) {
      it(`${k.kind} (${k.type} ${k.methods[0]}) × ${f.name} → ${f.code}`, async () => {
        await sim.reset();
        const before = rejections.count;
        const fqdn = f.raw ? raw.url : f.cert ? tlsFront.url : sim.httpUrl;
        if (f.raw) raw.set(f.raw);
        if (f.cert) tlsFront.set(certs[f.cert]);
        if (f.sim) await sim.faults.set(f.sim);
        const probe = await loadFlow({ fqdn, timeout: f.timeout ?? 2000, ca: f.cert ? certs.ca : undefined, nodes: [{ id: "n1", type: k.type, props: k.props }] });

        const failed = await probe.send("n1", k.msg);
        assert.equal(failed.ok, false, `expected an error, got ${JSON.stringify(failed.msg.payload)?.slice(0, 100)}`);
        const e = (failed as { error: CaughtError }).error;
        assert.equal(e.code, f.code, e.message);
        assertPlain(e, k.methods, f.says);
        assert.equal(e.source?.id, "n1");
        if (k.kind === "monitor") {
          await until(() => (probe.outputs.get("n1") ?? []).some((m) => m.topic === "pbx.down"), 5000, "pbx.down");
          const down = (probe.outputs.get("n1") ?? []).filter((m) => m.topic === "pbx.down");
          assert.equal(down.length, 1, "pbx.down once");
          assert.equal((down[0].payload as { code?: string }).code, f.code);
        }
        if (k.write) assert.equal(attempts(f, k), f.sim?.down ? 0 : 1, "a write is sent exactly once (never retried)");
        else if (k.kind === "read") assert.ok(attempts(f, k) >= (f.sim?.down ? 0 : 1));
        await until(() => probe.statuses.some((s) => s.fill === "red"), 2000, "a red status");

        if (f.name.startsWith("an endless")) {
          console.log(`        endless body: the client stopped reading after ${(raw.bytesSent / 1048576).toFixed(1)} MB`);
          assert.ok(raw.bytesSent < 32 * 1048576, `not buffered without end: ${raw.bytesSent} bytes sent`);
        }

        // The fault is gone: the same node, the same config node, the next message works.
        const sentBefore = attempts(f, k);
        if (f.raw) raw.set(null);
        if (f.cert) tlsFront.set(certs.good);
        if (f.sim) await sim.faults.clear();
        // Let the fronts' closing of idle keep-alive sockets reach the client first: a write on a
        // socket the server closes in the same instant fails and is (rightly) not sent again.
        await sleep(30);
        const next = await probe.send("n1", k.msg);
        assert.equal(next.ok, true, next.ok ? "" : `next message failed: ${(next as { error: CaughtError }).error.message}`);
        if (k.kind === "monitor") {
          assert.equal((next.msg as Msg).topic, "snapshot");
          await until(() => (probe.outputs.get("n1") ?? []).some((m) => m.topic === "pbx.up"), 5000, "pbx.up");
        }
        if (k.write && f.sim) assert.equal(attempts(f, k), sentBefore + 1, "the next write is sent once");
        assert.deepEqual(leaks(probe.allText(), FORMS), [], "the key in an output, status, error or log line");
        assert.equal(rejections.count, before, `unhandled rejections: ${rejections.reasons.join("; ")}`);
        handled++;
      });
    }
  }

  it("RELIABILITY.md documents every fault of the matrix with its code", () => {
    const doc = fs.readFileSync(path.join(REPO_ROOT, "RELIABILITY.md"), "utf8");
    const rows = new Map([...doc.matchAll(/^\| ([^|]+?) \| [^|]+ \| `([A-Z_0-9]+)` \|$/gm)].map((m) => [m[1], m[2]]));
    assert.deepEqual(FAULTS.map((f) => [f.name, rows.get(f.name)]), FAULTS.map((f) => [f.name, f.code]));
    assert.equal(rows.size, FAULTS.length, "no row for a fault that is not tested");
  });

  it("the fronts pass traffic through when no fault is set (sanity)", async () => {
    const probe = await loadFlow({ fqdn: raw.url, nodes: [{ id: "n1", type: "3cx-pbx", props: { method: "info" } }] });
    assert.equal((await probe.send("n1", {})).ok, true);
    assert.ok(raw.connections >= 1, "it went through the front");
  });
});
