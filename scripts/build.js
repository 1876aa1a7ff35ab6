#!/usr/bin/env node
// Build: compile TypeScript to dist/, then lay out what Node-RED needs beside each node's .js:
// the .html, icons/ and locales/ (Node-RED looks for them next to the registered file).
"use strict";
const { execFileSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");

const root = path.resolve(__dirname, "..");
const dist = path.join(root, "dist");
fs.rmSync(dist, { recursive: true, force: true });

execFileSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", root], { stdio: "inherit", cwd: root });

const nodesOut = path.join(dist, "nodes");
fs.mkdirSync(nodesOut, { recursive: true });

// Icons and hand-written locales first: renderHtml then adds the help it generates from the catalog
// (dist/nodes/locales/<lang>/<type>.html) beside them.
fs.cpSync(path.join(root, "icons"), path.join(nodesOut, "icons"), { recursive: true });
fs.cpSync(path.join(root, "locales"), path.join(nodesOut, "locales"), { recursive: true });

// Editor files: nodes/*.html, with the generated catalog and editor helpers inlined where marked.
const { renderHtml } = require(path.join(dist, "src", "editor", "render-html.js"));
for (const file of fs.readdirSync(path.join(root, "nodes"))) {
  if (!file.endsWith(".html")) continue;
  const src = fs.readFileSync(path.join(root, "nodes", file), "utf8");
  fs.writeFileSync(path.join(nodesOut, file), renderHtml(src, file.replace(/\.html$/, "")));
}
// The simulator command is a bin: make it executable.
const cli = path.join(dist, "src", "simulator", "cli.js");
if (fs.existsSync(cli)) fs.chmodSync(cli, 0o755);
console.log("build: dist/ ready");
