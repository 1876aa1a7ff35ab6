// The action nodes' edit dialogs in a real browser (Chromium via playwright-core) against a real
// Node-RED process with this package and a deployed 3cx-config pointing at the simulator: palette,
// grouped method drop-down, exactly the chosen method's fields, enumerations, validation naming the
// field, the live PBX lists (deployed and typed config), labels, help (en-US, de), no console
// errors, and readable hints in the theme (Node-RED 5: dark).
import assert from "node:assert/strict";
import type { Browser, Page } from "playwright-core";
import { startSimulator, type Simulator } from "../../../src/simulator";
import { fieldsOf, groupsOf, offersOf } from "../../../src/operations/offers";
import { NODE_RED_PKG } from "../../support/nodered";
import { startRed, type RedProcess } from "../../support/red-process";
import { chromiumMissing, contrastRatio, deployFlows, editorSettings, launchChromium, openEditor, type EditorPage } from "../../support/browser";
import type { HomeNode } from "../../../src/catalog";

const HOMES: HomeNode[] = ["call", "ext", "queue", "contact", "pbx"];
const DARK = NODE_RED_PKG === "node-red-5";

// Browser-side helpers are plain functions evaluated in the page: `RED` and `$` are the editor's.
declare const RED: {
  editor: { edit(node: unknown): void };
  nodes: { node(id: string): Record<string, unknown> & { _def: { label: (this: unknown) => string } }; getType(t: string): { defaults: Record<string, { validate(this: unknown, v: string, o: object): unknown }> } };
  tray: { close(): void };
};
declare const $: (sel: unknown) => {
  length: number; val(v?: string): string; trigger(e: string): void; is(s: string): boolean; text(): string; attr(a: string): string;
  hasClass(c: string): boolean; find(s: string): ReturnType<typeof $>; closest(s: string): ReturnType<typeof $>; css(p: string): string;
  map<T>(f: (i: number, el: Element) => T): { get(): T[] }; typedInput(...args: unknown[]): string; each(f: (i: number, el: Element) => void): void;
};

describe("action nodes: the editor in a browser", function () {
  this.timeout(60000);
  let sim: Simulator;
  let red: RedProcess;
  let browser: Browser;
  let editor: EditorPage;
  let page: Page;
  let problems: string[] = [];

  before(async function () {
    if (chromiumMissing()) this.skip();
    sim = await startSimulator({ httpsPort: false });
    red = await startRed({ settings: editorSettings() });
    await deployFlows(red.url, [
      { id: "f1", type: "tab", label: "actions" },
      { id: "cfg", type: "3cx-config", name: "pbx", fqdn: sim.httpUrl, timeout: 3000, maxConcurrent: 4, credentials: { accessKey: sim.accessKey } },
      ...HOMES.map((h, i) => ({ id: `n-${h}`, z: "f1", type: `3cx-${h}`, server: "cfg", method: offersOf(h)[0].name, x: 200, y: 60 + 60 * i, wires: [[]] })),
      { id: "n-fwd", z: "f1", type: "3cx-ext", server: "cfg", method: "ext.fwd.set", p_num: "102", p_numType: "str", p_status: "Away", p_statusType: "choice", x: 500, y: 60, wires: [[]] },
      { id: "n-named", z: "f1", type: "3cx-queue", name: "Login desk", server: "cfg", method: "agent.login", x: 500, y: 120, wires: [[]] },
      { id: "n-msg", z: "f1", type: "3cx-call", server: "cfg", method: "", x: 500, y: 180, wires: [[]] },
    ]);
    browser = await launchChromium();
    editor = await openEditor(browser, red.url, DARK ? { theme: "dark" } : {});
    page = editor.page;
    page.setDefaultTimeout(10000);
    problems = editor.problems;
  });

  after(async () => {
    await editor?.close();
    await browser?.close();
    await red?.stop();
    await sim?.close();
  });

  afterEach(async () => {
    // A failed test may leave its dialog (and a menu) open: close them so the next test starts clean.
    if (page && (await page.locator("#node-input-method").count()) > 0) {
      await page.keyboard.press("Escape");
      await closeDialog();
    }
  });

  async function openDialog(id: string): Promise<void> {
    await page.evaluate((nodeId) => RED.editor.edit(RED.nodes.node(nodeId)), id);
    await page.waitForSelector("#node-input-method option", { state: "attached" });
  }
  async function closeDialog(): Promise<void> {
    await page.click("#node-dialog-cancel");
    await page.waitForSelector("#node-input-method", { state: "detached" });
  }
  async function chooseMethod(name: string): Promise<void> {
    await page.evaluate((m) => { $("#node-input-method").val(m); $("#node-input-method").trigger("change"); }, name);
  }
  const visibleRows = (): Promise<string[]> =>
    page.evaluate(() => $(".threecx-row:visible").map((_, el) => el.id.replace("node-3cx-row-", "")).get());
  const requiredRows = (): Promise<string[]> =>
    page.evaluate(() => $(".threecx-row:visible .threecx-req:visible").map((_, el) => $(el).closest(".threecx-row").attr("id").replace("node-3cx-row-", "")).get());

  it("loads with no console error; the palette has the five nodes under 3CX", async () => {
    for (const h of HOMES) {
      const node = page.locator(`.red-ui-palette-node[data-palette-type='3cx-${h}']`);
      assert.equal(await node.count(), 1, h);
      assert.match((await node.innerText()).replace(/\s+/g, " "), /^3CX /);
      const category = await node.evaluate((el) => el.closest(".red-ui-palette-category")?.id);
      assert.equal(category, "red-ui-palette-container-3CX");
    }
    assert.deepEqual(problems, []);
  });

  for (const h of HOMES) {
    it(`3cx-${h}: grouped methods with plain labels; each shows exactly its fields, required ones marked`, async () => {
      await openDialog(`n-${h}`);
      const offers = groupsOf(h).flatMap((g) => g.offers);
      const select = await page.evaluate(() => ({
        first: [$("#node-input-method option:first").val(), $("#node-input-method option:first").text()],
        groups: $("#node-input-method optgroup").map((_, g) => g.getAttribute("label") ?? "").get(),
        options: $("#node-input-method optgroup option").map((_, o) => o.textContent ?? "").get(),
      }));
      assert.deepEqual(select.first, ["", "set by msg.method"]);
      assert.deepEqual(select.groups, groupsOf(h).map((g) => g.group));
      assert.deepEqual(select.options, offers.map((o) => `${o.view.label}  —  ${o.name}`));
      for (const o of offers) {
        await chooseMethod(o.name);
        assert.deepEqual((await visibleRows()).sort(), o.view.params.map((p) => p.name).sort(), o.name);
        assert.deepEqual((await requiredRows()).sort(), o.view.params.filter((p) => p.required).map((p) => p.name).sort(), o.name);
      }
      await chooseMethod("");
      assert.deepEqual((await visibleRows()).sort(), fieldsOf(h).map((p) => p.name).sort(), "msg.method: every field");
      assert.deepEqual(await requiredRows(), []);
      await closeDialog();
      assert.deepEqual(problems, []);
    });
  }

  it("offers enumerations as drop-downs that keep the other sources", async () => {
    await openDialog("n-fwd");
    assert.equal(await page.evaluate(() => $("#node-input-p_status").typedInput("type")), "choice");
    await page.locator("#node-3cx-row-status .red-ui-typedInput-option-trigger").click();
    const options = await page.locator(".red-ui-typedInput-options:visible a").allInnerTexts();
    assert.deepEqual(options.map((o) => o.trim()), ["(not set)", "Available", "Away", "Out of office (DND)", "Custom 1 (Lunch)", "Custom 2 (Business trip)"]);
    await page.keyboard.press("Escape");
    await page.locator("#node-3cx-row-status .red-ui-typedInput-type-select").click();
    const types = await page.locator(".red-ui-typedInput-options:visible a").allInnerTexts();
    for (const t of ["msg.", "flow.", "global.", "env variable", "expression"]) assert.ok(types.some((x) => x.includes(t)), t);
    await page.keyboard.press("Escape");
    await closeDialog();
  });

  it("validation names the field and the problem", async () => {
    await openDialog("n-ext");
    await chooseMethod("ext.update");
    await page.evaluate(() => {
      $("#node-input-p_noanswertimeout").typedInput("type", "num");
      $("#node-input-p_noanswertimeout").typedInput("value", "abc");
    });
    const message = await page.evaluate(() => RED.nodes.getType("3cx-ext").defaults.p_noanswertimeout.validate.call(RED.nodes.node("n-ext"), "abc", {}));
    assert.equal(message, "noanswertimeout: must be a whole number");
    const range = await page.evaluate(() => RED.nodes.getType("3cx-ext").defaults.p_noanswertimeout.validate.call(RED.nodes.node("n-ext"), "99999", {}));
    assert.equal(range, "noanswertimeout: must be a whole number from 0 to 86400");
    assert.ok(await page.evaluate(() => $("#node-3cx-row-noanswertimeout .red-ui-typedInput-container").hasClass("input-error")));
    await page.evaluate(() => $("#node-input-p_noanswertimeout").typedInput("value", "20"));
    assert.ok(!(await page.evaluate(() => $("#node-3cx-row-noanswertimeout .red-ui-typedInput-container").hasClass("input-error"))));
    await closeDialog();
  });

  async function pickFrom(row: string): Promise<string[]> {
    await page.locator(`#node-3cx-row-${row} .threecx-pick`).click();
    const menu = page.locator(".threecx-pick-menu li a");
    await menu.first().waitFor({ timeout: 10000 });
    return menu.allInnerTexts();
  }

  it("loads the PBX's live list from the deployed config, with names; picking fills the field", async () => {
    await openDialog("n-fwd");
    const items = await pickFrom("num");
    assert.ok(items.includes("102 Tom Smith"), items.join(", "));
    assert.equal(items.length, sim.pbx.extensions.size);
    await page.locator(".threecx-pick-menu li a", { hasText: "103 Maria Garcia" }).click();
    assert.equal(await page.evaluate(() => $("#node-input-p_num").typedInput("value")), "103");
    await closeDialog();
  });

  it("a list field collects picks into a comma list", async () => {
    await openDialog("n-queue");
    await chooseMethod("queue.agents.set");
    for (const pick of ["101 Peter Brown", "103 Maria Garcia"]) {
      await pickFrom("members");
      await page.locator(".threecx-pick-menu li a", { hasText: pick }).click();
    }
    assert.equal(await page.evaluate(() => $("#node-input-p_members").typedInput("value")), "101,103");
    await pickFrom("num");
    const queues = await page.locator(".threecx-pick-menu li a").allInnerTexts();
    assert.ok(queues.some((q) => q.startsWith("802")), queues.join(", "));
    await page.keyboard.press("Escape");
    await closeDialog();
  });

  it("uses the typed (undeployed) config, and shows why a list could not be loaded", async () => {
    await page.evaluate(() => { const cfg = RED.nodes.node("cfg"); cfg.changed = true; cfg.credentials = { accessKey: "wrong-key" }; });
    await openDialog("n-fwd");
    await page.locator("#node-3cx-row-num .threecx-pick").click();
    const hint = page.locator("#node-3cx-row-num .threecx-hint.threecx-error");
    await hint.waitFor({ timeout: 10000 });
    assert.match(await hint.innerText(), /^Could not load the list: AUTH/);
    await closeDialog();
    await page.evaluate((key) => { RED.nodes.node("cfg").credentials = { accessKey: key }; }, sim.accessKey);
    await openDialog("n-fwd");
    assert.ok((await pickFrom("num")).includes("102 Tom Smith"));
    await page.keyboard.press("Escape");
    await closeDialog();
    await page.evaluate(() => { const cfg = RED.nodes.node("cfg"); cfg.changed = false; cfg.credentials = {}; });
  });

  it("labels nodes by method and first value, by name, or as msg.method", async () => {
    const labels = await page.evaluate(() => ["n-fwd", "n-named", "n-msg", "n-pbx"].map((id) => {
      const n = RED.nodes.node(id);
      return n._def.label.call(n);
    }));
    assert.deepEqual(labels, ["ext.fwd.set 102", "Login desk", "3CX call (msg.method)", "info"]);
  });

  it("serves the help in the Node-RED style, in English and German", async () => {
    const en = await page.evaluate(() => $("script[data-help-name='3cx-queue']").text());
    assert.match(en, /<h3>Inputs<\/h3>/);
    assert.ok(en.includes("<code>agent.login</code>"));
    const res = await fetch(`${red.url}/nodes`, { headers: { Accept: "text/html", "Accept-Language": "de" } });
    const de = await res.text();
    assert.match(de, /data-help-name="3cx-queue"[\s\S]*?<h3>Eingaben<\/h3>/);
    assert.ok(de.includes("Agent in eine Warteschlange anmelden"));
  });

  it(`keeps hints readable in the ${DARK ? "dark" : "light"} theme`, async () => {
    await openDialog("n-fwd");
    const [fg, bg] = await page.evaluate(() => {
      const hint = document.querySelector("#node-3cx-row-num .threecx-hint") as HTMLElement;
      let el: HTMLElement | null = hint;
      let background = "rgba(0, 0, 0, 0)";
      while (el && /rgba\(.*, 0\)$|transparent/.test(background)) { background = getComputedStyle(el).backgroundColor; el = el.parentElement; }
      return [getComputedStyle(hint).color, background];
    });
    const ratio = contrastRatio(fg, bg);
    assert.ok(ratio >= 4.5, `hint contrast ${ratio.toFixed(2)} (WCAG AA for small text: 4.5)`);
    if (DARK) assert.ok(await page.evaluate(() => document.documentElement.classList.contains("nr-theme-dark")), "the dark theme is on");
    await closeDialog();
    assert.deepEqual(problems, []);
  });
});
