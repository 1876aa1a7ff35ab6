// Importing examples one after the other, as a newcomer does, in the editor (red.js + headless
// Chromium): Import → Examples → this package, twice. No "some of the nodes you are importing
// already exist" dialog (each example carries its own PBX config node, with its own id), and one
// PBX to fill in: the second example's nodes join the PBX that is already there. Deployed before
// the key is entered, the nodes say "no access key" and the PBX dialog marks the empty key field;
// after entering the address and key once, everything deploys and answers.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import type { Page } from "playwright-core";
import type { Simulator } from "../../src/simulator";
import { openEditor, startEditorStack, type EditorPage, type EditorRED, type EditorStack } from "../support/browser";
import { REPO_ROOT } from "../support/red-process";

interface ConfigInEditor { id: string; type: string; name?: string; fqdn?: string; path?: string; ui?: string; theme?: string; users: { id: string }[] }
declare const RED: EditorRED & {
  actions: { invoke(name: string, arg?: unknown): void };
  nodes: { eachConfig(cb: (n: ConfigInEditor) => void): void };
};

const MODULE = "@node-red-3cx/webapi";
const FIRST = "PBX health and license check";
const SECOND = "Queue login and logout from a button";

describe("editor: importing two examples one after the other (browser)", function () {
  this.timeout(90000);
  let stack: EditorStack;
  let sim: Simulator;
  let editor: EditorPage;
  let page: Page;

  before(async function () {
    stack = await startEditorStack(this, () => [{ id: "tab", type: "tab", label: "Flow 1" }]);
    sim = stack.sim;
    editor = await openEditor(stack.browser, stack.red.url);
    page = editor.page;
  });
  after(async () => {
    await stack?.stop();
  });

  /** The PBX config nodes in the editor, with the ids of the nodes using each. */
  const pbxConfigs = (): Promise<{ id: string; name?: string; fqdn?: string; users: string[] }[]> => page.evaluate(() => {
    const out: { id: string; name?: string; fqdn?: string; users: string[] }[] = [];
    RED.nodes.eachConfig((c) => { if (c.type === "3cx-config") out.push({ id: c.id, name: c.name, fqdn: c.fqdn, users: c.users.map((u) => u.id) }); });
    return out;
  });

  /** The 3CX flow nodes of the editor: id, name, server. */
  const ourNodes = (): Promise<{ id: string; name: string; server: string }[]> => page.evaluate(() => {
    const out: { id: string; name: string; server: string }[] = [];
    RED.nodes.eachNode((n) => {
      const x = n as unknown as { id: string; type: string; name: string; server: string };
      if (x.type.startsWith("3cx-")) out.push({ id: x.id, name: x.name, server: x.server });
    });
    return out;
  });

  /** Import → Examples → this package → `name`, dropped on the canvas; fails on Node-RED's conflict notice. */
  async function importExample(name: string): Promise<void> {
    const chart = await page.locator("#red-ui-workspace-chart").boundingBox();
    assert.ok(chart);
    await page.mouse.move(chart.x + 150, chart.y + 100);
    await page.evaluate(() => RED.actions.invoke("core:show-examples-import-dialog"));
    await page.locator(".red-ui-treeList-label:visible", { hasText: MODULE }).click();
    await page.locator(".red-ui-treeList-label:visible", { hasText: name }).click();
    await page.click("#red-ui-clipboard-dialog-ok");
    await page.mouse.move(chart.x + 160, chart.y + 110, { steps: 2 });
    await page.mouse.click(chart.x + 160, chart.y + 110);
    await page.keyboard.press("Escape");
    // Node-RED's conflict notice would be up by now (it is shown synchronously by the import).
    await page.waitForTimeout(300);
    const notices = await page.locator(".red-ui-notification").allTextContents();
    assert.ok(!notices.some((t) => /already exist|Import copy/i.test(t)), `no conflict dialog: ${notices.join(" | ")}`);
    assert.equal(await page.locator("#red-ui-clipboard-dialog-import-conflicts-list").count(), 0, "no conflict list");
  }

  async function deploy(): Promise<void> {
    await page.click("#red-ui-header-button-deploy");
    await page.waitForFunction(() => !RED.nodes.dirty(), undefined, { timeout: 10000 });
  }

  /** The status text the editor shows on a node, once it is `expected` (or the last one after 10 s). */
  async function statusText(id: string, expected: RegExp): Promise<string> {
    const read = (): Promise<string> => page.evaluate((i) => String((RED.nodes.node(i) as { status?: { text?: string } } | null)?.status?.text ?? ""), id);
    for (const end = Date.now() + 10000; Date.now() < end; await page.waitForTimeout(100)) {
      const t = await read();
      if (expected.test(t)) return t;
    }
    return read();
  }

  it("the help sidebar's tree names the config node \"3CX PBX connection\" and lists \"3CX PBX\" once (3cx-pbx)", async () => {
    await page.evaluate(() => RED.sidebar.show("help"));
    const module = page.locator(".red-ui-treeList-label", { hasText: MODULE }).first();
    await module.waitFor({ timeout: 5000 });
    await module.click(); // unfold the package's node types
    await page.waitForTimeout(300);
    const labels = (await page.locator(".red-ui-treeList-label").allInnerTexts()).map((t) => t.trim());
    assert.equal(labels.filter((t) => t === "3CX PBX connection").length, 1, labels.join(" | "));
    assert.equal(labels.filter((t) => t === "3CX PBX").length, 1, labels.join(" | "));
    await page.evaluate(() => RED.sidebar.show("info"));
  });

  it(`imports "${FIRST}": its PBX arrives with the example, without a key`, async () => {
    await importExample(FIRST);
    const configs = await pbxConfigs();
    assert.equal(configs.length, 1, JSON.stringify(configs));
    assert.equal(configs[0].name, "3CX simulator (demo)");
    const nodes = await ourNodes();
    assert.equal(nodes.length, 2);
    for (const n of nodes) assert.equal(n.server, configs[0].id, n.name);
  });

  it("deployed without a key, its nodes say \"no access key\" (not \"no PBX\")", async () => {
    await deploy();
    for (const n of await ourNodes()) assert.equal(await statusText(n.id, /^no access key$/), "no access key", n.name);
  });

  it(`imports "${SECOND}" after it with no conflict dialog: its nodes use the PBX already there`, async () => {
    await page.evaluate(() => RED.actions.invoke("core:add-flow"));
    await importExample(SECOND);
    await page.waitForTimeout(100); // the adoption runs right after the import
    const configs = await pbxConfigs();
    assert.equal(configs.length, 1, `one PBX to fill in: ${JSON.stringify(configs)}`);
    const nodes = await ourNodes();
    assert.ok(nodes.length >= 4, JSON.stringify(nodes));
    for (const n of nodes) assert.equal(n.server, configs[0].id, `${n.name} uses the one PBX`);
    assert.deepEqual([...configs[0].users].sort(), nodes.map((n) => n.id).sort(), "the PBX lists all of them as its users");
  });

  it("Undo takes the second import back (the first and its PBX as they were); Redo brings it back on the one PBX", async () => {
    const before = { configs: await pbxConfigs(), nodes: await ourNodes() };
    await page.evaluate(() => RED.actions.invoke("core:undo"));
    await page.waitForTimeout(100);
    const undone = { configs: await pbxConfigs(), nodes: await ourNodes() };
    assert.equal(undone.configs.length, 1, `one PBX: ${JSON.stringify(undone.configs)}`);
    assert.equal(undone.configs[0].id, before.configs[0].id, "the first example's PBX stays");
    assert.equal(undone.nodes.length, 2, `the first example's two nodes: ${JSON.stringify(undone.nodes)}`);
    assert.deepEqual([...undone.configs[0].users].sort(), undone.nodes.map((n) => n.id).sort(), "its users: the first example's nodes only");

    await page.evaluate(() => RED.actions.invoke("core:redo"));
    await page.waitForTimeout(100); // the adoption runs right after the nodes are added again
    const redone = { configs: await pbxConfigs(), nodes: await ourNodes() };
    assert.equal(redone.configs.length, 1, `one PBX after Redo: ${JSON.stringify(redone.configs)}`);
    assert.deepEqual(redone.nodes.map((n) => n.id).sort(), before.nodes.map((n) => n.id).sort(), "the same nodes again");
    for (const n of redone.nodes) assert.equal(n.server, redone.configs[0].id, `${n.name} uses the one PBX`);
    assert.deepEqual([...redone.configs[0].users].sort(), redone.nodes.map((n) => n.id).sort());
    assert.deepEqual(editor.problems, []);
  });

  it("the PBX dialog marks the empty key field; after entering address and key once, both examples deploy and answer", async () => {
    const [cfg] = await pbxConfigs();
    await page.evaluate((id) => RED.editor.editConfig("", "3cx-config", id), cfg.id);
    await page.waitForSelector("#node-config-input-accessKey", { state: "visible" });
    assert.equal(await page.locator("#node-config-input-accessKey").evaluate((e) => e.classList.contains("input-error")), true, "the empty key is marked");
    assert.match(await page.locator("#node-config-3cx-key-hint").innerText(), /Enter the WebAPI access key/);
    await page.fill("#node-config-input-fqdn", sim.httpUrl);
    await page.fill("#node-config-input-accessKey", sim.accessKey);
    await page.locator("#node-config-input-accessKey").press("Tab"); // typing ends: keyup and change, as Node-RED validates on
    assert.equal(await page.locator("#node-config-input-accessKey").evaluate((e) => e.classList.contains("input-error")), false, "no longer marked");
    assert.equal(await page.locator("#node-config-3cx-key-hint").isVisible(), false);
    await page.click("#node-config-dialog-ok");
    await page.waitForSelector("#node-config-input-fqdn", { state: "detached" });

    const before = sim.requests.length;
    await deploy();
    // The license check runs once a second after the deploy; the up/down monitor polls.
    for (const end = Date.now() + 10000; !sim.requests.slice(before).some((r) => r.method === "info") && Date.now() < end;) await page.waitForTimeout(100);
    assert.ok(sim.requests.slice(before).some((r) => r.method === "info"), "the first example answered from the simulator");
    for (const n of await ourNodes()) {
      const text = await page.evaluate((i) => String((RED.nodes.node(i) as { status?: { text?: string } } | null)?.status?.text ?? ""), n.id);
      assert.ok(!/no access key|no PBX/.test(text), `${n.name}: ${text}`);
    }
    // The second example's write, by its button: sent once, with the one PBX's key.
    const login = (await ourNodes()).find((n) => n.name === "Log in");
    assert.ok(login, "Log in");
    const sent = sim.requests.length;
    await page.evaluate(() => { const c = document.getElementById("red-ui-workspace-chart"); c?.scrollTo(0, 0); });
    const button = await page.evaluate(() => {
      let id = "";
      RED.nodes.eachNode((n) => { if ((n as unknown as { name?: string }).name === "button: log in") id = n.id; });
      return id;
    });
    await page.locator(`#red-ui-workspace-chart g[id='${button}'] .red-ui-flow-node-button`).click();
    for (const end = Date.now() + 5000; !sim.requests.slice(sent).some((r) => r.method === "ext.queue.set") && Date.now() < end;) await page.waitForTimeout(50);
    assert.equal(sim.requests.slice(sent).filter((r) => r.method === "ext.queue.set").length, 1, "the second example's write was sent once");
    assert.deepEqual(editor.problems, []);
  });
});

// The Dashboard 2.0 examples (Import → Examples → this package → dashboard), two one after the
// other, in an editor with FlowFuse Dashboard 2.0 installed: each carries its own ui-base and
// ui-theme (no conflict dialog), and the second's pages join the dashboard already there.
describe("editor: importing two Dashboard 2.0 examples one after the other (browser)", function () {
  this.timeout(90000);
  let stack: EditorStack;
  let editor: EditorPage;
  let page: Page;

  before(async function () {
    let dashboard: string;
    try {
      dashboard = path.dirname(require.resolve("@flowfuse/node-red-dashboard/package.json", { paths: [REPO_ROOT] }));
    } catch {
      console.log("      skipped: @flowfuse/node-red-dashboard is not installed (npm install)");
      this.skip();
    }
    stack = await startEditorStack(this, () => [{ id: "tab", type: "tab", label: "Flow 1" }], {}, (userDir) => {
      for (const [name, dir] of [["@node-red-3cx/webapi", REPO_ROOT], ["@flowfuse/node-red-dashboard", dashboard]]) {
        fs.mkdirSync(path.dirname(path.join(userDir, "node_modules", name)), { recursive: true });
        fs.symlinkSync(dir, path.join(userDir, "node_modules", name), "dir");
      }
      return Promise.resolve();
    });
    editor = await openEditor(stack.browser, stack.red.url);
    page = editor.page;
  });
  after(async () => {
    await stack?.stop();
  });

  /** The dashboard's config nodes in the editor. */
  const dashboardConfigs = (): Promise<{ id: string; type: string; path?: string; ui?: string; theme?: string; name?: string }[]> => page.evaluate(() => {
    const out: { id: string; type: string; path?: string; ui?: string; theme?: string; name?: string }[] = [];
    RED.nodes.eachConfig((c) => { if (/^ui-(base|theme|page)$/.test(c.type)) out.push({ id: c.id, type: c.type, path: c.path, ui: c.ui, theme: c.theme, name: c.name }); });
    return out;
  });

  async function importDashboardExample(name: string): Promise<void> {
    const chart = await page.locator("#red-ui-workspace-chart").boundingBox();
    assert.ok(chart);
    await page.mouse.move(chart.x + 150, chart.y + 100);
    await page.evaluate(() => RED.actions.invoke("core:show-examples-import-dialog"));
    await page.locator(".red-ui-treeList-label:visible", { hasText: MODULE }).click();
    await page.locator(".red-ui-treeList-label:visible", { hasText: /^\s*dashboard\s*$/ }).click();
    // Exactly this name: the package's flat examples have names that contain it too.
    await page.locator(".red-ui-treeList-label:visible").filter({ hasText: new RegExp(`^\\s*${name}\\s*$`) }).click();
    await page.click("#red-ui-clipboard-dialog-ok");
    await page.mouse.move(chart.x + 160, chart.y + 110, { steps: 2 });
    await page.mouse.click(chart.x + 160, chart.y + 110);
    await page.keyboard.press("Escape");
    await page.waitForTimeout(300); // Node-RED's conflict notice would be up by now
    const notices = await page.locator(".red-ui-notification").allTextContents();
    assert.ok(!notices.some((t) => /already exist|Import copy/i.test(t)), `no conflict dialog: ${notices.join(" | ")}`);
    assert.equal(await page.locator("#red-ui-clipboard-dialog-import-conflicts-list").count(), 0, "no conflict list");
  }

  it("imports the Wallboard, then the Busy lamp field: no conflict dialog, one ui-base on /dashboard, both pages on it; Undo and Redo keep one", async () => {
    await importDashboardExample("Wallboard");
    const first = await dashboardConfigs();
    const base = first.filter((c) => c.type === "ui-base");
    const theme = first.filter((c) => c.type === "ui-theme");
    assert.equal(base.length, 1, JSON.stringify(first));
    assert.equal(theme.length, 1, JSON.stringify(first));

    await page.evaluate(() => RED.actions.invoke("core:add-flow"));
    await importDashboardExample("Busy lamp field");
    await page.waitForTimeout(100); // the merge runs right after the import
    const after = await dashboardConfigs();
    assert.deepEqual(after.filter((c) => c.type === "ui-base").map((c) => [c.id, c.path]), [[base[0].id, "/dashboard"]], `one ui-base: ${JSON.stringify(after)}`);
    assert.deepEqual(after.filter((c) => c.type === "ui-theme").map((c) => c.id), [theme[0].id], "one ui-theme");
    const pages = after.filter((c) => c.type === "ui-page");
    assert.deepEqual(pages.map((p) => p.name).sort(), ["Busy lamps", "Wallboard"]);
    for (const p of pages) assert.deepEqual([p.ui, p.theme], [base[0].id, theme[0].id], `${String(p.name)} uses the one dashboard and theme`);
    const users = await page.evaluate((id) => RED.nodes.node(id) ? (RED.nodes.node(id) as unknown as { users: { id: string }[] }).users.map((u) => u.id) : [], base[0].id);
    assert.deepEqual(users.sort(), pages.map((p) => p.id).sort(), "the ui-base lists both pages as its users");

    // Undo takes the second import back (no copy of the dashboard left behind); Redo brings it back on the one.
    await page.evaluate(() => RED.actions.invoke("core:undo"));
    await page.waitForTimeout(100);
    const undone = await dashboardConfigs();
    assert.deepEqual(undone.filter((c) => c.type === "ui-base").map((c) => c.id), [base[0].id], `Undo: ${JSON.stringify(undone)}`);
    assert.deepEqual(undone.filter((c) => c.type === "ui-theme").map((c) => c.id), [theme[0].id]);
    assert.deepEqual(undone.filter((c) => c.type === "ui-page").map((p) => p.name), ["Wallboard"]);
    await page.evaluate(() => RED.actions.invoke("core:redo"));
    await page.waitForTimeout(100);
    const redone = await dashboardConfigs();
    assert.deepEqual(redone.filter((c) => c.type === "ui-base").map((c) => c.id), [base[0].id], `Redo: ${JSON.stringify(redone)}`);
    assert.deepEqual(redone.filter((c) => c.type === "ui-theme").map((c) => c.id), [theme[0].id]);
    const again = redone.filter((c) => c.type === "ui-page");
    assert.deepEqual(again.map((p) => p.name).sort(), ["Busy lamps", "Wallboard"]);
    for (const p of again) assert.deepEqual([p.ui, p.theme], [base[0].id, theme[0].id], `${String(p.name)} after Redo`);
    assert.deepEqual(editor.problems, []);
  });
});
