// The monitor's edit dialog in real Chromium (red.js, the Node-RED of this matrix run): "Listen to
// V20 Call Control" is offered only when the chosen PBX's Interface is the V20 API, shows its own
// rows (extensions and queues, no interval, no webhook fields), and a saved v20 monitor on a WebAPI
// PBX is marked invalid with the reason.
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { cancelEdit, editNode, simulatorConfig, useEditorPage, type EditorJQuery, type EditorRED } from "../support/browser";

declare const RED: EditorRED;
declare const $: EditorJQuery;

describe("editor: the monitor's V20 source (browser)", function () {
  this.timeout(60000);
  const ui = useEditorPage((s) => [
    { id: "tab", type: "tab", label: "3CX" },
    simulatorConfig(s),
    { id: "cfg20", type: "3cx-config", name: "3CX V20", fqdn: s.httpUrl, api: "v20", clientId: s.v20.clientId, credentials: { accessKey: s.v20.apiKey } },
    { id: "m-web", z: "tab", type: "3cx-monitor", server: "cfg", source: "poll", x: 160, y: 60, wires: [[]] },
    { id: "m-v20", z: "tab", type: "3cx-monitor", server: "cfg20", source: "v20", x: 160, y: 120, wires: [[]] },
    { id: "m-bad", z: "tab", type: "3cx-monitor", server: "cfg", source: "v20", x: 160, y: 180, wires: [[]] },
  ]);
  let page: Page;
  before(() => { page = ui.page; });

  const edit = (id: string): Promise<void> => editNode(page, id);
  const cancel = (): Promise<void> => cancelEdit(page);
  const v20Option = () => page.evaluate(() => {
    const o = document.querySelector("#node-input-source option[value='v20']") as HTMLOptionElement;
    return { disabled: o.disabled, shown: getComputedStyle(o).display !== "none" };
  });
  const shown = (sel: string) => page.evaluate((s) => $(s).is(":visible"), sel);

  it("is not offered with a WebAPI PBX, and is once the V20 PBX is chosen; its rows replace the poll and webhook ones", async () => {
    await edit("m-web");
    assert.deepEqual(await v20Option(), { disabled: true, shown: false });
    await page.evaluate(() => {
      $("#node-input-server").val("cfg20");
      $("#node-input-server").trigger("change");
    });
    assert.deepEqual(await v20Option(), { disabled: false, shown: true });
    await page.selectOption("#node-input-source", "v20");
    assert.equal(await shown("#node-input-interval"), false, "no interval: nothing is polled");
    assert.equal(await shown("#node-input-extensions"), true);
    assert.equal(await shown("#node-input-queues"), true);
    assert.equal(await shown("#node-input-path"), false);
    assert.equal(await shown(".threecx-monitor-v20"), true);
    assert.match(await page.locator(".threecx-monitor-v20").innerText(), /WebSocket/);
    await cancel();
  });

  it("a saved v20 monitor on a V20 PBX shows V20; one on a WebAPI PBX is invalid and says why", async () => {
    await edit("m-v20");
    assert.equal(await page.inputValue("#node-input-source"), "v20");
    assert.equal(await shown(".threecx-monitor-notv20"), false);
    await cancel();
    assert.equal(await page.evaluate(() => RED.nodes.node("m-v20")?.valid), true);
    // Validated now that every config node is known (at import the order is the flow file's).
    const valid = await page.evaluate(() => (RED.editor as unknown as { validateNode(n: unknown): boolean }).validateNode(RED.nodes.node("m-bad")));
    assert.equal(valid, false);
    await edit("m-bad");
    assert.equal(await shown(".threecx-monitor-notv20"), true);
    assert.match(await page.locator(".threecx-monitor-notv20").innerText(), /needs a PBX whose Interface is "3CX V20 API"/);
    await cancel();
    assert.deepEqual(ui.editor.problems, []);
  });
});
