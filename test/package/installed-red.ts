/**
 * A real Node-RED (red.js of the Node-RED under test, on this run's Node) whose fresh user
 * directory has the package installed from its tarball by npm, as the Palette Manager or
 * `npm install` in ~/.node-red would: no link to the repository.
 */
import { startRed, type RedProcess } from "../support/red-process";
import { run } from "./pack";

export interface InstalledRed extends RedProcess {
  /** What npm printed while installing the tarball. */
  readonly npmOutput: string;
}

export async function startInstalledRed(tarball: string): Promise<InstalledRed> {
  let npmOutput = "";
  const red = await startRed({
    // A Node-RED without FlowFuse Dashboard 2.0, as most users have: red.js also loads the modules
    // of the node_modules folders above its own, and the repository's holds the dashboard (a dev dependency).
    settings: { externalModules: { palette: { allowList: ["*"], denyList: ["@flowfuse/node-red-dashboard"] } } },
    // The npm cache holds the dependencies (the repository's own install); the registry is reachable otherwise.
    // Scripts are on, as for a user: npm would run (and warn about) any install script a file tarball carries.
    install: async (userDir) => {
      const npm = await run("npm", ["install", tarball, "--prefix", userDir, "--prefer-offline", "--no-audit", "--no-fund"], { cwd: userDir, maxBuffer: 16 << 20 });
      npmOutput = `${npm.stdout}${npm.stderr}`;
    },
  });
  return { url: red.url, userDir: red.userDir, npmOutput, log: red.log, stop: red.stop, restart: red.restart };
}
