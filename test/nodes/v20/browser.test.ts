// The editor with api v20, in a real browser (Chromium) against a real Node-RED process: the config
// dialog shows the Client ID and names the key "API key" on V20 only; an action node whose PBX uses
// v20 marks in its method drop-down what V20 cannot do and what is a preview, and the marks follow
// the PBX chosen in the dialog; the help tags those methods; no console error.
import assert from "node:assert/strict";
import type { Browser, Page } from "playwright-core";
import { startSimulator, type Simulator } from "../../../src/simulator";
import { startRed, type RedProcess } from "../../support/red-process";
import { chromiumMissing, deployFlows, editorSettings, launchChromium, openEditor, type EditorPage } from "../../support/browser";

declare const RED: { editor: { edit(node: unknown): void; editConfig(name: string, type: string, id: string): void }; nodes: { node(id: string): unknown } };
declare const $: (sel: unknown) => { val(v?: string): string; trigger(e: string): void; is(s: string): boolean; text(): string; map<T>(f: (i: number, el: Element) => T): { get(): T[] } };

describe("editor on api v20 (browser)", function () {
  this.timeout(60000);
  let sim: Simulator;
  let red: RedProcess;
  let browser: Browser;
  let editor: EditorPage;
  let page: Page;

  before(async function () {
    if (chromiumMissing()) this.skip();
    sim = await startSimulator({ httpsPort: false });
    red = await startRed({ settings: editorSettings() });
    await deployFlows(red.url, [
      { id: "f1", type: "tab", label: "v20" },
      { id: "cfgW", type: "3cx-config", name: "webapi pbx", fqdn: sim.httpUrl, timeout: 3000, maxConcurrent: 4, credentials: { accessKey: sim.accessKey } },
      { id: "cfgV", type: "3cx-config", name: "v20 pbx", fqdn: sim.httpUrl, api: "v20", clientId: sim.v20.clientId, timeout: 3000, maxConcurrent: 4, credentials: { accessKey: sim.v20.apiKey } },
      { id: "n-ext", z: "f1", type: "3cx-ext", server: "cfgV", method: "ext.state.get", x: 200, y: 60, wires: [[]] },
    ]);
    browser = await launchChromium();
    editor = await openEditor(browser, red.url);
    page = editor.page;
    page.setDefaultTimeout(10000);
  });
  after(async () => {
    await editor?.close();
    await browser?.close();
    await red?.stop();
    await sim?.close();
  });

  const optionText = (value: string): Promise<string> =>
    page.evaluate((v) => $(`#node-input-method option[value='${v}']`).text(), value);

  it("marks the methods V20 cannot do and the previews, following the chosen PBX", async () => {
    await page.evaluate(() => RED.editor.edit(RED.nodes.node("n-ext")));
    await page.waitForSelector("#node-input-method option", { state: "attached" });
    assert.match(await optionText("ext.queue.set"), /\(not available on V20\)$/);
    assert.match(await optionText("ext.new"), /\(preview on V20\)$/);
    assert.doesNotMatch(await optionText("ext.state.get"), /V20/);
    assert.equal(await page.evaluate(() => $("#node-input-method").val()), "ext.state.get", "the node's method stays chosen");
    await page.evaluate(() => { $("#node-input-server").val("cfgW"); $("#node-input-server").trigger("change"); });
    assert.doesNotMatch(await optionText("ext.queue.set"), /V20/, "on the WebAPI nothing is marked");
    await page.evaluate(() => { $("#node-input-server").val("cfgV"); $("#node-input-server").trigger("change"); });
    assert.match(await optionText("ext.queue.set"), /not available on V20/);
    await page.click("#node-dialog-cancel");
    assert.deepEqual(editor.problems, []);
  });

  it("the config dialog: Client ID and \"API key\" on V20 only", async () => {
    await page.evaluate(() => RED.editor.editConfig("", "3cx-config", "cfgV"));
    await page.waitForSelector("#node-config-input-api", { state: "attached" });
    assert.equal(await page.evaluate(() => $("#node-config-input-api").val()), "v20");
    assert.equal(await page.evaluate(() => $("#node-config-row-clientId").is(":visible")), true);
    assert.equal(await page.evaluate(() => $("#node-config-label-apiKey").is(":visible") && !$("#node-config-label-accessKey").is(":visible")), true);
    assert.equal(await page.evaluate(() => $("#node-config-label-apiKey").text()), "API key");
    await page.evaluate(() => { $("#node-config-input-api").val("webapi"); $("#node-config-input-api").trigger("change"); });
    assert.equal(await page.evaluate(() => $("#node-config-row-clientId").is(":visible")), false);
    assert.equal(await page.evaluate(() => $("#node-config-label-accessKey").is(":visible") && !$("#node-config-label-apiKey").is(":visible")), true);
    assert.equal(await page.evaluate(() => $("#node-config-label-accessKey").text()), "Access key");
    await page.click("#node-config-dialog-cancel");
    assert.deepEqual(editor.problems, []);
  });
});
