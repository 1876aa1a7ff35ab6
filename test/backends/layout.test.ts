// The layout is the architecture: the plain modules under src/ know nothing of Node-RED, and
// nothing under src/ imports from nodes/ (the adapters depend on src, never the other way).
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";

const ROOT = path.resolve(__dirname, "../../..");

function tsFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? tsFiles(p) : e.name.endsWith(".ts") ? [p] : [];
  });
}

describe("layout: src/ is plain TypeScript", () => {
  const files = tsFiles(path.join(ROOT, "src"));

  it("finds the modules", () => {
    for (const dir of ["catalog", "operations", "backends", "client", "resolver", "monitor", "simulator"]) {
      assert.ok(files.some((f) => f.includes(`${path.sep}src${path.sep}${dir}${path.sep}`)), dir);
    }
  });

  it("no file under src/ imports from nodes/ or from node-red", () => {
    const bad: string[] = [];
    for (const f of files) {
      const text = fs.readFileSync(f, "utf8");
      for (const m of text.matchAll(/(?:from\s+|require\()\s*["']([^"']+)["']/g)) {
        const spec = m[1];
        const resolved = spec.startsWith(".") ? path.resolve(path.dirname(f), spec) : spec;
        if (resolved.startsWith(path.join(ROOT, "nodes")) || spec === "node-red" || spec.startsWith("node-red/")) bad.push(`${path.relative(ROOT, f)}: ${spec}`);
      }
    }
    assert.deepEqual(bad, []);
  });
});

describe("README: the V20 table", () => {
  it("has one row per catalog method with the mapping's request and confidence", async () => {
    const { METHODS } = await import("../../src/catalog");
    const { V20_METHODS } = await import("../../src/backends/v20");
    const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
    const start = readme.indexOf("## The 3CX V20 API (api: v20)");
    assert.ok(start > 0);
    const section = readme.slice(start, readme.indexOf("\n## ", start + 10));
    for (const m of METHODS) {
      const v = V20_METHODS[m.name];
      const row = section.split("\n").find((l) => l.startsWith(`| \`${m.name}\` |`));
      assert.ok(row, m.name);
      if (v.kind === "unsupported") assert.ok(row.endsWith("| `UNSUPPORTED` |"), row);
      else {
        assert.ok(row.includes(v.request.replace(/\|/g, "\\|")), `${m.name}: the request text`);
        assert.ok(row.endsWith(`| ${v.confidence === "low" ? "low (preview)" : v.confidence} |`), row);
      }
    }
  });
});
