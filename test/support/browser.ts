/**
 * Headless Chromium (the Debian package, driven by playwright-core) for the editor tests, and the
 * steps every editor test repeats: a quiet editor (no tours, no Flow Library, no telemetry prompt),
 * a page that collects console errors, the editor language and theme a user would pick
 * (Settings → View, which Node-RED keeps in localStorage), deploys through the admin API, and the
 * README's screenshots. Used by test/browser, test/monitor/editor.test.ts and the action nodes' test.
 */
import fs from "node:fs";
import path from "node:path";
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from "playwright-core";
import { startSimulator, type Simulator } from "../../src/simulator";
import type { SimulatorOptions } from "../../src/simulator/types";
import { REPO_ROOT, startRed, type RedProcess } from "./red-process";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
/** Root in a container: no sandbox; nothing that phones home (loopback only). */
export const CHROMIUM_ARGS: readonly string[] = [
  "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
];

/** Why the browser tests cannot run here, or null. .ci/run installs Chromium. */
export function chromiumMissing(): string | null {
  return fs.existsSync(CHROMIUM) ? null : `no Chromium at ${CHROMIUM} (set CHROMIUM_PATH or apt-get install chromium)`;
}

/** Playwright gives the browser a fresh temporary profile of its own (never pass --user-data-dir). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_ARGS] });
}

/**
 * startRed `settings` for an editor under test: no tours, no Flow Library catalogue (it is not
 * reachable), no "Enable Update Notifications" prompt covering the canvas.
 */
export function editorSettings(editorTheme: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    telemetry: { enabled: false },
    editorTheme: { tours: false, palette: { catalogues: [] }, ...editorTheme },
  };
}

/** A simulator, a red.js with `flows` deployed and Chromium: what an editor test file starts once. */
export interface EditorStack {
  readonly sim: Simulator;
  readonly red: RedProcess;
  readonly browser: Browser;
  stop(): Promise<void>;
}

/** The flow entry of a 3cx-config node pointing at the simulator (HTTP). */
export function simulatorConfig(sim: Simulator, id = "cfg", name = "3CX simulator"): Record<string, unknown> {
  return { id, type: "3cx-config", name, fqdn: sim.httpUrl, timeout: 3000, maxConcurrent: 4, credentials: { accessKey: sim.accessKey } };
}

/**
 * Starts the stack for a `before` hook, or skips the suite (saying why) without Chromium. `flows`
 * gets the simulator to point config nodes at it.
 */
export async function startEditorStack(ctx: Mocha.Context, flows: (sim: Simulator) => unknown[], simOpts: SimulatorOptions = {}, install?: (userDir: string) => Promise<void>): Promise<EditorStack> {
  const missing = chromiumMissing();
  if (missing) {
    console.log(`      skipped: ${missing}`);
    ctx.skip();
  }
  const sim = await startSimulator({ httpsPort: false, ...simOpts });
  let red: RedProcess | undefined;
  try {
    red = await startRed({ settings: editorSettings(), install });
    await deployFlows(red.url, flows(sim));
    const browser = await launchChromium();
    const started = red;
    return {
      sim, red: started, browser,
      async stop() {
        await browser.close();
        await started.stop();
        await sim.close();
      },
    };
  } catch (err) {
    await red?.stop();
    await sim.close();
    throw err;
  }
}

/**
 * Mocha hooks for an editor test file: the stack with `flows` deployed and one editor page, started
 * in `before` (skipped without Chromium), stopped in `after`. Tests read `ui.page`, `ui.stack`.
 */
export function useEditorPage(flows: (sim: Simulator) => unknown[], opts: EditorOptions = {}): { readonly stack: EditorStack; readonly editor: EditorPage; readonly page: Page } {
  let stack: EditorStack | undefined;
  let editor: EditorPage | undefined;
  before(async function () {
    stack = await startEditorStack(this, flows);
    editor = await openEditor(stack.browser, stack.red.url, opts);
  });
  after(async () => {
    await editor?.close();
    await stack?.stop();
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error("the editor starts in the suite's before hook");
    return value;
  };
  return {
    get stack() { return started(stack); },
    get editor() { return started(editor); },
    get page() { return started(editor).page; },
  };
}

export interface EditorOptions {
  /** Settings → View → Language ("de"); the browser's language otherwise. */
  lang?: string;
  /** Settings → View → Appearance on Node-RED 5 ("dark"). */
  theme?: "light" | "dark";
  viewport?: { width: number; height: number };
}

export interface EditorPage {
  readonly context: BrowserContext;
  readonly page: Page;
  /** Console errors and uncaught exceptions of the page, in order. */
  readonly problems: string[];
  /** Every response of the page: url → HTTP status (the last one wins). */
  readonly responses: Map<string, number>;
  /** The HTTP status of a URL the page loads (CSS images load after the palette is drawn: waits up to 5 s). */
  statusOf(url: string): Promise<number | undefined>;
  close(): Promise<void>;
}

export const VIEWPORT = { width: 1400, height: 860 };

/** Opens the editor of `url` in a fresh browser context and waits until the palette is drawn. */
export async function openEditor(browser: Browser, url: string, opts: EditorOptions = {}): Promise<EditorPage> {
  const context = await browser.newContext({ viewport: opts.viewport ?? VIEWPORT, deviceScaleFactor: 1, locale: "en-US" });
  await context.addInitScript((o: EditorOptions) => {
    if (o.lang) localStorage.setItem("editor-language", o.lang);
    if (o.theme) localStorage.setItem("view-dark-theme", o.theme);
  }, opts);
  const page = await context.newPage();
  const problems: string[] = [];
  const responses = new Map<string, number>();
  page.on("console", (m) => { if (m.type() === "error") problems.push(`console: ${m.text()}`); });
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  page.on("response", (r) => { responses.set(r.url(), r.status()); });
  await page.goto(url);
  await waitForEditor(page);
  const statusOf = async (u: string): Promise<number | undefined> => {
    for (const end = Date.now() + 5000; !responses.has(u) && Date.now() < end;) await page.waitForTimeout(50);
    return responses.get(u);
  };
  return { context, page, problems, responses, statusOf, close: () => context.close() };
}

/** Opens the edit dialog of flow node `id` and waits until it shows (`ready`: a selector of its form; default its Done button). */
export async function editNode(page: Page, id: string, ready = "#node-dialog-ok"): Promise<void> {
  await page.evaluate((nodeId) => {
    const red = (window as unknown as { RED: { editor: { edit(n: unknown): void }; nodes: { node(i: string): unknown } } }).RED;
    red.editor.edit(red.nodes.node(nodeId));
  }, id);
  await page.waitForSelector(ready, { state: "visible" });
}

/** Cancels the open edit dialog and waits until it is gone. */
export async function cancelEdit(page: Page): Promise<void> {
  await page.click("#node-dialog-cancel");
  await page.waitForSelector("#node-dialog-ok", { state: "detached" });
}

/** The editor has loaded its nodes and flows and taken down its progress bar. */
export async function waitForEditor(page: Page): Promise<void> {
  await page.waitForFunction(() => {
    const w = window as unknown as { RED?: { nodes?: { version?: () => unknown } } };
    const progress = document.getElementById("red-ui-loading-progress");
    return !!w.RED?.nodes?.version?.() && !!document.querySelector("#red-ui-palette .red-ui-palette-node") &&
      (!progress || progress.style.display === "none");
  }, undefined, { timeout: 30000 });
}

/** A full deploy through the admin API (flows API v2), as the editor's Deploy does. */
export async function deployFlows(url: string, flows: unknown[]): Promise<void> {
  const res = await fetch(`${url}/flows`, {
    method: "POST",
    headers: { "content-type": "application/json", "Node-RED-API-Version": "v2", "Node-RED-Deployment-Type": "full" },
    body: JSON.stringify({ flows }),
  });
  if (res.status !== 200) throw new Error(`deploy: HTTP ${res.status} ${await res.text()}`);
}

export const IMAGES_DIR = path.join(REPO_ROOT, "docs", "images");

/** Whether this matrix run drives Node-RED 5 (NODE_RED_PKG as in nodered.ts, without loading the test helper). */
export const NODE_RED_5 = (process.env.NODE_RED_PKG || "node-red") === "node-red-5";

/**
 * Saves a README picture (docs/images/<name>.png) in the Node-RED 5 run, when UPDATE_SCREENSHOTS=1
 * or when it is missing, so that a normal run leaves the tree clean. `clip` (page pixels) crops a
 * page shot. Returns the file written, or null.
 */
export async function saveScreenshot(target: Page | Locator, name: string, clip?: { x: number; y: number; width: number; height: number }): Promise<string | null> {
  const file = path.join(IMAGES_DIR, `${name}.png`);
  if (!NODE_RED_5) return null; // the README shows the editor a newcomer installs today
  if (process.env.UPDATE_SCREENSHOTS !== "1" && fs.existsSync(file)) return null;
  fs.mkdirSync(IMAGES_DIR, { recursive: true });
  if (clip && "goto" in target) await target.screenshot({ path: file, animations: "disabled", clip });
  else await target.screenshot({ path: file, animations: "disabled" });
  return file;
}

/** A locator's bounding box once it has stopped moving (trays slide in). */
export async function settledBox(locator: Locator): Promise<{ x: number; y: number; width: number; height: number }> {
  let last = "";
  for (const end = Date.now() + 5000; Date.now() < end; await new Promise((r) => setTimeout(r, 100))) {
    const box = await locator.boundingBox();
    const key = JSON.stringify(box);
    if (box && key === last) return box;
    last = key;
  }
  throw new Error(`${String(locator)} kept moving or is not on screen`);
}

/**
 * WCAG contrast ratio of two opaque CSS colours as getComputedStyle reports them: "rgb(…)"/"rgba(…)"
 * (0–255), or "color(srgb …)" (0–1, what a color-mix() computes to). Anything else throws, so an
 * unread colour can never pass as black.
 */
export function contrastRatio(fg: string, bg: string): number {
  const channels = (css: string): number[] => {
    const rgb = /^rgba?\(([^)]+)\)$/.exec(css.trim());
    const srgb = /^color\(srgb ([^)]+)\)$/.exec(css.trim());
    const parts = (rgb ?? srgb)?.[1].split(/[\s,/]+/).filter((v) => v !== "").map(Number) ?? [];
    if (parts.length < 3 || parts.some((v) => !Number.isFinite(v)) || (parts.length > 3 && parts[3] !== 1)) {
      throw new Error(`contrastRatio: cannot read ${JSON.stringify(css)} as an opaque colour`);
    }
    return parts.slice(0, 3).map((v) => (rgb ? v / 255 : v));
  };
  const lum = (css: string): number => {
    const [r, g, b] = channels(css).map((s) => (s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4));
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const [a, b] = [lum(fg), lum(bg)];
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}

/**
 * The editor's globals as page code uses them. `page.evaluate` functions run in the browser: a test
 * file declares them with `declare const RED: EditorRED; declare const $: EditorJQuery;`.
 */
export interface EditorRED {
  nodes: {
    node(id: string): (Record<string, unknown> & { id: string; type: string; valid?: boolean; changed?: boolean }) | null;
    getType(type: string): { category: string } | null;
    dirty(): boolean;
    eachNode(cb: (n: { id: string; type: string; z: string }) => void): void;
  };
  editor: { edit(node: unknown): void; editConfig(name: string, type: string, id: string): void };
  sidebar: { show(id: string): void; help: { show(type: string): void } };
  view: { importNodes(nodes: unknown[], opts?: Record<string, unknown>): void; redraw(full?: boolean): void };
  workspaces: { active(): string; show(id: string): void };
  i18n: { lang(): string };
}

/** The bits of jQuery the tests call in the page. */
export interface EditorJQueryResult {
  length: number;
  val(v?: string): string;
  text(): string;
  attr(name: string): string;
  hasClass(c: string): boolean;
  is(sel: string): boolean;
  find(sel: string): EditorJQueryResult;
  trigger(evt: string): void;
  typedInput(...args: unknown[]): string;
  map<T>(f: (i: number, el: HTMLElement) => T): { get(): T[] };
}
export type EditorJQuery = (sel: string | HTMLElement) => EditorJQueryResult;
