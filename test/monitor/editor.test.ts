// The monitor's edit dialog in a real editor (red.js + headless Chromium): the webhook URL to paste
// into the generator's configuration, the source switch, the event checkboxes saved as a list, and
// the live extension picker filling the comma list from the config node's admin endpoint.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { startSimulator, type Simulator } from "../../src/simulator";
import { chromiumMissing, deployFlows, editNode, editorSettings, launchChromium, openEditor, type EditorPage, type EditorRED } from "../support/browser";
import { startRed, type RedProcess } from "../support/red-process";

declare const RED: EditorRED;

const KEY = "EDKEY-3a7f0c92d1";

describe("3cx-monitor edit dialog (browser)", function () {
  this.timeout(90000);
  let red: RedProcess;
  let sim: Simulator;
  let browser: Browser;
  let editor: EditorPage;
  let page: Page;

  before(async function () {
    if (chromiumMissing()) this.skip(); // .ci/run installs it
    sim = await startSimulator({ httpsPort: false, accessKey: KEY });
    red = await startRed({ settings: editorSettings() });
    await deployFlows(red.url, [
      { id: "t1", type: "tab", label: "editor" },
      { id: "cfg", type: "3cx-config", name: "sim", fqdn: sim.httpUrl, timeout: 2000, maxConcurrent: 4, credentials: { accessKey: KEY } },
      { id: "hook", z: "t1", type: "3cx-monitor", name: "", source: "webhook", path: "/ed/hook", x: 200, y: 100, wires: [[]] },
      { id: "poll", z: "t1", type: "3cx-monitor", name: "", source: "poll", server: "cfg", interval: 60, extensions: "101", x: 200, y: 200, wires: [[]] },
      { id: "bad", z: "t1", type: "3cx-monitor", name: "", source: "poll", server: "cfg", interval: 0, statsInterval: -5, timeZone: "Mars/Olympus", x: 200, y: 300, wires: [[]] },
    ]);
    browser = await launchChromium();
    editor = await openEditor(browser, red.url);
    page = editor.page;
    // The workspace has drawn the flow: the editor is ready to open dialogs.
    await page.waitForSelector("#red-ui-workspace-chart .red-ui-flow-node", { timeout: 30000 });
  });
  after(async () => {
    await editor?.close();
    await browser?.close();
    await red?.stop();
    await sim?.close();
  });

  const edit = (id: string): Promise<void> => editNode(page, id, "#node-input-source");

  it("marks a monitor with a bad interval, statistics interval or time zone invalid, and a good one valid", async () => {
    const state = await page.evaluate(() => {
      const of = (id: string) => RED.nodes.node(id) as unknown as { valid: boolean; validationErrors?: string[] };
      return { bad: of("bad"), poll: of("poll"), hook: of("hook") };
    });
    assert.equal(state.bad.valid, false);
    // Each reason in the dialog's words (the catalogue's text, not its key).
    const EN = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "..", "..", "locales", "en-US", "3cx-monitor.json"), "utf8"))["3cx-monitor"].validation;
    assert.deepEqual([...(state.bad.validationErrors ?? [])].sort(), [EN.interval, EN.statsInterval, EN.timeZone].sort());
    assert.equal(state.poll.valid, true, JSON.stringify(state.poll.validationErrors));
    assert.equal(state.hook.valid, true, JSON.stringify(state.hook.validationErrors));
  });

  it("shows the full webhook URL, with the token typed in the dialog", async () => {
    await edit("hook");
    assert.equal(await page.inputValue("#node-input-url"), `${red.url}/ed/hook`);
    await page.fill("#node-input-token", "s3cret");
    await page.dispatchEvent("#node-input-token", "change");
    assert.equal(await page.inputValue("#node-input-url"), `${red.url}/ed/hook?token=s3cret`);
    assert.equal(await page.isVisible("#node-input-interval"), false, "poll rows hidden for the webhook source");
    assert.equal(await page.locator(".threecx-monitor-event").count(), 11);
    assert.equal(await page.locator(".threecx-monitor-event[data-event='webhook.event'] input").isChecked(), false, "webhook.event off by default");
    assert.equal(await page.locator(".threecx-monitor-event.threecx-monitor-dim").count(), 4, "poll-only events dimmed");
    await page.selectOption("#node-input-source", "poll");
    assert.equal(await page.isVisible("#node-input-interval"), true);
    assert.equal(await page.isVisible("#node-input-url"), false);
    await page.selectOption("#node-input-source", "webhook");
    await page.click(".threecx-monitor-event[data-event='call.ringing'] input");
    await page.click("#node-dialog-ok");
    await page.waitForSelector("#node-input-source", { state: "detached" });
    const saved = await page.evaluate(() => {
      const n = RED.nodes.node("hook");
      return { events: n?.events as string[], source: n?.source as string };
    });
    assert.equal(saved.source, "webhook");
    assert.equal(saved.events.length, 9);
    assert.equal(saved.events.includes("call.ringing"), false);
  });

  it("picks extensions from the PBX's live list into the comma list, keeping what is typed", async () => {
    await edit("poll");
    await page.fill("#node-input-extensions", "101, 9999");
    await page.click("#node-3cx-monitor-pickbtn-extensions");
    await page.waitForSelector("#node-3cx-monitor-pick-extensions .threecx-monitor-pickitem, #node-3cx-monitor-pick-extensions.threecx-monitor-error", { timeout: 10000 });
    assert.equal(await page.locator("#node-3cx-monitor-pick-extensions.threecx-monitor-error").count(), 0, await page.locator("#node-3cx-monitor-pick-extensions").textContent() ?? "");
    const labels = await page.locator("#node-3cx-monitor-pick-extensions .threecx-monitor-pickitem").allTextContents();
    assert.ok(labels.some((l) => /^102\b/.test(l) && /Tom Smith/.test(l)), labels.join(" | "));
    const item102 = page.locator("#node-3cx-monitor-pick-extensions .threecx-monitor-pickitem", { hasText: /^102/ }).locator("input");
    await item102.check();
    assert.equal(await page.inputValue("#node-input-extensions"), "101,9999,102");
    const item101 = page.locator("#node-3cx-monitor-pick-extensions .threecx-monitor-pickitem", { hasText: /^101/ }).locator("input");
    assert.equal(await item101.isChecked(), true, "what was already in the list is ticked");
    await item101.uncheck();
    assert.equal(await page.inputValue("#node-input-extensions"), "9999,102");
    await page.click("#node-dialog-cancel");
    await page.waitForSelector("#node-input-source", { state: "detached" });
  });

  it("speaks German when the editor does", async () => {
    const de = await openEditor(browser, red.url, { lang: "de" });
    try {
      await de.page.waitForSelector("#red-ui-workspace-chart .red-ui-flow-node", { timeout: 30000 });
      await de.page.evaluate(() => RED.editor.edit(RED.nodes.node("poll")));
      await de.page.waitForSelector("#node-input-source", { state: "visible" });
      assert.equal((await de.page.locator("label[for='node-input-extensions']").textContent())?.trim(), "Nebenstellen");
      assert.equal(await de.page.locator("#node-input-source option[value='webhook']").textContent(), "Webhooks der WebAPI empfangen");
      assert.deepEqual(de.problems, []);
    } finally {
      await de.close();
    }
  });

  it("raised no error in the page", () => {
    assert.deepEqual(editor.problems, []);
  });
});
