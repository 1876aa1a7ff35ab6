// The editor in the user's language and theme (red.js + headless Chromium): each node's help in the
// help sidebar in English and, with Settings → View → Language set to German, in German (palette
// and dialog labels too); our dialogs readable in the theme: light on Node-RED 4.1, the built-in dark
// theme on Node-RED 5 (WCAG contrast of our labels, hints and Test connection result).
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import {
  contrastRatio, NODE_RED_5, openEditor, simulatorConfig, startEditorStack,
  type EditorJQuery, type EditorPage, type EditorRED, type EditorStack,
} from "../support/browser";
import { REPO_ROOT, type RedProcess } from "../support/red-process";

declare const RED: EditorRED;
declare const $: EditorJQuery;

const TYPES = ["3cx-config", "3cx-call", "3cx-ext", "3cx-queue", "3cx-contact", "3cx-pbx", "3cx-monitor"];

/**
 * WCAG AA for normal text (labels, inputs). Hints, descriptions and the coloured Test connection
 * result use Node-RED's own secondary and status colours: held to AA for large text / UI (3:1).
 */
const MIN_CONTRAST = 4.5;

/** The built locale files Node-RED serves beside the nodes. */
const LOCALES = path.join(REPO_ROOT, "dist", "nodes", "locales");

/** The help's first paragraph (Node-RED's tooltip) as plain text. */
function helpIntro(lang: string, type: string): string {
  const html = fs.readFileSync(path.join(LOCALES, lang, `${type}.html`), "utf8");
  const p = /<p>([\s\S]*?)<\/p>/.exec(html);
  assert.ok(p, `${lang}/${type}.html has a first paragraph`);
  const entities: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', "#39": "'", nbsp: " " };
  return p[1].replace(/<[^>]+>/g, "").replace(/&(amp|lt|gt|quot|#39|nbsp);/g, (_, e: string) => entities[e]).replace(/\s+/g, " ").trim();
}

function messages(lang: string, type: string): Record<string, unknown> {
  return (JSON.parse(fs.readFileSync(path.join(LOCALES, lang, `${type}.json`), "utf8")) as Record<string, Record<string, unknown>>)[type];
}

describe("editor: help, language and theme (browser)", function () {
  this.timeout(60000);
  let stack: EditorStack;
  let red: RedProcess;
  let browser: Browser;

  before(async function () {
    stack = await startEditorStack(this, (sim) => [
      { id: "tab", type: "tab", label: "3CX" },
      simulatorConfig(sim, "cfg", "PBX"),
      { id: "n-ext", z: "tab", type: "3cx-ext", server: "cfg", method: "ext.fwd.set", p_num: "102", p_numType: "str", x: 160, y: 60, wires: [[]] },
      { id: "n-monitor", z: "tab", type: "3cx-monitor", server: "cfg", source: "webhook", path: "/3cx/events", x: 160, y: 120, wires: [[]] },
    ]);
    ({ red, browser } = stack);
  });

  after(async () => {
    await stack?.stop();
  });

  /** The help sidebar's text for a node type. */
  async function sidebarHelp(page: Page, type: string): Promise<string> {
    await page.evaluate((t) => RED.sidebar.help.show(t), type);
    const help = page.locator(".red-ui-help:visible").filter({ hasText: helpIntroAny(type) }).first();
    await help.waitFor({ timeout: 5000 }).catch(() => undefined);
    return (await page.locator(".red-ui-help:visible").allInnerTexts()).join("\n").replace(/\s+/g, " ");
  }
  /** Either language's first words: the sidebar has rendered this type's help. */
  const helpIntroAny = (type: string): RegExp =>
    new RegExp(["en-US", "de"].map((l) => helpIntro(l, type).slice(0, 20).replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|"));

  async function checkHelp(editor: EditorPage, lang: string): Promise<void> {
    for (const type of TYPES) {
      const text = await sidebarHelp(editor.page, type);
      assert.ok(text.includes(helpIntro(lang, type)), `${type} help in ${lang}:\n${text.slice(0, 300)}`);
    }
    assert.deepEqual(editor.problems, []);
  }

  it("shows each node's help in the help sidebar in English", async () => {
    const editor = await openEditor(browser, red.url);
    try {
      assert.equal(await editor.page.evaluate(() => RED.i18n.lang()), "en-US");
      await checkHelp(editor, "en-US");
    } finally {
      await editor.close();
    }
  });

  it("shows help, palette and dialog labels in German with the editor language set to German", async () => {
    const editor = await openEditor(browser, red.url, { lang: "de" });
    const { page } = editor;
    try {
      assert.equal(await page.evaluate(() => RED.i18n.lang()), "de");
      for (const type of TYPES) assert.notEqual(helpIntro("de", type), helpIntro("en-US", type), `${type}: German help differs`);
      await checkHelp(editor, "de");
      for (const type of TYPES.slice(1)) {
        // The palette breaks a long label over lines (and inside a word): compare without white space.
        const label = (await page.locator(`.red-ui-palette-node[data-palette-type='${type}'] .red-ui-palette-label`).textContent()) ?? "";
        assert.equal(label.replace(/\s+/g, ""), String(messages("de", type).paletteLabel).replace(/\s+/g, ""), `${type} palette label`);
      }
      await page.evaluate(() => RED.editor.edit(RED.nodes.node("n-ext")));
      await page.waitForSelector("#node-input-method", { state: "visible" });
      const label = (await page.locator("label[for='node-input-method']").innerText()).trim();
      assert.equal(label, (messages("de", "3cx-ext").label as Record<string, string>).method);
      await page.click("#node-dialog-cancel");
      assert.deepEqual(editor.problems, []);
    } finally {
      await editor.close();
    }
  });

  it(`keeps our dialogs readable in the ${NODE_RED_5 ? "built-in dark" : "light"} theme`, async () => {
    const editor = await openEditor(browser, red.url, NODE_RED_5 ? { theme: "dark" } : {});
    const { page } = editor;
    try {
      assert.equal(await page.evaluate(() => document.documentElement.classList.contains("nr-theme-dark")), NODE_RED_5, "theme");
      /** Text colour and the first opaque background behind it, for each visible match. */
      const colours = (selector: string): Promise<{ text: string; fg: string; bg: string }[]> => page.evaluate((sel) =>
        Array.from(document.querySelectorAll<HTMLElement>(sel)).filter((el) => el.offsetParent !== null && el.innerText.trim() !== "").map((el) => {
          let bg = "rgba(0, 0, 0, 0)";
          for (let e: HTMLElement | null = el; e && /rgba\(.*, 0\)$|transparent/.test(bg); e = e.parentElement) bg = getComputedStyle(e).backgroundColor;
          return { text: el.innerText.trim().slice(0, 40), fg: getComputedStyle(el).color, bg };
        }), selector);
      const checked: string[] = [];
      const expectReadable = async (selector: string): Promise<void> => {
        const found = await colours(selector);
        assert.ok(found.length > 0, `${selector} is on screen`);
        for (const c of found) {
          const ratio = contrastRatio(c.fg, c.bg);
          assert.ok(ratio >= MIN_CONTRAST, `${selector} "${c.text}": ${c.fg} on ${c.bg} = ${ratio.toFixed(2)}`);
          checked.push(`${selector} ${ratio.toFixed(1)}`);
        }
      };

      await page.evaluate(() => RED.editor.edit(RED.nodes.node("n-ext")));
      await page.waitForSelector("#node-3cx-row-num .threecx-hint", { state: "visible" });
      for (const sel of [".red-ui-tray label", ".threecx-name", "#node-input-method"]) await expectReadable(sel);
      for (const sel of [".threecx-hint", "#node-3cx-description"]) await expectReadable(sel);
      await page.click("#node-dialog-cancel");

      await page.evaluate(() => RED.editor.edit(RED.nodes.node("n-monitor")));
      await page.waitForSelector(".threecx-monitor-hint", { state: "visible" });
      for (const sel of [".red-ui-tray label", ".threecx-monitor-hint"]) await expectReadable(sel);
      await page.click("#node-dialog-cancel");

      await page.evaluate(() => RED.editor.editConfig("", "3cx-config", "cfg"));
      await page.waitForSelector("#node-config-3cx-test", { state: "visible" });
      await page.click("#node-config-3cx-test");
      await page.waitForSelector(".threecx-test-ok");
      await expectReadable("#node-config-3cx-test-result");
      await page.fill("#node-config-input-accessKey", "wrong-key");
      await page.click("#node-config-3cx-test");
      await page.waitForSelector(".threecx-test-fail");
      await expectReadable("#node-config-3cx-test-result");
      await expectReadable(".red-ui-tray label");
      await page.click("#node-config-dialog-cancel");
      assert.ok(checked.length >= 10, `${checked.length} texts checked`);
      console.log(`      contrast: ${[...new Set(checked)].sort().join(", ")}`);
      assert.deepEqual(editor.problems, []);
    } finally {
      await editor.close();
    }
  });
});
