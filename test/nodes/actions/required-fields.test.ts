// Blank required fields in the editor (red.js + headless Chromium, the Node-RED of this matrix run).
// A node dragged from the palette says where each required value comes from (msg. payload.<param>)
// and is not marked; a required field the user clears is marked red with the reason under it; an
// optional blank field, and any field under "set by msg.method", is not; a node saved with a blank
// required field (as before this version) shows Node-RED's invalid triangle, one that names its
// source does not.
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import type { HomeNode } from "../../../src/catalog";
import { offersOf } from "../../../src/operations/offers";
import { openEditor, simulatorConfig, useEditorPage, type EditorJQuery, type EditorRED } from "../../support/browser";

interface FieldDefault { value: unknown; validate?: (this: unknown, v: unknown, o: object) => unknown }
declare const RED: Omit<EditorRED, "nodes"> & {
  nodes: Omit<EditorRED["nodes"], "getType"> & { getType(t: string): { defaults: Record<string, FieldDefault> } };
};
declare const $: EditorJQuery;

const HOMES: readonly HomeNode[] = ["call", "ext", "queue", "contact", "pbx"];
const REQUIRED_HINT = "num: required. Enter a value, or take it from the message: msg. payload.num";

describe("action nodes: blank required fields in the editor (browser)", function () {
  this.timeout(60000);
  const ui = useEditorPage((s) => [
    { id: "tab", type: "tab", label: "3CX" },
    simulatorConfig(s),
    // Saved by an earlier version: the required num left blank (no field at all, or "").
    { id: "n-blank", z: "tab", type: "3cx-ext", server: "cfg", method: "ext.state.get", x: 160, y: 60, wires: [[]] },
    { id: "n-empty", z: "tab", type: "3cx-queue", server: "cfg", method: "agent.login", p_agent: "101", p_agentType: "str", p_queue: "", p_queueType: "str", x: 160, y: 120, wires: [[]] },
    // Saying where the values come from, or filled, or the method left to msg.method.
    { id: "n-source", z: "tab", type: "3cx-ext", server: "cfg", method: "ext.state.get", p_num: "payload.num", p_numType: "msg", x: 160, y: 180, wires: [[]] },
    { id: "n-filled", z: "tab", type: "3cx-queue", server: "cfg", method: "agent.login", p_agent: "101", p_agentType: "str", p_queue: "queue", p_queueType: "flow", x: 160, y: 240, wires: [[]] },
    { id: "n-bymsg", z: "tab", type: "3cx-call", server: "cfg", method: "", x: 160, y: 300, wires: [[]] },
  ]);
  let page: Page;
  before(() => {
    page = ui.page;
    page.setDefaultTimeout(10000);
  });

  const valid = (id: string): Promise<boolean | undefined> => page.evaluate((i) => RED.nodes.node(i)?.valid, id);
  const triangle = (id: string): Promise<boolean> =>
    page.locator(`#red-ui-workspace-chart g[id='${id}'] .red-ui-flow-node-error`).evaluate((el) => !el.classList.contains("hide") && getComputedStyle(el).display !== "none");
  const marked = (name: string): Promise<boolean> => page.evaluate((n) => $(`#node-3cx-row-${n} .red-ui-typedInput-container`).hasClass("input-error"), name);
  const hint = (name: string): Promise<{ text: string; error: boolean }> =>
    page.evaluate((n) => ({ text: $(`#node-3cx-row-${n} .threecx-hint`).text(), error: $(`#node-3cx-row-${n} .threecx-hint`).hasClass("threecx-error") }), name);
  async function setField(name: string, type: string, value: string): Promise<void> {
    await page.evaluate(([n, t, v]) => { $(`#node-input-p_${n}`).typedInput("type", t); $(`#node-input-p_${n}`).typedInput("value", v); }, [name, type, value] as const);
  }
  async function chooseMethod(name: string): Promise<void> {
    await page.selectOption("#node-input-method", name);
  }

  it("a node saved with a blank required field shows the invalid triangle, with the field's reason; one naming its source does not", async () => {
    assert.equal(await valid("n-blank"), false, "ext.state.get without num");
    assert.equal(await valid("n-empty"), false, "agent.login with queue \"\"");
    assert.ok(await triangle("n-blank"), "the triangle on the canvas");
    for (const id of ["n-source", "n-filled", "n-bymsg"]) {
      assert.equal(await valid(id), true, id);
      assert.equal(await triangle(id), false, id);
    }
    const reason = await page.evaluate(() => {
      const n = RED.nodes.node("n-blank");
      return RED.nodes.getType("3cx-ext").defaults.p_num.validate?.call(n, n?.p_num, {});
    });
    assert.equal(reason, REQUIRED_HINT);
  });

  it("a node from the palette says msg. payload.<param> in every required field of every method, and none is marked", async () => {
    const before = await page.evaluate(() => { const ids: string[] = []; RED.nodes.eachNode((n) => ids.push(n.id)); return ids; });
    const chart = await page.locator("#red-ui-workspace-chart").boundingBox();
    assert.ok(chart);
    await page.locator(".red-ui-palette-node[data-palette-type='3cx-ext']").dragTo(page.locator("#red-ui-workspace-chart"), { targetPosition: { x: 420, y: 120 } });
    const added = await page.evaluate((old) => {
      let found: Record<string, unknown> | null = null;
      RED.nodes.eachNode((n) => { if (!old.includes(n.id) && n.type === "3cx-ext") found = RED.nodes.node(n.id); });
      return found ? { id: String((found as { id: string }).id), num: (found as Record<string, unknown>).p_num, numType: (found as Record<string, unknown>).p_numType } : null;
    }, before);
    assert.ok(added, "dropped on the canvas");
    assert.deepEqual([added.num, added.numType], ["payload.num", "msg"]);

    // The dialog of the new node: the field shows msg. payload.num, unmarked; the user picks the PBX.
    await page.evaluate((id) => RED.editor.edit(RED.nodes.node(id)), added.id);
    await page.waitForSelector("#node-input-method option", { state: "attached" });
    assert.deepEqual(await page.evaluate(() => [$("#node-input-p_num").typedInput("type"), $("#node-input-p_num").typedInput("value")]), ["msg", "payload.num"]);
    assert.equal(await marked("num"), false);
    assert.equal((await hint("num")).error, false);
    await page.selectOption("#node-input-server", "cfg");
    await page.click("#node-dialog-ok");
    await page.waitForSelector("#node-dialog-ok", { state: "detached" });
    const why = await page.evaluate((id) => {
      const n = RED.nodes.node(id) as Record<string, unknown>;
      const defaults = RED.nodes.getType("3cx-ext").defaults;
      return Object.entries(defaults).filter(([k, d]) => d.validate && d.validate.call(n, n[k], {}) !== true).map(([k]) => k).concat(n.server ? [] : ["server"]);
    }, added.id);
    assert.deepEqual(why, []);
    assert.equal(await valid(added.id), true, "the new node is valid once its PBX is set");

    // Every method of every action node: a new node's required fields pass the editor's own validators.
    const checked = await page.evaluate((homes) => {
      const failures: string[] = [];
      let count = 0;
      for (const [type, methods] of homes) {
        const defaults = RED.nodes.getType(type).defaults;
        for (const [method, required] of methods) {
          const node: Record<string, unknown> = { id: `new-${type}`, type, method };
          for (const [k, d] of Object.entries(defaults)) if (k !== "method") node[k] = d.value;
          for (const name of required) {
            count++;
            const result = defaults[`p_${name}`].validate?.call(node, node[`p_${name}`], {});
            if (result !== true) failures.push(`${type} ${method} ${name}: ${String(result)}`);
          }
        }
      }
      return { failures, count };
    }, HOMES.map((h) => [`3cx-${h}`, offersOf(h).map((o) => [o.name, o.view.params.filter((p) => p.required).map((p) => p.name)] as const)] as const));
    assert.deepEqual(checked.failures, []);
    assert.ok(checked.count > 40, `${checked.count} required fields`);
  });

  it("clearing a required field marks it red and says why under it; a value or a source clears the mark; optional and msg.method fields stay unmarked", async () => {
    await page.evaluate(() => RED.editor.edit(RED.nodes.node("n-source")));
    await page.waitForSelector("#node-input-method option", { state: "attached" });
    await chooseMethod("ext.fwd.set");
    await setField("num", "str", "");
    assert.equal(await marked("num"), true, "blank required num: marked");
    assert.deepEqual(await hint("num"), { text: REQUIRED_HINT, error: true });
    await setField("message", "str", "");
    assert.equal(await marked("message"), false, "blank optional message: not marked");
    assert.equal((await hint("message")).error, false);

    await setField("num", "str", "102");
    assert.equal(await marked("num"), false, "a value");
    assert.equal((await hint("num")).error, false);
    assert.doesNotMatch((await hint("num")).text, /required/);
    await setField("num", "msg", "");
    assert.equal(await marked("num"), true, "msg. with nothing after it is still blank");
    await setField("num", "global", "onCall");
    assert.equal(await marked("num"), false, "a source");

    await setField("num", "str", "");
    await chooseMethod("");
    assert.equal(await marked("num"), false, "set by msg.method: no field is required");
    await chooseMethod("ext.state.get");
    assert.equal(await marked("num"), true, "required again with the method");
    await page.click("#node-dialog-cancel");
    await page.waitForSelector("#node-dialog-ok", { state: "detached" });
    assert.equal(await valid("n-source"), true, "cancel keeps the saved node as it was");
  });

  it("de: the reason in German", async () => {
    const de = await openEditor(ui.stack.browser, ui.stack.red.url, { lang: "de" });
    try {
      const reason = await de.page.evaluate(() => {
        const n = RED.nodes.node("n-blank");
        return RED.nodes.getType("3cx-ext").defaults.p_num.validate?.call(n, n?.p_num, {});
      });
      assert.equal(reason, "num: Pflichtfeld. Einen Wert eintragen oder aus der Nachricht nehmen: msg. payload.num");
      assert.deepEqual(de.problems, []);
    } finally {
      await de.close();
    }
    assert.deepEqual(ui.editor.problems, []);
  });
});
