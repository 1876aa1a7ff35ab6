// The FlowFuse Dashboard 2.0 examples (examples/dashboard/, the editor's sub-menu) as files: the
// three the issue asks for, each importable alone (its own page, ui-base, ui-theme and PBX config
// node, each with an id of its own, so importing a second shows no conflict dialog; the editor
// merges the copies into the ones already there, see nodes/3cx-config.html), a Comment
// saying what to install and change, only core nodes, Dashboard 2.0 widgets and ours, no
// hand-built HTML page, no credentials. What they do is tested in test/browser/dashboard.test.ts.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { EVENT_NAMES } from "../../src/monitor";
import { actionNodeProblems, CORE_FILES, DASHBOARD_DIR, dashboardLabels, readDashboardExample, readExample, type ExampleNode } from "./support";

const LABELS = ["Agent panel", "Busy lamp field", "Wallboard"];
/** The Dashboard 2.0 nodes the examples may use (config nodes and widgets of @flowfuse/node-red-dashboard). */
const DASHBOARD_TYPES = new Set(["ui-base", "ui-theme", "ui-page", "ui-group", "ui-template", "ui-table", "ui-switch", "ui-dropdown", "ui-text", "ui-button"]);

describe("dashboard example flows: the files", () => {
  const all = new Map(LABELS.map((l) => [l, readDashboardExample(l)]));
  const one = (label: string): ExampleNode[] => all.get(label) ?? [];

  it("the three of the issue, and nothing else in examples/dashboard/", () => {
    assert.deepEqual(dashboardLabels(), LABELS);
    assert.deepEqual(fs.readdirSync(DASHBOARD_DIR).filter((f) => !f.endsWith(".json")), []);
  });

  it("they are declared for the package (Dashboard 2.0 a dev dependency, not a dependency)", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(DASHBOARD_DIR, "..", "..", "package.json"), "utf8")) as Record<string, Record<string, string>>;
    assert.ok(pkg.devDependencies["@flowfuse/node-red-dashboard"], "devDependency");
    assert.equal(pkg.dependencies["@flowfuse/node-red-dashboard"], undefined);
  });

  it("each its own dashboard, theme and PBX (ids of their own, same settings); pages and node ids of their own", () => {
    for (const type of ["ui-base", "ui-theme"]) {
      const copies = LABELS.map((l) => one(l).filter((n) => n.type === type));
      assert.ok(copies.every((c) => c.length === 1), `one ${type} each`);
      assert.equal(new Set(copies.map((c) => c[0].id)).size, 3, `one ${type} id per example`);
      // The same dashboard in each (the editor merges the copies by type, the ui-base by path).
      const strip = (n: ExampleNode): string => JSON.stringify({ ...n, id: "" });
      assert.equal(new Set(copies.map((c) => strip(c[0]))).size, 1, `${type}s alike but for the id`);
    }
    // The PBX as in every example: an id of its own, the demo's name and address (the editor merges them).
    const pbx = LABELS.map((l) => one(l).filter((n) => n.type === "3cx-config"));
    assert.ok(pbx.every((p) => p.length === 1));
    assert.equal(new Set(pbx.map((p) => p[0].id)).size, 3, "one PBX id per example");
    const demo = readExample("Missed call alert").find((n) => n.type === "3cx-config");
    for (const [c] of pbx) assert.deepEqual([c.name, c.fqdn, c.id === demo?.id], [demo?.name, demo?.fqdn, false]);
    const base = one("Wallboard").find((n) => n.type === "ui-base");
    assert.equal(base?.path, "/dashboard");
    const owned = LABELS.flatMap((l) => one(l).map((n) => n.id));
    assert.equal(new Set(owned).size, owned.length, "ids unique across the three");
    const pages = LABELS.map((l) => one(l).filter((n) => n.type === "ui-page"));
    assert.ok(pages.every((p) => p.length === 1), "one page each");
    assert.equal(new Set(pages.map((p) => p[0].path)).size, 3, "distinct page paths");
  });

  for (const label of LABELS) {
    describe(label, () => {
      it("a flat array on one tab; wires and config references stay inside the file", () => {
        const nodes = one(label);
        const ids = new Set(nodes.map((n) => n.id));
        assert.equal(ids.size, nodes.length);
        const flow = nodes.filter((n) => n.z);
        assert.equal(new Set(flow.map((n) => n.z)).size, 1);
        for (const n of nodes) {
          for (const out of n.wires ?? []) for (const to of out) assert.ok(ids.has(to), `${String(n.name)} → ${to}`);
          for (const ref of ["server", "group", "page", "ui", "theme"]) {
            const v = n[ref];
            if (typeof v === "string" && v !== "" && !(n.type === "ui-page" && ref === "theme" && v === "default")) assert.ok(ids.has(v), `${n.type} ${String(n.name)}: ${ref} ${v}`);
          }
        }
      });

      it("uses only core nodes, Dashboard 2.0 nodes and ours; no hand-built HTML page", () => {
        for (const n of one(label)) assert.ok(n.type in CORE_FILES || n.type.startsWith("3cx-") || DASHBOARD_TYPES.has(n.type), n.type);
        assert.equal(one(label).some((n) => n.type === "http in" || n.type === "http response" || n.type === "template"), false);
      });

      it("action nodes: a method of the node, fields for its parameters only, every required one filled", () => {
        const nodes = one(label);
        assert.deepEqual(actionNodeProblems(nodes, String(nodes.find((n) => n.type === "3cx-config")?.id)), []);
      });

      it("has a Comment saying what to install and what to change for a real PBX", () => {
        const comments = one(label).filter((n) => n.type === "comment");
        assert.equal(comments.length, 1);
        assert.equal(comments[0].name, label);
        const info = String(comments[0].info);
        assert.match(info, /@flowfuse\/node-red-dashboard/);
        assert.match(info, /npm start/);
        assert.match(info, /\*\*Real PBX:\*\*/);
      });

      it("a poll monitor on the demo PBX, started by an inject, with events it knows and an interval a real PBX is happy with", () => {
        const nodes = one(label);
        const monitors = nodes.filter((n) => n.type === "3cx-monitor");
        assert.equal(monitors.length, 1);
        const m = monitors[0];
        assert.equal(m.source, "poll");
        assert.ok(Number(m.interval) >= 1);
        for (const e of m.events as string[]) assert.ok((EVENT_NAMES as readonly string[]).includes(e), e);
        assert.ok(nodes.some((n) => n.type === "inject" && n.once === true && (n.wires ?? []).flat().includes(m.id)), "a snapshot at start fills the page at once");
      });

      it("no credentials in the file", () => {
        const text = fs.readFileSync(path.join(DASHBOARD_DIR, `${label}.json`), "utf8");
        assert.doesNotMatch(text, /"credentials"|accessKey|simulator-key|"token"/i);
      });
    });
  }

  it("the Wallboard sends queue.stats (with caller names), the busy lamps watch extensions, the agent panel one agent", () => {
    const mon = (label: string): ExampleNode => one(label).find((n) => n.type === "3cx-monitor") as ExampleNode;
    assert.ok(Number(mon("Wallboard").statsInterval) > 0);
    assert.equal(mon("Wallboard").lookupCallers, true);
    assert.ok(String(mon("Wallboard").queues).split(",").length >= 2);
    assert.ok(String(mon("Busy lamp field").extensions).split(",").length >= 5);
    assert.equal(mon("Agent panel").extensions, "102");
  });
});
