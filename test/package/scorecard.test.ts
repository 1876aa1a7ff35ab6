// The Flow Library scorecard (`node-red-dev validate`) of the packed package, unpacked as the
// Flow Library does: every check passes. The Flow Library catalogue (P08, N01) is answered locally
// by a test-only preload; the other checks ask the npm registry (the test skips, saying so, when
// the registry cannot be reached). The tool exits 0 whatever it finds: the gate is its JSON (-o).
// Two things the JSON cannot show are checked here: the node types its parser found (a file it
// cannot parse makes N01/N02 pass vacuously) and P05, which it records as passed either way.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { REPO_ROOT } from "../support/red-process";
import { packOnce, run, unpacked, type Packed } from "./pack";

const PRELOAD = path.join(REPO_ROOT, "test", "package", "catalogue-preload.js");
const CLI = require.resolve("node-red-dev/bin/run");
const CHECKS = ["P01", "P03", "P04", "P05", "P06", "P07", "P08", "N01", "N02", "D01", "D02", "D03"];

type Scorecard = Record<string, { test: boolean } & Record<string, unknown>>;

describe("Flow Library scorecard (node-red-dev validate) of the packed package", function () {
  this.timeout(60000);
  let packed: Packed;
  let scorecard: Scorecard;
  let found: string[];
  let output: string;

  before(async function () {
    try {
      await run("npm", ["ping"], { timeout: 15000 });
    } catch (err) {
      console.log(`      skipped: the npm registry cannot be reached (npm ping: ${(err as Error).message.split("\n")[0]})`);
      this.skip();
    }
    packed = await packOnce();
    const dir = await unpacked(packed);
    const out = path.join(packed.dir, "scorecard.json");
    const typesFile = path.join(packed.dir, "scorecard-types.json");
    fs.rmSync(out, { force: true });
    fs.rmSync(typesFile, { force: true });
    const t0 = Date.now();
    const res = await run(process.execPath, ["--require", PRELOAD, CLI, "validate", "-p", dir, "-o", out], {
      cwd: packed.dir, env: { ...process.env, SCORECARD_TYPES_FILE: typesFile }, timeout: 45000, maxBuffer: 16 << 20,
    });
    output = `${res.stdout}${res.stderr}`;
    console.log(`      node-red-dev validate: ${Date.now() - t0} ms`);
    assert.ok(fs.existsSync(out), `no scorecard written:\n${output}`);
    scorecard = JSON.parse(fs.readFileSync(out, "utf8")) as Scorecard;
    found = fs.existsSync(typesFile) ? (JSON.parse(fs.readFileSync(typesFile, "utf8")) as string[]) : [];
  });

  it("passes every check", () => {
    const failed = CHECKS.filter((c) => scorecard[c]?.test !== true).map((c) => `${c} ${JSON.stringify(scorecard[c] ?? "missing")}`);
    assert.deepEqual(failed, [], output);
    assert.equal((scorecard.package as unknown as { name: string }).name, packed.packageJson.name);
  });

  it("parsed all 7 node types from the .html files, and counted an example for each non-config node", () => {
    const types = Object.keys(packed.packageJson["node-red"].nodes);
    assert.deepEqual([...found].sort(), [...types].sort(), output);
    assert.ok(!output.includes("Unable to parse"), output);
    assert.deepEqual([...(scorecard.N02.nodes as string[])].sort(), types.filter((t) => t !== "3cx-config").sort());
  });

  it("has the node-red keyword (P05, which the tool passes either way)", () => {
    assert.ok(packed.packageJson.keywords.includes("node-red"));
  });

  it("keeps the runtime dependencies few (D01)", () => {
    assert.equal(scorecard.D01.total, Object.keys(packed.packageJson.dependencies).length);
    assert.ok(Number(scorecard.D01.total) <= 6);
  });
});
