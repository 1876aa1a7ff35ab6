// A newcomer's first look at the editor (red.js + headless Chromium, the Node-RED of this matrix run):
// the 3CX palette with its icons, every edit dialog, method choice and drop-downs from the catalog,
// required fields marked, "Test connection" before the first deploy (license info, and AUTH for a
// wrong key), the extension picker on the simulator's PBX. The Node-RED 5 run pictures the dialog
// for the README (docs/images/edit-dialog.png) when it is missing or UPDATE_SCREENSHOTS=1.
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { FORWARDING_PROFILES, methodsOf, type HomeNode } from "../../src/catalog";
import type { Simulator } from "../../src/simulator";
import {
  cancelEdit, editNode, openEditor, saveScreenshot, settledBox, simulatorConfig, startEditorStack,
  type EditorJQuery, type EditorPage, type EditorRED, type EditorStack,
} from "../support/browser";
import type { RedProcess } from "../support/red-process";

declare const RED: EditorRED;
declare const $: EditorJQuery;

const ACTIONS: readonly HomeNode[] = ["call", "ext", "queue", "contact", "pbx"];
const PALETTE = [...ACTIONS.map((h) => `3cx-${h}`), "3cx-monitor"];
const ICON_PATH = "icons/@node-red-3cx/webapi/";
/** Where the pointer is parked for the picture, away from any tooltip. */
const VIEW_BOTTOM = 850;

describe("editor: palette and edit dialogs (browser)", function () {
  this.timeout(60000);
  let stack: EditorStack;
  let sim: Simulator;
  let red: RedProcess;
  let editor: EditorPage;
  let page: Page;

  before(async function () {
    stack = await startEditorStack(this, (s) => [
      { id: "tab", type: "tab", label: "3CX" },
      simulatorConfig(s),
      ...ACTIONS.map((h, i) => ({ id: `n-${h}`, z: "tab", type: `3cx-${h}`, server: "cfg", method: methodsOf(h)[0].name, x: 160, y: 60 + 60 * i, wires: [[]] })),
      { id: "n-monitor", z: "tab", type: "3cx-monitor", server: "cfg", source: "poll", interval: 600, x: 160, y: 400, wires: [[]] },
      { id: "n-bare", z: "tab", type: "3cx-ext", server: "", method: "ext.state.get", x: 420, y: 60, wires: [[]] },
      {
        id: "n-makecall", z: "tab", type: "3cx-call", name: "", server: "cfg", method: "makecall",
        p_first: "101", p_firstType: "str", p_second: "payload.number", p_secondType: "msg", x: 420, y: 120, wires: [[]],
      },
    ]);
    ({ sim, red } = stack);
    editor = await openEditor(stack.browser, red.url);
    page = editor.page;
  });

  after(async () => {
    await stack?.stop();
  });

  const edit = (id: string): Promise<void> => editNode(page, id);
  const cancel = (): Promise<void> => cancelEdit(page);
  const visibleRows = (): Promise<string[]> =>
    page.evaluate(() => $(".threecx-row:visible").map((_, el) => el.id.replace("node-3cx-row-", "")).get());

  it("shows the six nodes under 3CX with their icons, and the config node in the config sidebar", async () => {
    for (const type of PALETTE) {
      const node = page.locator(`#red-ui-palette-container-3CX .red-ui-palette-node[data-palette-type='${type}']`);
      assert.equal(await node.count(), 1, `${type} in the 3CX category`);
      const style = (await node.locator(".red-ui-palette-icon").getAttribute("style")) ?? "";
      assert.ok(style.includes(`${ICON_PATH}${type}.svg`), `${type} icon: ${style}`);
      assert.equal(await editor.statusOf(`${red.url}/${ICON_PATH}${type}.svg`), 200, `${type}.svg loaded`);
    }
    const others = await page.locator("#red-ui-palette-container-3CX .red-ui-palette-node").count();
    assert.equal(others, PALETTE.length, "nothing else in the 3CX category");
    assert.equal(await page.evaluate(() => RED.nodes.getType("3cx-config")?.category), "config");
    await page.evaluate(() => RED.sidebar.show("config"));
    const configType = page.locator("li.red-ui-palette-node-config-type", { hasText: /^3cx-config$/ });
    await configType.waitFor();
    assert.match(await page.locator("li.red-ui-palette-node-config-type + li .red-ui-palette-label").first().innerText(), /^3CX simulator/);
    const icon = await fetch(`${red.url}/${ICON_PATH}3cx-config.svg`);
    assert.equal(icon.status, 200);
    assert.match(icon.headers.get("content-type") ?? "", /svg/);
  });

  it("opens every dialog (6 nodes and the config node) without a console error", async () => {
    for (const id of [...ACTIONS.map((h) => `n-${h}`), "n-monitor"]) {
      await edit(id);
      await cancel();
    }
    await page.evaluate(() => RED.editor.editConfig("", "3cx-config", "cfg"));
    await page.waitForSelector("#node-config-input-fqdn", { state: "visible" });
    assert.equal(await page.inputValue("#node-config-input-fqdn"), sim.httpUrl);
    await page.click("#node-config-dialog-cancel");
    await page.waitForSelector("#node-config-input-fqdn", { state: "detached" });
    assert.deepEqual(editor.problems, []);
  });

  it("changes the fields to the chosen method's parameters, as the catalog lists them", async () => {
    let checked = 0;
    for (const h of ACTIONS) {
      await edit(`n-${h}`);
      for (const m of methodsOf(h)) {
        await page.selectOption("#node-input-method", m.name);
        assert.deepEqual((await visibleRows()).sort(), m.params.map((p) => p.name).sort(), `3cx-${h} ${m.name}`);
        checked++;
      }
      await cancel();
    }
    assert.ok(checked >= 40, `${checked} methods`);
  });

  it("offers an enumeration and an on/off flag as drop-downs", async () => {
    await edit("n-ext");
    await page.selectOption("#node-input-method", "ext.fwd.set");
    assert.equal(await page.evaluate(() => $("#node-input-p_status").typedInput("type")), "choice");
    await page.locator("#node-3cx-row-status .red-ui-typedInput-option-trigger").click();
    const options = (await page.locator(".red-ui-typedInput-options a:visible").allInnerTexts()).map((o) => o.trim());
    for (const v of FORWARDING_PROFILES) assert.ok(options.some((o) => o.startsWith(v.label)), `${v.label} in ${options.join(" | ")}`);
    await page.locator(".red-ui-typedInput-options a:visible", { hasText: FORWARDING_PROFILES[1].label }).click();
    assert.equal(await page.evaluate(() => $("#node-input-p_status").typedInput("value")), FORWARDING_PROFILES[1].value);
    await page.selectOption("#node-input-method", "ext.queueglobal.set");
    assert.equal(await page.evaluate(() => $("#node-input-p_log").typedInput("type")), "choice");
    await page.locator("#node-3cx-row-log .red-ui-typedInput-option-trigger").click();
    const flags = (await page.locator(".red-ui-typedInput-options a:visible").allInnerTexts()).join(" | ");
    assert.match(flags, /\(on\)/);
    assert.match(flags, /\(off\)/);
    await page.keyboard.press("Escape");
    await cancel();
  });

  it("marks a missing PBX and a missing address; Test connection shows the license, or AUTH for a wrong key", async () => {
    await edit("n-bare");
    assert.ok(await page.evaluate(() => $("#node-input-server").hasClass("input-error")), "no PBX chosen: marked");
    assert.equal(await page.evaluate(() => RED.nodes.node("n-bare")?.valid), false, "the node shows the invalid triangle");
    await page.click("#node-input-btn-server-add");
    await page.waitForSelector("#node-config-input-fqdn", { state: "visible" });
    assert.ok(await page.evaluate(() => $("#node-config-input-fqdn").hasClass("input-error")), "blank address: marked");
    await page.fill("#node-config-input-fqdn", sim.httpUrl);
    await page.dispatchEvent("#node-config-input-fqdn", "change");
    assert.ok(!(await page.evaluate(() => $("#node-config-input-fqdn").hasClass("input-error"))), "typed address: not marked");

    const info = (await (await fetch(`${sim.httpUrl}/webapi/${sim.accessKey}/`)).json()) as Record<string, unknown>;
    await page.fill("#node-config-input-accessKey", sim.accessKey);
    await page.click("#node-config-3cx-test");
    await page.waitForSelector("#node-config-3cx-test-result.threecx-test-ok");
    assert.equal(
      await page.innerText("#node-config-3cx-test-result"),
      `Connected: ${info.product} ${info.version}, license until ${info.licenseExpire}, ${info.concurrentCalls} concurrent calls`,
    );

    const wrong = "not-the-key-5521";
    await page.fill("#node-config-input-accessKey", wrong);
    await page.click("#node-config-3cx-test");
    await page.waitForSelector("#node-config-3cx-test-result.threecx-test-fail");
    const reason = await page.innerText("#node-config-3cx-test-result");
    assert.match(reason, /^AUTH: .*access key/);
    assert.ok(!reason.includes(wrong), "the typed key is not echoed");

    await page.fill("#node-config-input-accessKey", sim.accessKey);
    await page.click("#node-config-dialog-ok");
    await page.waitForSelector("#node-config-input-fqdn", { state: "detached" });
    await page.waitForFunction(() => !$("#node-input-server").hasClass("input-error"), undefined, { timeout: 5000 }); // PBX chosen: no longer marked
  });

  it("lists the simulator's extensions in the picker (the new config, not deployed yet)", async () => {
    const expected = ((await (await fetch(`${sim.httpUrl}/webapi/${sim.accessKey}/all.ext.get`)).json()) as { nums: string[] }).nums;
    await page.click("#node-3cx-row-num .threecx-pick");
    const items = page.locator(".red-ui-popover-panel .red-ui-menu li a:visible");
    await items.first().waitFor({ timeout: 10000 });
    const labels = await items.allInnerTexts();
    assert.deepEqual(labels.map((l) => l.split(/\s/)[0]).sort(), [...expected].sort());
    await items.filter({ hasText: new RegExp(`^${expected[2]}\\b`) }).click();
    assert.equal(await page.evaluate(() => $("#node-input-p_num").typedInput("value")), expected[2]);
    await cancel();
  });

  it("the monitor dialog estimates the PBX's poll load and names the watch entries the PBX does not have", async () => {
    await edit("n-monitor");
    await page.fill("#node-input-interval", "2");
    await page.fill("#node-input-extensions", "100-104, 990");
    await page.dispatchEvent("#node-input-extensions", "change");
    // 6 entries every 2 s (3 req/s) + the calls list every 2 s (0.5), within the default budget of 10.
    await page.waitForFunction(() => /3\.5/.test($("#node-3cx-monitor-load").text()), undefined, { timeout: 5000 }).catch(async (e: unknown) => {
      throw new Error(`load shown: "${await page.innerText("#node-3cx-monitor-load")}", problems ${JSON.stringify(editor.problems)}: ${String(e)}`);
    });
    assert.match(await page.innerText("#node-3cx-monitor-load"), /≈ 3\.5 requests\/s .*budget 10/);
    await page.fill("#node-input-extensions", "100-199");
    await page.dispatchEvent("#node-input-extensions", "change");
    // 100 entries want 50 req/s: the budget caps them at 10 (+0.5) and each is read every 10 s.
    await page.waitForFunction(() => /10\.5/.test($("#node-3cx-monitor-load").text()), undefined, { timeout: 5000 });
    assert.match(await page.innerText("#node-3cx-monitor-load"), /every 10 s/);
    await page.fill("#node-input-extensions", "100, 101, 990");
    await page.dispatchEvent("#node-input-extensions", "change");
    await page.waitForFunction(() => /990/.test($("#node-3cx-monitor-unknown").text()), undefined, { timeout: 10000 });
    assert.doesNotMatch(await page.innerText("#node-3cx-monitor-unknown"), /\b10[01]\b/, "the PBX has 100 and 101");
    await cancel();
  });

  it("shows a saved node's values in its dialog (the README picture)", async () => {
    await edit("n-makecall");
    await page.waitForSelector("#node-3cx-row-first .red-ui-typedInput-container", { state: "visible" });
    assert.deepEqual(await page.evaluate(() => [$("#node-input-p_first").typedInput("type"), $("#node-input-p_first").typedInput("value")]), ["str", "101"]);
    assert.deepEqual(await page.evaluate(() => [$("#node-input-p_second").typedInput("type"), $("#node-input-p_second").typedInput("value")]), ["msg", "payload.number"]);
    await page.mouse.move(0, VIEW_BOTTOM);
    // The tray down to the last form row: the empty rest of the panel is left out.
    const tray = await settledBox(page.locator(".red-ui-tray", { has: page.locator("#node-dialog-ok") }).locator(".red-ui-tray-header"));
    const last = await settledBox(page.locator("#node-input-name"));
    const written = await saveScreenshot(page, "edit-dialog", { x: tray.x, y: tray.y, width: tray.width, height: last.y + last.height + 24 - tray.y });
    if (written) console.log(`      wrote ${written}`);
    await cancel();
    assert.deepEqual(editor.problems, [], "no console error in the whole walk");
  });
});
