// The example files themselves: one per use case, in the Node-RED example format, short,
// explained by a Comment node, pointing at the demo simulator, free of credentials, using only
// core nodes and ours with property names and values our editors accept. Their behaviour is
// tested in actions.test.ts and events.test.ts.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { EVENT_NAMES } from "../../src/monitor";
import { REPO_ROOT } from "../support/red-process";
import { actionNodeProblems, CORE_FILES, EXAMPLES_DIR, PALETTE_TYPES, exampleLabels, readExample, type ExampleNode } from "./support";

/** The use cases (shared/reference/use-cases.md, rows 1-16) and the example answering each. */
const USE_CASES: readonly string[] = [
  "Everyone out of office at lunch",
  "Do not disturb during meetings",
  "Queue login and logout from a button",
  "Click to call from a web request",
  "Screen pop with the caller's contact",
  "Background job for calls to a queue",
  "Doorbell call shows the camera",
  "Missed call alert",
  "Busy light from extension state",
  "Wallboard of queues and calls",
  "PBX health and license check",
  "Archive call recordings",
  "Alarm calls the on-call phone",
  "Phonebook sync from a CRM",
  "Caller ID on the TV",
  "On-call forwarding after hours",
];

/** Short: what fits on one screen of the editor. */
const MAX_NODES = 14;

describe("example flows: the files", () => {
  const labels = exampleLabels();
  const all = new Map(labels.map((l) => [l, readExample(l)]));

  it("one example per use case (16), named by its menu label, and nothing else in examples/ but the dashboard sub-menu", () => {
    assert.deepEqual(labels, [...USE_CASES].sort());
    assert.deepEqual(fs.readdirSync(EXAMPLES_DIR).filter((f) => !f.endsWith(".json")), ["dashboard"]);
  });

  it("every example has a behaviour test (actions.test.ts or events.test.ts) named after it", () => {
    const sources = ["actions.test.ts", "events.test.ts"].map((f) => fs.readFileSync(path.join(REPO_ROOT, "test", "examples", f), "utf8")).join("\n");
    for (const label of USE_CASES) assert.ok(sources.includes(`it(${JSON.stringify(`${label}: `).slice(0, -1)}`), label);
  });

  it("every palette node appears in at least one example", () => {
    const used = new Set([...all.values()].flatMap((nodes) => nodes.map((n) => n.type)));
    assert.deepEqual(PALETTE_TYPES.filter((t) => !used.has(t)), []);
  });

  it("no credentials and no access key in any file", () => {
    for (const label of labels) {
      const text = fs.readFileSync(path.join(EXAMPLES_DIR, `${label}.json`), "utf8");
      assert.doesNotMatch(text, /"credentials"|accessKey|simulator-key|"token"/i, label);
    }
  });

  it("webhook paths are distinct, so that all examples can run side by side", () => {
    const paths = [...all.values()].flatMap((nodes) => nodes.filter((n) => n.type === "3cx-monitor" && n.source === "webhook").map((n) => n.path));
    assert.ok(paths.length >= 3);
    assert.equal(new Set(paths).size, paths.length, paths.join(", "));
    for (const p of paths) assert.match(String(p), /^\/3cx\/[a-z-]+$/);
  });

  for (const label of USE_CASES) {
    describe(label, () => {
      const nodes = (): ExampleNode[] => all.get(label) ?? [];
      const config = (): ExampleNode => nodes().filter((n) => n.type === "3cx-config")[0];

      it("is a flat array of nodes on one tab, short, with unique ids and wires that stay inside", () => {
        const list = nodes();
        assert.ok(Array.isArray(list) && list.length > 0);
        const ids = new Set(list.map((n) => n.id));
        assert.equal(ids.size, list.length, "unique ids");
        const flow = list.filter((n) => n.type !== "3cx-config");
        assert.ok(flow.length <= MAX_NODES, `${flow.length} nodes`);
        assert.equal(new Set(flow.map((n) => n.z)).size, 1, "one tab");
        for (const n of flow) {
          assert.equal(typeof n.x, "number");
          assert.equal(typeof n.y, "number");
          assert.notEqual(n.d, true, `${n.name} is not disabled`);
          for (const out of n.wires ?? []) for (const to of out) assert.ok(ids.has(to), `${n.name} → ${to}`);
        }
        const named = flow.map((n) => n.name).filter((name) => name);
        assert.equal(new Set(named).size, named.length, `unique names: ${named.join(", ")}`);
      });

      it("uses only core nodes and ours", () => {
        for (const n of nodes()) assert.ok(n.type in CORE_FILES || n.type.startsWith("3cx-"), n.type);
      });

      it("has a Comment node saying what it shows and what to change for a real PBX", () => {
        const comments = nodes().filter((n) => n.type === "comment");
        assert.equal(comments.length, 1);
        assert.equal(comments[0].name, label);
        const info = String(comments[0].info);
        assert.match(info, /npm start/);
        assert.match(info, /\*\*Real PBX:\*\*/);
        assert.ok(info.length > 200);
      });

      it("has one 3cx-config node: the demo simulator, with an id no other example uses (no import conflict)", () => {
        const configs = nodes().filter((n) => n.type === "3cx-config");
        assert.equal(configs.length, 1);
        const c = configs[0];
        // The editor's 3cx-config script merges an imported PBX with exactly this name and address into the one there.
        assert.deepEqual({ name: c.name, fqdn: c.fqdn, z: c.z, credentials: c.credentials }, { name: "3CX simulator (demo)", fqdn: "http://127.0.0.1:8088", z: undefined, credentials: undefined });
        const elsewhere = [...all].filter(([l, ns]) => l !== label && ns.some((n) => n.id === c.id)).map(([l]) => l);
        assert.deepEqual(elsewhere, [], "the id is this example's alone: importing a second example asks nothing");
      });

      it("action nodes: a method of the node, fields for its parameters only, every required one filled", () => {
        assert.deepEqual(actionNodeProblems(nodes(), config().id), []);
      });

      it("monitors: the config node, a known source and events", () => {
        for (const n of nodes().filter((x) => x.type === "3cx-monitor")) {
          assert.equal(n.server, config().id);
          assert.ok(n.source === "poll" || n.source === "webhook", String(n.source));
          assert.ok(Array.isArray(n.events) && n.events.length > 0);
          for (const e of n.events as string[]) assert.ok((EVENT_NAMES as readonly string[]).includes(e), e);
          if (n.source === "poll") assert.ok(Number(n.interval) >= 1, "a poll interval a real PBX is happy with");
        }
      });
    });
  }
});
