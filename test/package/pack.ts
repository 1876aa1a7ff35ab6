/**
 * The package as npm would publish it: `npm pack` of the built repository into a temporary
 * directory, once per test process (the tarball and scorecard tests share it). Scripts are
 * ignored: `prepack` would rebuild dist/ under the running tests.
 */
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { REPO_ROOT } from "../support/red-process";

export const run = promisify(execFile);

export interface Packed {
  /** The temporary directory holding the tarball (and what tests unpack or install from it). */
  readonly dir: string;
  readonly tarball: string;
  /** Paths inside the tarball, relative to its package/ folder. */
  readonly files: readonly string[];
  readonly packageJson: PackageJson;
  /** How long `npm pack` took. */
  readonly ms: number;
}

export interface PackageJson {
  name: string;
  version: string;
  main: string;
  bin: Record<string, string>;
  keywords: string[];
  scripts?: Record<string, string>;
  dependencies: Record<string, string>;
  "node-red": { version: string; nodes: Record<string, string> };
}

let packing: Promise<Packed> | undefined;

export function packOnce(): Promise<Packed> {
  packing ??= pack();
  return packing;
}

async function pack(): Promise<Packed> {
  const t0 = Date.now();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "3cx-pack-"));
  process.once("exit", () => fs.rmSync(dir, { recursive: true, force: true }));
  // Under `npm test` the parent npm's lifecycle variables reach this npm; without them (and with
  // scripts off in the environment too) `prepack` can't rebuild dist/ under the running tests.
  const env: NodeJS.ProcessEnv = { npm_config_ignore_scripts: "true" };
  for (const [k, v] of Object.entries(process.env)) if (!/^npm_/i.test(k)) env[k] = v;
  const { stdout } = await run("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", dir], { cwd: REPO_ROOT, env, maxBuffer: 16 << 20 });
  // Anything a script printed would come before npm's JSON: parse from the JSON's opening bracket.
  const [info] = JSON.parse(stdout.slice(Math.max(0, stdout.search(/^\[/m)))) as { filename: string; files: { path: string }[] }[];
  const tarball = path.join(dir, info.filename);
  const { stdout: manifest } = await run("tar", ["-xzOf", tarball, "package/package.json"]);
  const packageJson = JSON.parse(manifest) as PackageJson;
  return { dir, tarball, files: info.files.map((f) => f.path), packageJson, ms: Date.now() - t0 };
}

/** The tarball unpacked (as the Flow Library does before scoring it): the package folder. */
export async function unpacked(p: Packed): Promise<string> {
  const out = path.join(p.dir, "unpacked");
  if (!fs.existsSync(path.join(out, "package", "package.json"))) {
    fs.mkdirSync(out, { recursive: true });
    await run("tar", ["-xzf", p.tarball, "-C", out]);
  }
  return path.join(out, "package");
}
