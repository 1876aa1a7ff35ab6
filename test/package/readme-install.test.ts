// The README's "From the repository" install, run as written in a clean directory with a fresh
// HOME (its ~/.node-red as Node-RED leaves it after a first start): clone, npm install, npm pack,
// npm install of the tarball into ~/.node-red. Two substitutions keep it on this machine: the clone
// is a copy of this working tree (git clone of GitHub would test the last push, and leave
// loopback), and npm works offline from this machine's cache. Then red.js loads what it installed.
// The commands do not depend on the Node-RED under test: it runs in the Node-RED 4.1 entry only
// (the tarball install into red.js is run on both by tarball.test.ts).
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { REPO_ROOT, startRed, type RedProcess } from "../support/red-process";
import { run } from "./pack";

const MODULE = "@node-red-3cx/webapi";
const CLONE = /^git clone (\S+) (\S+)$/;
const MARK = "--- the install into ~/.node-red ---";

/** The shell block under "From the repository" in the README's Install section. */
export function readmeRepositoryInstall(readme: string): string[] {
  const install = readme.slice(readme.indexOf("\n## Install\n"), readme.indexOf("\n## ", readme.indexOf("\n## Install\n") + 1));
  const item = install.slice(install.indexOf("**From the repository**"));
  const block = /```sh\n([\s\S]*?)```/.exec(item)?.[1] ?? "";
  return block.split("\n").map((l) => l.trim()).filter(Boolean);
}

/** The working tree's files (tracked and new, not ignored), as a clone would have them; not the worktree's links to node_modules. */
function copyWorkingTree(to: string): void {
  const files = execFileSync("git", ["ls-files", "-z", "-co", "--exclude-standard"], { cwd: REPO_ROOT, encoding: "utf8" }).split("\0").filter(Boolean);
  for (const f of files) {
    const from = path.join(REPO_ROOT, f);
    if (!fs.existsSync(from) || fs.statSync(from).isDirectory()) continue; // deleted, or a link to a folder (node_modules, .node22)
    fs.mkdirSync(path.dirname(path.join(to, f)), { recursive: true });
    fs.copyFileSync(from, path.join(to, f));
  }
}

describe("README install from the repository, as written, in a clean directory", function () {
  this.timeout(240000);
  let dir: string;
  let home: string;
  let lines: string[];
  let output = "";
  /** What the last command (npm install of the tarball into ~/.node-red) printed. */
  let userInstall = "";
  let red: RedProcess | undefined;

  before(async function () {
    if (process.env.EXPECT_NODE_RED_MAJOR === "5") {
      console.log("      skipped on the Node-RED 5 run: the same npm commands, run once (Node-RED 4.1 run)");
      this.skip();
    }
    lines = readmeRepositoryInstall(fs.readFileSync(path.join(REPO_ROOT, "README.md"), "utf8"));
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "3cx-readme-install-"));
    home = path.join(dir, "home");
    fs.mkdirSync(path.join(home, ".node-red"), { recursive: true });
    // What Node-RED writes on its first start.
    fs.writeFileSync(path.join(home, ".node-red", "package.json"), JSON.stringify({ name: "node-red-project", description: "A Node-RED Project", version: "0.0.1", private: true }));
    const work = path.join(dir, "work");
    fs.mkdirSync(work);
    const cache = execFileSync("npm", ["config", "get", "cache"], { encoding: "utf8" }).trim();
    const script = lines.map((line) => {
      const clone = CLONE.exec(line);
      if (!clone) return line;
      assert.equal(clone[1], "https://github.com/node-red-3cx/webapi.git", "the README clones the project's repository");
      copyWorkingTree(path.join(work, clone[2]));
      return `: ${line}`;
    });
    // A marker before the last command (the install into ~/.node-red): its output is the user's.
    script.splice(script.length - 1, 0, `echo '${MARK}'; echo '${MARK}' >&2`);
    const env: NodeJS.ProcessEnv = { HOME: home, npm_config_cache: cache, npm_config_offline: "true", npm_config_audit: "false", npm_config_fund: "false" };
    for (const [k, v] of Object.entries(process.env)) if (!/^(npm_|HOME$)/i.test(k)) env[k] ??= v;
    const t0 = Date.now();
    try {
      const res = await run("bash", ["-euo", "pipefail", "-c", script.join("\n")], { cwd: work, env, maxBuffer: 64 << 20 });
      output = `${res.stdout}${res.stderr}`;
      userInstall = [res.stdout, res.stderr].map((o) => o.slice(o.indexOf(MARK) + MARK.length)).join("\n");
    } catch (err) {
      const e = err as { stdout?: string; stderr?: string; message: string };
      assert.fail(`the README's commands failed:\n${script.join("\n")}\n${e.message}\n${e.stdout ?? ""}${e.stderr ?? ""}`);
    }
    console.log(`      README install (copy, npm install, npm pack, install into ~/.node-red): ${Date.now() - t0} ms`);
  });
  after(async () => {
    await red?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("the README gives the whole path: clone, install, pack, then the tarball into ~/.node-red", () => {
    assert.ok(CLONE.test(lines[0]), lines.join("\n"));
    assert.ok(lines.includes("npm pack"), "npm pack");
    assert.ok(lines.includes("cd ~/.node-red"), "cd ~/.node-red");
    assert.match(lines[lines.length - 1], /^npm install \S*node-red-3cx-webapi-\d+\.\d+\.\d+\.tgz$/);
  });

  it("installs the built package (a copy, not a link) into ~/.node-red, with no npm warning for it", () => {
    const installed = path.join(home, ".node-red", "node_modules", ...MODULE.split("/"));
    assert.ok(!fs.lstatSync(installed).isSymbolicLink(), "a copy");
    const manifest = JSON.parse(fs.readFileSync(path.join(installed, "package.json"), "utf8")) as { version: string; "node-red": { nodes: Record<string, string> } };
    const ours = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as { version: string };
    assert.equal(manifest.version, ours.version);
    for (const js of Object.values(manifest["node-red"].nodes)) assert.ok(fs.existsSync(path.join(installed, js)), js);
    const userPkg = JSON.parse(fs.readFileSync(path.join(home, ".node-red", "package.json"), "utf8")) as { dependencies: Record<string, string> };
    assert.match(userPkg.dependencies[MODULE], /^file:.*node-red-3cx-webapi-.*\.tgz$/, "saved in ~/.node-red/package.json");
    // The repository's own npm install may warn about its dev tools; the user's install must not warn at all.
    assert.ok(output.includes(MARK), output);
    assert.deepEqual(userInstall.split("\n").filter((l) => /^npm (warn|error)/i.test(l)), [], userInstall);
    assert.match(userInstall, /added \d+ packages?/, userInstall);
  });

  it("Node-RED loads all 7 node types from what was installed", async () => {
    const from = path.join(home, ".node-red", "node_modules");
    red = await startRed({ install: async (userDir) => fs.cpSync(from, path.join(userDir, "node_modules"), { recursive: true, verbatimSymlinks: true }) });
    const sets = (await (await fetch(`${red.url}/nodes`, { headers: { accept: "application/json" } })).json()) as { module: string; types: string[]; enabled: boolean; err?: unknown }[];
    const ours = sets.filter((s) => s.module === MODULE);
    assert.equal(ours.flatMap((s) => s.types).length, 7, JSON.stringify(ours));
    for (const s of ours) assert.equal(s.err, undefined, String(s.err));
  });
});
