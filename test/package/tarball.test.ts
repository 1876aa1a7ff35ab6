// The published package: `npm pack` of the build, its contents (what Node-RED needs beside each
// node's .js, nothing of the tests), then installed from the tarball by npm into a fresh user
// directory of a real Node-RED (red.js of this matrix run, on this run's Node): all 7 types load
// enabled, icons and en-US/de strings and help resolve over the editor's routes, a flow using the
// installed code answers from the simulator, and the log holds no warning of ours.
import assert from "node:assert/strict";
import { startSimulator, type Simulator } from "../../src/simulator";
import { startInstalledRed, type InstalledRed } from "./installed-red";
import { packOnce, run, type Packed } from "./pack";

const MODULE = "@node-red-3cx/webapi";
const LANGS = ["en-US", "de"];
/** Node-RED's own start-up notices for a fresh user directory, printed with no package installed. */
const NODE_RED_NOTICES = [/\[warn\] Projects disabled : editorTheme\.projects\.enabled=false$/, /\[warn\] Encrypted credentials not found$/];

describe("published package: npm pack, installed from the tarball into red.js", function () {
  this.timeout(60000);
  let packed: Packed;
  let types: string[];
  let files: Set<string>;

  before(async () => {
    packed = await packOnce();
    types = Object.keys(packed.packageJson["node-red"].nodes);
    files = new Set(packed.files);
    console.log(`      npm pack: ${packed.files.length} files in ${packed.ms} ms`);
  });

  /** A file of the tarball, as text. */
  const read = async (file: string): Promise<string> => (await run("tar", ["-xzOf", packed.tarball, `package/${file}`], { maxBuffer: 16 << 20 })).stdout;

  it("holds each node's .js with its .html, icon and en-US/de messages and help beside it", async () => {
    assert.equal(types.length, 7);
    for (const [type, js] of Object.entries(packed.packageJson["node-red"].nodes)) {
      const dir = js.slice(0, js.lastIndexOf("/"));
      const expected = [js, js.replace(/\.js$/, ".html"), `${dir}/icons/${type}.svg`,
        ...LANGS.flatMap((l) => [`${dir}/locales/${l}/${type}.json`, `${dir}/locales/${l}/${type}.html`])];
      for (const f of expected) assert.ok(files.has(f), `${type}: ${f} in the tarball`);
      const html = await read(js.replace(/\.js$/, ".html"));
      for (const icon of html.matchAll(/\bicon:\s*["']([^"']+\.(?:svg|png))["']/g)) assert.ok(files.has(`${dir}/icons/${icon[1]}`), `${type} uses icons/${icon[1]}`);
    }
    for (const f of ["package.json", "LICENSE", "README.md"]) assert.ok(files.has(f), f);
    assert.ok(packed.files.filter((f) => /^examples\/[^/]+\.json$/.test(f)).length >= 16, "the example flows");
  });

  it("holds the files package.json points at (main, bin)", () => {
    for (const bin of Object.values(packed.packageJson.bin)) assert.ok(files.has(bin.replace(/^\.\//, "")), `bin ${bin}`);
    assert.ok(files.has(packed.packageJson.main), `main ${packed.packageJson.main} is not in the package: require("${MODULE}") fails`);
  });

  it("carries no script that npm would run when installing it (the build is prepack: run by npm pack and publish only)", () => {
    const scripts = packed.packageJson.scripts ?? {};
    const atInstall = ["preinstall", "install", "postinstall", "prepare", "preprepare", "postprepare"].filter((s) => s in scripts);
    assert.deepEqual(atInstall, [], JSON.stringify(scripts));
    assert.equal(scripts.prepack, "node scripts/build.js", "the tarball is built when packed");
    assert.ok(files.has("CHANGELOG.md"), "the CHANGELOG ships");
  });

  it("holds nothing of the tests, the TypeScript sources or the tooling", () => {
    const strays = packed.files.filter((f) =>
      /^(test|src|nodes|scripts|bench|docs|\.ci)\//.test(f) || /^dist\/test\//.test(f) ||
      /\.test\.|(?<!\.d)\.ts$|^tsconfig|^\.mocharc|^\.node22/.test(f));
    assert.deepEqual(strays, []);
  });

  describe(`installed with npm into a fresh user directory of red.js (${process.env.NODE_RED_PKG || "node-red"}, Node ${process.versions.node})`, () => {
    let red: InstalledRed;
    let sim: Simulator;

    before(async () => {
      const t0 = Date.now();
      red = await startInstalledRed(packed.tarball);
      sim = await startSimulator({ httpsPort: false });
      console.log(`      npm install of the tarball and red.js start: ${Date.now() - t0} ms`);
    });
    after(async () => {
      await red?.stop();
      await sim?.close();
    });

    const get = async (route: string, headers: Record<string, string> = { accept: "application/json" }): Promise<Response> => {
      const res = await fetch(`${red.url}${route}`, { headers });
      assert.equal(res.status, 200, `GET ${route}`);
      return res;
    };

    it("installs without an npm warning (install scripts, deprecated or missing dependencies, engines)", () => {
      assert.deepEqual(red.npmOutput.split("\n").filter((l) => /^npm (warn|error)/i.test(l)), [], red.npmOutput);
    });

    it("runs the Node-RED and Node of this matrix run, with the package from node_modules (no link)", async () => {
      const major = process.env.EXPECT_NODE_RED_MAJOR;
      if (major) assert.match(red.log(), new RegExp(`Node-RED version: v${major}\\.`));
      assert.ok(red.log().includes(`Node.js  version: ${process.version}`), "the run's Node");
      const info = (await (await get(`/nodes/${MODULE}`)).json()) as { version: string; path: string };
      assert.equal(info.version, packed.packageJson.version);
      assert.ok(info.path.startsWith(red.userDir), info.path);
    });

    it("loads all 7 types enabled, without an error", async () => {
      const sets = ((await (await get("/nodes")).json()) as { module: string; types: string[]; enabled: boolean; loaded?: boolean; err?: unknown }[])
        .filter((s) => s.module === MODULE);
      assert.deepEqual(sets.flatMap((s) => s.types).sort(), [...types].sort());
      for (const s of sets) {
        assert.equal(s.enabled, true, `${s.types} enabled`);
        assert.notEqual(s.loaded, false, `${s.types} loaded`);
        assert.equal(s.err, undefined, `${s.types}: ${String(s.err)}`);
      }
    });

    it("serves every icon, and each node's messages and help in en-US and German", async () => {
      for (const type of types) {
        const icon = await get(`/icons/${MODULE}/${type}.svg`, {});
        assert.match(icon.headers.get("content-type") ?? "", /^image\/svg\+xml/);
        assert.match(await icon.text(), /^<svg[\s>]/);
        for (const lng of LANGS) {
          const shipped = (JSON.parse(await read(`dist/nodes/locales/${lng}/${type}.json`)) as Record<string, unknown>)[type];
          assert.ok(shipped, `${lng}/${type}.json has its namespace`);
          // The editor's route (RED.i18n) and the admin API's.
          for (const route of [`/locales/${MODULE}/${type}?lng=${lng}`, `/nodes/${MODULE}/${type}/messages?lng=${lng}`]) {
            assert.deepEqual(((await (await get(route)).json()) as Record<string, unknown>)[type], shipped, route);
          }
        }
      }
      for (const lng of LANGS) {
        const help = await (await get("/nodes", { accept: "text/html", "accept-language": lng })).text();
        for (const type of types) {
          const shipped = await read(`dist/nodes/locales/${lng}/${type}.html`);
          const intro = /<p>([\s\S]*?)<\/p>/.exec(shipped)?.[1].trim();
          assert.ok(intro && help.includes(intro), `${type} help in ${lng}`);
        }
      }
    });

    it("without FlowFuse Dashboard 2.0 installed it loads cleanly: the dashboard examples are files, not a dependency", async () => {
      assert.deepEqual(packed.files.filter((f) => /^examples\/dashboard\/[^/]+\.json$/.test(f)).sort(), ["Agent panel", "Busy lamp field", "Wallboard"].map((l) => `examples/dashboard/${l}.json`));
      assert.equal((packed.packageJson as { dependencies?: Record<string, string> }).dependencies?.["@flowfuse/node-red-dashboard"], undefined);
      const modules = ((await (await get("/nodes")).json()) as { module: string }[]).map((s) => s.module);
      assert.equal(modules.includes("@flowfuse/node-red-dashboard"), false, "no dashboard in this Node-RED");
      assert.doesNotMatch(red.log(), /\[error\]|Waiting for missing types/);
    });

    it("runs a flow with the installed code against the simulator", async () => {
      const res = await fetch(`${red.url}/flows`, {
        method: "POST",
        headers: { "content-type": "application/json", "Node-RED-Deployment-Type": "full" },
        body: JSON.stringify([
          { id: "t", type: "tab", label: "package" },
          { id: "cfg", type: "3cx-config", fqdn: sim.httpUrl, timeout: 3000, maxConcurrent: 2, credentials: { accessKey: sim.accessKey } },
          { id: "in", z: "t", type: "http in", url: "/probe", method: "get", wires: [["pbx"]] },
          { id: "pbx", z: "t", type: "3cx-pbx", server: "cfg", method: "info", wires: [["out"]] },
          { id: "out", z: "t", type: "http response", wires: [] },
        ]),
      });
      assert.equal(res.status, 204);
      let probe = await fetch(`${red.url}/probe`);
      for (const end = Date.now() + 5000; probe.status === 404 && Date.now() < end;) { // the route comes with the flow's start
        await new Promise((r) => setTimeout(r, 100));
        probe = await fetch(`${red.url}/probe`);
      }
      assert.equal(probe.status, 200);
      const answer = (await probe.json()) as Record<string, unknown>;
      const direct = (await (await fetch(`${sim.httpUrl}/webapi/${sim.accessKey}/`)).json()) as Record<string, unknown>;
      assert.deepEqual(answer, direct);
    });

    it("writes no warning or error of its own to the log", () => {
      const lines = red.log().split("\n").filter((l) => /\[(warn|error)\]/.test(l));
      assert.deepEqual(lines.filter((l) => !NODE_RED_NOTICES.some((n) => n.test(l))), [], red.log());
      assert.ok(!/3cx|webapi/i.test(lines.join("\n")));
    });
  });
});
