/**
 * A real Node-RED (red.js of the Node-RED under test) in its own process, on 127.0.0.1, with a
 * fresh user directory that has this package installed (a link to the repository root, whose
 * package.json points Node-RED at dist/). For end-to-end tests: admin auth, the editor, examples.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { NODE_RED_PKG } from "./nodered";

export const REPO_ROOT = path.resolve(__dirname, "../../..");

export interface RedUser {
  username: string;
  password: string;
  permissions: string;
}

export interface RedOptions {
  users?: RedUser[];
  flows?: unknown[];
  credentials?: Record<string, Record<string, string>>;
  env?: Record<string, string>;
  /** Extra settings merged into settings.js (JSON-serialisable). */
  settings?: Record<string, unknown>;
  /**
   * Puts the package into the fresh user directory (which has a package.json and nothing else).
   * Default: a link to the repository root. The package test installs the tarball with npm here.
   */
  install?: (userDir: string) => Promise<void>;
}

export interface RedProcess {
  readonly url: string;
  readonly userDir: string;
  /** Everything Node-RED printed so far (stdout and stderr). */
  log(): string;
  stop(): Promise<void>;
  /**
   * Stops Node-RED the way an operator does (SIGINT: flows close, context stores flush) and starts
   * it again on the same user directory, settings and port; `whileStopped` runs in between.
   * Rejects when it had to be killed.
   */
  restart(whileStopped?: () => void | Promise<void>): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

function bcryptHash(password: string): string {
  // bcryptjs ships with Node-RED (its admin auth uses it); it has no types of its own.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const bcrypt = require("bcryptjs") as { hashSync(pw: string, rounds: number): string };
  return bcrypt.hashSync(password, 4);
}

function linkRepository(userDir: string): Promise<void> {
  const modDir = path.join(userDir, "node_modules", "@node-red-3cx");
  fs.mkdirSync(modDir, { recursive: true });
  fs.symlinkSync(REPO_ROOT, path.join(modDir, "webapi"), "dir");
  return Promise.resolve();
}

export async function startRed(opts: RedOptions = {}): Promise<RedProcess> {
  const userDir = fs.mkdtempSync(path.join(os.tmpdir(), "3cx-red-"));
  let child: ChildProcess | undefined;
  let output = "";
  /** SIGINT, then SIGKILL after 10 s; resolves true when Node-RED exited by itself. */
  const halt = async (): Promise<boolean> => {
    if (!child || child.exitCode !== null || child.signalCode !== null) return true;
    const exited = once(child, "exit");
    child.kill("SIGINT");
    let killed = false;
    const hard = setTimeout(() => {
      killed = true;
      child?.kill("SIGKILL");
    }, 10000);
    await exited;
    clearTimeout(hard);
    return !killed;
  };
  const stop = async (): Promise<void> => {
    await halt();
    fs.rmSync(userDir, { recursive: true, force: true });
  };
  let port = 0;
  const launch = async (): Promise<void> => {
    const from = output.length; // a restart waits for its own lines
    const proc = spawn(process.execPath, [require.resolve(`${NODE_RED_PKG}/red.js`), "-u", userDir, "-p", String(port)], {
      env: { ...process.env, ...opts.env, NODE_RED_ENABLE_PROJECTS: "false" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child = proc;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`Node-RED did not start within 30 s:\n${output}`)), 30000);
      const onData = (d: Buffer): void => {
        output += d.toString();
        // Both: red.js starts the flows first and listens after, so "Started flows" alone can come
        // before the port accepts a connection (a deploy right after it was refused).
        if (output.indexOf("Started flows", from) >= 0 && output.indexOf("Server now running", from) >= 0) {
          clearTimeout(timer);
          resolve();
        }
      };
      proc.stdout.on("data", onData);
      proc.stderr.on("data", onData);
      proc.once("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`Node-RED exited early (${code}):\n${output}`));
      });
    });
  };
  try {
    // A linked package is listed as a dependency; npm writes its own entry for an installed one.
    const dependencies = opts.install ? {} : { "@node-red-3cx/webapi": "*" };
    fs.writeFileSync(path.join(userDir, "package.json"), JSON.stringify({ name: "node-red-project", private: true, version: "0.0.1", dependencies }));
    await (opts.install ?? linkRepository)(userDir);
    port = await freePort();
    const settings: Record<string, unknown> = {
      uiHost: "127.0.0.1",
      uiPort: port,
      flowFile: "flows.json",
      credentialSecret: "e2e-test-secret",
      editorTheme: { tours: false, palette: { catalogues: [] }, projects: { enabled: false } },
      telemetry: { enabled: false },
      externalModules: { autoInstall: false, palette: { allowInstall: false } },
      logging: { console: { level: "info", metrics: false, audit: false } },
      ...opts.settings,
    };
    if (opts.users) {
      settings.adminAuth = {
        type: "credentials",
        users: opts.users.map((u) => ({ username: u.username, password: bcryptHash(u.password), permissions: u.permissions })),
      };
    }
    fs.writeFileSync(path.join(userDir, "settings.js"), `module.exports = ${JSON.stringify(settings, null, 2)};\n`);
    if (opts.flows) fs.writeFileSync(path.join(userDir, "flows.json"), JSON.stringify(opts.flows));
    await launch();
    const restart = async (whileStopped?: () => void | Promise<void>): Promise<void> => {
      if (!(await halt())) throw new Error(`Node-RED did not stop within 10 s of SIGINT:\n${output}`);
      await whileStopped?.();
      await launch();
    };
    return { url: `http://127.0.0.1:${port}`, userDir, log: () => output, stop, restart };
  } catch (err) {
    await stop(); // a failed start leaves no process and no user directory behind
    throw err;
  }
}

/** An admin API token for a user of `adminAuth`. */
export async function adminToken(url: string, username: string, password: string, scope = "*"): Promise<string> {
  const res = await fetch(`${url}/auth/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ client_id: "node-red-admin", grant_type: "password", scope, username, password }).toString(),
  });
  if (!res.ok) throw new Error(`token for ${username}: HTTP ${res.status}`);
  return ((await res.json()) as { access_token: string }).access_token;
}
