#!/usr/bin/env node
// npm test: build, then the whole suite twice: Node-RED 4.1 on Node 20, Node-RED 5.0 on Node 22.
// Each run asserts its Node and Node-RED versions (test/env.test.ts). Extra arguments go to mocha.
// TEST_FILES="dist/test/monitor/*.test.js …" runs only those files (mocha's config would add the rest).
"use strict";
const { execFileSync, spawnSync } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { nodeBinary } = require("./node-binary");

const root = path.resolve(__dirname, "..");
execFileSync(process.execPath, [path.join(__dirname, "build.js")], { stdio: "inherit", cwd: root });

const only = process.env.TEST_ONLY; // "4" or "5" to run one matrix entry while developing
const runs = [
  { label: "Node-RED 4.1 / Node 20", pkg: "node-red", major: 20, nr: "4" },
  { label: "Node-RED 5.0 / Node 22", pkg: "node-red-5", major: 22, nr: "5" },
].filter((r) => !only || r.nr === only);

let passed = 0, failed = 0, skipped = 0, broken = 0;
for (const run of runs) {
  const node = nodeBinary(run.major);
  const countsFile = path.join(os.tmpdir(), `3cx-test-counts-${process.pid}-${run.nr}.json`);
  fs.rmSync(countsFile, { force: true });
  console.log(`\n=== ${run.label} (${node}) ===`);
  const files = process.env.TEST_FILES ? ["--no-config", "--timeout", "20000", "--exit", "--enable-source-maps", ...process.env.TEST_FILES.split(/\s+/).filter(Boolean)] : [];
  const res = spawnSync(node, [require.resolve("mocha/bin/mocha.js"), "--reporter", path.join(__dirname, "mocha-reporter.js"), ...files, ...process.argv.slice(2)], {
    cwd: root, stdio: "inherit",
    env: { ...process.env, NODE_RED_PKG: run.pkg, EXPECT_NODE_MAJOR: String(run.major), EXPECT_NODE_RED_MAJOR: run.nr, TEST_COUNTS_FILE: countsFile },
  });
  if (fs.existsSync(countsFile)) {
    const c = JSON.parse(fs.readFileSync(countsFile, "utf8"));
    passed += c.passed; failed += c.failed; skipped += c.skipped;
    console.log(`${run.label}: ${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped`);
  }
  if (res.status !== 0) broken++;
}
console.log(`\ntest: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(broken > 0 || failed > 0 || passed === 0 ? 1 : 0);
