// Example flows the way a newcomer uses them, in the editor (red.js + headless Chromium): Import →
// Examples → @node-red-3cx/webapi, place the flow, point its PBX at the simulator in the config
// dialog, Deploy, click an Inject: the debug sidebar shows the PBX's answer; the monitor example
// shows the simulator's call as an event. The Node-RED 5 run pictures the flow for the README
// (docs/images/flow.png) when it is missing or UPDATE_SCREENSHOTS=1.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import type { Page } from "playwright-core";
import type { Simulator } from "../../src/simulator";
import { openEditor, saveScreenshot, startEditorStack, type EditorPage, type EditorRED, type EditorStack } from "../support/browser";
import { REPO_ROOT } from "../support/red-process";

declare const RED: EditorRED & { actions: { invoke(name: string, arg?: unknown): void } };

const MODULE = "@node-red-3cx/webapi";
/** Wide enough for a whole example beside the debug sidebar (the README picture). */
const VIEWPORT = { width: 1640, height: 760 };

interface DebugLine { name: string; topic: string; payload: string }

describe("editor: example flows deployed from the editor (browser)", function () {
  this.timeout(60000);
  let stack: EditorStack;
  let sim: Simulator;
  let editor: EditorPage;
  let page: Page;

  before(async function () {
    stack = await startEditorStack(this, () => [{ id: "tab", type: "tab", label: "Flow 1" }]);
    sim = stack.sim;
    editor = await openEditor(stack.browser, stack.red.url, { viewport: VIEWPORT });
    page = editor.page;
    await page.evaluate(() => RED.sidebar.show("debug"));
  });

  after(async () => {
    await stack?.stop();
  });

  /**
   * Import → Examples → this package → `name`, dropped where its author laid it out: Node-RED hangs
   * the imported nodes on the pointer with the first node where the pointer last was on the canvas,
   * so the pointer rests at that node's authored position before the import and for the drop.
   */
  async function importExample(name: string): Promise<void> {
    const flow = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "examples", `${name}.json`), "utf8")) as { x?: number; y?: number }[];
    const root = flow.find((n) => typeof n.x === "number" && typeof n.y === "number");
    assert.ok(root?.x !== undefined && root.y !== undefined, `${name}: a node with a position`);
    const chart = await page.locator("#red-ui-workspace-chart").boundingBox();
    assert.ok(chart);
    const at = { x: chart.x + root.x, y: chart.y + root.y };
    await page.mouse.move(at.x, at.y);
    await page.evaluate(() => RED.actions.invoke("core:show-examples-import-dialog"));
    await page.locator(".red-ui-treeList-label:visible", { hasText: MODULE }).click();
    await page.locator(".red-ui-treeList-label:visible", { hasText: name }).click();
    await page.click("#red-ui-clipboard-dialog-ok");
    await page.mouse.move(at.x, at.y, { steps: 2 });
    await page.mouse.click(at.x, at.y);
    await page.keyboard.press("Escape"); // drop the selection
  }

  const nodeId = (name: string): Promise<string> => page.evaluate((n) => {
    let id = "";
    RED.nodes.eachNode((node) => { if ((node as unknown as { name?: string }).name === n && node.z === RED.workspaces.active()) id = node.id; });
    return id;
  }, name);

  /** What the Comment says to do for a real PBX: open the node's PBX, set address and key. */
  async function pointAtSimulator(nodeName: string): Promise<void> {
    const id = await nodeId(nodeName);
    assert.ok(id, nodeName);
    await page.locator(`#red-ui-workspace-chart g[id='${id}']`).dblclick();
    await page.click("#node-input-btn-server-edit");
    await page.waitForSelector("#node-config-input-fqdn", { state: "visible" });
    await page.fill("#node-config-input-fqdn", sim.httpUrl);
    await page.fill("#node-config-input-accessKey", sim.accessKey);
    await page.click("#node-config-dialog-ok");
    await page.waitForSelector("#node-config-input-fqdn", { state: "detached" });
    await page.click("#node-dialog-ok");
    await page.waitForSelector("#node-dialog-ok", { state: "detached" });
  }

  async function deploy(): Promise<void> {
    assert.ok(await page.evaluate(() => RED.nodes.dirty()), "something to deploy");
    await page.click("#red-ui-header-button-deploy");
    await page.waitForFunction(() => !RED.nodes.dirty(), undefined, { timeout: 10000 });
  }

  const debugLines = (): Promise<DebugLine[]> => page.evaluate(() =>
    Array.from(document.querySelectorAll<HTMLElement>(".red-ui-debug-msg")).map((m) => ({
      name: (m.querySelector(".red-ui-debug-msg-name")?.textContent ?? "").replace(/^node: /, ""),
      topic: (m.querySelector(".red-ui-debug-msg-topic")?.textContent ?? "").split(" : ")[0],
      payload: (m.querySelector(".red-ui-debug-msg-payload")?.textContent ?? "").replace(/\s+/g, " "),
    })));

  async function nextDebug(name: string, count: number): Promise<DebugLine> {
    await page.waitForFunction(([n, c]) => Array.from(document.querySelectorAll(".red-ui-debug-msg-name"))
      .filter((e) => e.textContent === `node: ${n}`).length >= Number(c), [name, count] as const, { timeout: 10000 });
    return (await debugLines()).filter((l) => l.name === name)[count - 1];
  }

  it("Queue login and logout from a button: clicking the Inject shows the agent's LED state in the debug sidebar", async () => {
    await importExample("Queue login and logout from a button");
    await pointAtSimulator("Log in");
    await deploy();
    const sent = sim.requests.length;

    await page.locator(`#red-ui-workspace-chart g[id='${await nodeId("button: log in")}'] .red-ui-flow-node-button`).click();
    assert.deepEqual(await nextDebug("LED", 1), { name: "LED", topic: "104", payload: '"green"' });
    await page.locator(`#red-ui-workspace-chart g[id='${await nodeId("button: log out")}'] .red-ui-flow-node-button`).click();
    assert.deepEqual(await nextDebug("LED", 2), { name: "LED", topic: "104", payload: '"off"' });

    const writes = sim.requests.slice(sent).filter((r) => r.method === "ext.queue.set").map((r) => `${r.params.num}/${r.params.queue}/${r.params.log}`);
    assert.deepEqual(writes, ["104/802/on", "104/802/off"], "each click sent its write once");
    assert.equal(sim.pbx.queues.get("802")?.agents.find((a) => a.num === "104")?.loggedIn, false);

    // The README picture: the flow with its statuses, and the debug messages with the answers
    // (beside the canvas on Node-RED 4.1, below the information panel on 5).
    const chart = await page.locator("#red-ui-workspace-chart").boundingBox();
    assert.ok(chart);
    await page.mouse.click(chart.x + 700, chart.y + 450); // empty canvas: nothing selected
    await page.evaluate(() => RED.actions.invoke("core:toggle-show-tips", false)); // Node-RED 5 shows tips beside the debug panel
    // Editing a node scrolls the canvas to it: back to the top left, where the author laid the flow out.
    await page.evaluate(() => { const c = document.getElementById("red-ui-workspace-chart"); c?.scrollTo(0, 0); });
    // Out of the picture: "Successfully deployed", "Successfully injected" (Node-RED removes them later).
    await page.evaluate(() => document.querySelectorAll<HTMLElement>(".red-ui-notification").forEach((n) => { n.style.visibility = "hidden"; }));
    const tabs = await page.locator("#red-ui-workspace-tabs").boundingBox();
    const lastMessage = await page.locator(".red-ui-debug-msg").last().boundingBox();
    const lowest = await page.evaluate(() => Math.max(...Array.from(document.querySelectorAll("#red-ui-workspace-chart .red-ui-flow-node-group"))
      .map((g) => g.getBoundingClientRect().bottom)));
    assert.ok(tabs && lastMessage);
    const bottom = Math.max(lowest + 40, lastMessage.y + lastMessage.height + 12);
    const written = await saveScreenshot(page, "flow", { x: chart.x, y: tabs.y, width: VIEWPORT.width - chart.x, height: bottom - tabs.y });
    if (written) console.log(`      wrote ${written}`);
  });

  it("Doorbell call shows the camera: the monitor's event for the simulator's call reaches the debug sidebar", async () => {
    await page.evaluate(() => RED.actions.invoke("core:add-flow"));
    await importExample("Doorbell call shows the camera");
    // Its PBX joins the first example's, which already points at the simulator (test/browser/example-import.test.ts).
    const polled = (): number => sim.requests.filter((r) => r.method === "pbx.callsinfo.get").length;
    const before = polled();
    await deploy();
    // The monitor's first poll is its baseline: a call already there then is not news.
    for (const end = Date.now() + 5000; polled() === before && Date.now() < end;) await new Promise((r) => setTimeout(r, 50));
    assert.ok(polled() > before, "the monitor polls the simulator");
    const call = sim.pbx.makeCall("106", "100", { ringMs: 3000 });
    const line = await nextDebug("camera", 1);
    assert.equal(line.topic, "camera/front-door");
    // The debug sidebar's one-line view of the object the example builds from the event.
    for (const part of ['camera: "front-door"', "show: true", `callID: ${call.callID}`, 'calling: "100"']) assert.ok(line.payload.includes(part), `${part} in ${line.payload}`);
    assert.deepEqual(editor.problems, []);
  });
});
