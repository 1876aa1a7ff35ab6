/**
 * A real Node-RED (red.js of the Node-RED under test, on this run's Node) whose fresh user
 * directory has the package installed from its tarball by npm, as the Palette Manager or
 * `npm install` in ~/.node-red would: no link to the repository. (test/support/red-process.ts
 * links the repository instead; an `install` option there could replace this file.)
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { freePort } from "../support/red-process";
import { run } from "./pack";

const NODE_RED_PKG = process.env.NODE_RED_PKG || "node-red";

export interface InstalledRed {
  readonly url: string;
  readonly userDir: string;
  /** What npm printed while installing the tarball. */
  readonly npmOutput: string;
  log(): string;
  stop(): Promise<void>;
}

export async function startInstalledRed(tarball: string): Promise<InstalledRed> {
  const userDir = fs.mkdtempSync(path.join(os.tmpdir(), "3cx-installed-"));
  fs.writeFileSync(path.join(userDir, "package.json"), JSON.stringify({ name: "node-red-project", private: true, version: "0.0.1" }));
  // The npm cache holds the dependencies (the repository's own install); the registry is reachable otherwise.
  // --ignore-scripts: as from the registry, where npm runs no `prepare` (it would for a file tarball).
  const npm = await run("npm", ["install", tarball, "--prefix", userDir, "--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts"], { cwd: userDir, maxBuffer: 16 << 20 });
  const port = await freePort();
  const settings = {
    uiHost: "127.0.0.1",
    flowFile: "flows.json",
    credentialSecret: "package-test",
    editorTheme: { tours: false, palette: { catalogues: [] }, projects: { enabled: false } },
    telemetry: { enabled: false },
    externalModules: { autoInstall: false, palette: { allowInstall: false } },
    logging: { console: { level: "info", metrics: false, audit: false } },
  };
  fs.writeFileSync(path.join(userDir, "settings.js"), `module.exports = ${JSON.stringify(settings)};\n`);

  const child = spawn(process.execPath, [require.resolve(`${NODE_RED_PKG}/red.js`), "-u", userDir, "-p", String(port)], { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const exited = once(child, "exit");
  const started = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`red.js did not start within 30 s:\n${output}`)), 30000);
    const onData = (d: Buffer): void => {
      output += d.toString();
      if (output.includes("Started flows")) { clearTimeout(timer); resolve(); }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.once("exit", (code) => { clearTimeout(timer); reject(new Error(`red.js exited (${code}):\n${output}`)); });
  });
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGINT");
      const hard = setTimeout(() => child.kill("SIGKILL"), 10000);
      await exited;
      clearTimeout(hard);
    }
    fs.rmSync(userDir, { recursive: true, force: true });
  };
  try {
    await started;
  } catch (err) {
    await stop();
    throw err;
  }
  return { url: `http://127.0.0.1:${port}`, userDir, npmOutput: `${npm.stdout}${npm.stderr}`, log: () => output, stop };
}
