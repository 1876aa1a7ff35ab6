// The Dashboard 2.0 examples as a user sees them: `npm start` (scripts/start.js, on free ports),
// then Chromium at /dashboard. The simulator is driven and read through its control API only
// (/_sim on its port), as a user's own test would: a call turns the right lamp within two poll
// intervals, a click on a lamp is one makecall with the right numbers, the DND box changes the
// profile, the wallboard's figures equal the simulator's own count. Light and dark screenshots of
// the wallboard and the busy lamps go to docs/images (saveScreenshot: the Node-RED 5 run).
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { until } from "../monitor/support";
import { chromiumMissing, launchChromium, saveScreenshot } from "../support/browser";
import { freePort, REPO_ROOT } from "../support/red-process";

/** The examples' poll interval (s) and the Wallboard's statistics interval (s). */
const POLL_S = 2;
const STATS_S = 5;
const QUEUES = ["802", "804", "820"];

interface SimCall { callID: number }
interface SimState {
  extensions: Array<{ num: string; fwdName: string }>;
  calls: { callsInfo: SimCall[] };
}
interface Truth { queues: Record<string, Record<string, number>> }
interface Recorded { method: string; params: Record<string, string> }

describe("Dashboard 2.0 examples (npm start + Chromium)", function () {
  this.timeout(120000);
  let child: ChildProcess | undefined;
  let browser: Browser | undefined;
  let out = "";
  let base = "";
  let simBase = "";
  const problems: string[] = [];

  const sim = async <T>(method: string, p: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${simBase}/_sim${p}`, { method, headers: body === undefined ? {} : { "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
    assert.equal(res.status, 200, `${method} /_sim${p}`);
    return (await res.json()) as T;
  };

  /** Scenario off, every call ended: a quiet PBX. */
  async function quiet(): Promise<void> {
    await sim("DELETE", "/scenario");
    for (const c of (await sim<SimState>("GET", "/state")).calls.callsInfo) await sim("DELETE", `/calls/${c.callID}`);
    assert.equal((await sim<SimState>("GET", "/state")).calls.callsInfo.length, 0);
  }

  async function open(p: string, colorScheme: "light" | "dark" = "light"): Promise<Page> {
    const ctx = await (browser as Browser).newContext({ viewport: { width: 1400, height: 900 }, colorScheme, serviceWorkers: "block" });
    const page = await ctx.newPage();
    page.on("pageerror", (e) => problems.push(`${p}: ${e.message}`));
    page.on("console", (m) => { if (m.type() === "error") problems.push(`${p}: ${m.text()}`); });
    await page.goto(`${base}/dashboard${p}`);
    return page;
  }

  before(async function () {
    const missing = chromiumMissing();
    if (missing) this.skip();
    const port = await freePort();
    const simPort = await freePort();
    base = `http://127.0.0.1:${port}`;
    simBase = `http://127.0.0.1:${simPort}`;
    child = spawn(process.execPath, [path.join(REPO_ROOT, "scripts", "start.js")], {
      cwd: REPO_ROOT, env: { ...process.env, PORT: String(port), SIM_PORT: String(simPort) }, stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout?.on("data", (d: Buffer) => { out += d.toString(); });
    child.stderr?.on("data", (d: Buffer) => { out += d.toString(); });
    await until(() => /Ctrl-C stops/.test(out) || child?.exitCode !== null, 60000, "npm start to be ready");
    assert.match(out, new RegExp(`dashboard\\s+${base.replace(/[.]/g, "\\.")}/dashboard`), "npm start prints the dashboard's address");
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    if (child && child.exitCode === null) {
      child.kill("SIGINT");
      await until(() => child?.exitCode !== null || child?.signalCode !== null, 20000, "npm start to stop").catch(() => child?.kill("SIGKILL"));
    }
  });

  it("the dashboard loads at /dashboard with the wallboard, busy lamps and agent pages", async () => {
    const page = await open("");
    await page.waitForURL(/\/dashboard\/wallboard$/, { timeout: 20000 });
    await page.waitForSelector(".wb-tile", { timeout: 20000 });
    assert.deepEqual((await page.locator(".wb-tile").evaluateAll((els) => els.map((e) => e.getAttribute("data-queue")))).sort(), QUEUES);
    for (const [p, sel] of [["/busy-lamps", ".blf-tile"], ["/agent", ".v-switch"]] as const) {
      await page.goto(`${base}/dashboard${p}`);
      await page.waitForSelector(sel, { timeout: 20000 });
    }
    await page.context().close();
  });

  it("the wallboard's figures equal the simulator's own count (light and dark)", async () => {
    const page = await open("/wallboard");
    await page.waitForSelector(".wb-tile", { timeout: 20000 });
    // Let the scenario put calls through the queues first, then stop it and end every call.
    await new Promise((r) => setTimeout(r, 8000));
    // The README's pictures, while calls are going on.
    await saveScreenshot(page, "dashboard-wallboard-light");
    const dark = await open("/wallboard", "dark");
    await dark.waitForSelector(".wb-tile", { timeout: 20000 });
    await new Promise((r) => setTimeout(r, 1000));
    const bg = await dark.evaluate(() => getComputedStyle(document.querySelector(".v-application") ?? document.body).backgroundColor);
    assert.match(bg, /rgb\((\d|1\d|2\d), (\d|1\d|2\d), (\d|1\d|2\d)\)/, `dark page background, got ${bg}`);
    await saveScreenshot(dark, "dashboard-wallboard-dark");
    await dark.context().close();
    await quiet();
    const fields = ["waiting", "answered", "missed", "agentsFree", "agentsTalking", "agentsLoggedIn"];
    const read = (): Promise<Record<string, Record<string, number>>> => page.evaluate((names) => {
      const o: Record<string, Record<string, number>> = {};
      for (const tile of Array.from(document.querySelectorAll(".wb-tile"))) {
        const q = tile.getAttribute("data-queue") ?? "";
        o[q] = {};
        for (const f of names) o[q][f] = Number(tile.querySelector(`[data-field='${f}']`)?.textContent);
      }
      return o;
    }, fields);
    let shown: Record<string, Record<string, number>> = {};
    let want: Record<string, Record<string, number>> = {};
    const same = async (): Promise<boolean> => {
      shown = await read();
      const truth = (await sim<Truth>("GET", "/queues")).queues;
      want = Object.fromEntries(QUEUES.map((q) => [q, Object.fromEntries(fields.map((f) => [f, truth[q][f]]))]));
      return JSON.stringify(QUEUES.map((q) => shown[q])) === JSON.stringify(QUEUES.map((q) => want[q]));
    };
    const end = Date.now() + (2 * STATS_S + 2 * POLL_S + 5) * 1000;
    while (!(await same()) && Date.now() < end) await new Promise((r) => setTimeout(r, 500));
    assert.deepEqual(shown, want);
    assert.ok(QUEUES.reduce((n, q) => n + want[q].answered + want[q].missed, 0) > 0, "the scenario sent calls through the queues");
    await page.context().close();
  });

  it("busy lamps: a call turns the right lamp within two intervals; a click is one makecall; DND sets the profile", async () => {
    await quiet();
    const page = await open("/busy-lamps");
    const lamp = (num: string) => page.locator(`.blf-tile[data-ext='${num}']`);
    await lamp("101").waitFor({ timeout: 20000 });
    const stateOf = (num: string): Promise<string | null> => lamp(num).getAttribute("data-state");
    const colourOf = (num: string): Promise<string> => lamp(num).evaluate((e) => getComputedStyle(e).backgroundColor);
    const wait = async (num: string, ok: (s: string | null) => boolean, ms: number): Promise<number> => {
      const t0 = Date.now();
      for (;;) {
        if (ok(await stateOf(num))) return Date.now() - t0;
        if (Date.now() - t0 > ms) throw new Error(`lamp ${num}: still ${String(await stateOf(num))} after ${ms} ms`);
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    await wait("101", (s) => s === "free", 3 * POLL_S * 1000);
    const freeColour = await colourOf("101");
    const before102 = await stateOf("102");

    // A call to 101 from outside: its lamp leaves "free" within two poll intervals; 102's does not move.
    const { callID } = await sim<{ callID: number }>("POST", "/calls", { from: "420774852529", to: "101" });
    const took = await wait("101", (s) => s === "ringing" || s === "talking", 2 * POLL_S * 1000 + 1000);
    assert.notEqual(await colourOf("101"), freeColour, "the colour changed");
    assert.equal(await stateOf("102"), before102);
    console.log(`      lamp 101 changed ${took} ms after the call (poll interval ${POLL_S * 1000} ms)`);
    await sim("DELETE", `/calls/${callID}`);
    await wait("101", (s) => s === "free", 2 * POLL_S * 1000 + 1000);

    // A click on 102: one makecall, from my extension (100) to 102.
    await sim("DELETE", "/requests");
    await lamp("102").click();
    let calls: Recorded[] = [];
    for (const end = Date.now() + 5000; calls.length === 0 && Date.now() < end; await new Promise((r) => setTimeout(r, 100))) {
      calls = (await sim<{ requests: Recorded[] }>("GET", "/requests")).requests.filter((r) => r.method === "makecall");
    }
    await new Promise((r) => setTimeout(r, 1000));
    calls = (await sim<{ requests: Recorded[] }>("GET", "/requests")).requests.filter((r) => r.method === "makecall");
    assert.deepEqual(calls.map((r) => r.params), [{ first: "100", second: "102" }]);
    await quiet();

    // The DND box of 101: Out of office in the simulator, the lamp purple; again: Available.
    const profile = async (num: string): Promise<string | undefined> => (await sim<SimState>("GET", "/state")).extensions.find((e) => e.num === num)?.fwdName;
    await lamp("101").locator("input[type=checkbox]").check();
    for (const end = Date.now() + 5000; (await profile("101")) !== "Out of office"; await new Promise((r) => setTimeout(r, 100))) if (Date.now() > end) assert.fail("101 not in Out of office");
    await wait("101", (s) => s === "dnd", 2 * POLL_S * 1000 + 1000);
    const lampsClip = { x: 0, y: 0, width: 1400, height: 270 };
    await saveScreenshot(page, "dashboard-busy-lamps-light", lampsClip);
    const dark = await open("/busy-lamps", "dark");
    await dark.locator(".blf-tile[data-ext='101'][data-state='dnd']").waitFor({ timeout: 10000 });
    await saveScreenshot(dark, "dashboard-busy-lamps-dark", lampsClip);
    await dark.context().close();
    await lamp("101").locator("input[type=checkbox]").uncheck();
    for (const end = Date.now() + 5000; (await profile("101")) !== "Available"; await new Promise((r) => setTimeout(r, 100))) if (Date.now() > end) assert.fail("101 not back to Available");
    await wait("101", (s) => s === "free", 2 * POLL_S * 1000 + 1000);
    await page.context().close();
  });

  it("agent panel: a queue switch logs the agent in, kept in step with the PBX", async () => {
    await quiet();
    const page = await open("/agent");
    const sw = page.locator(".nrdb-switch", { hasText: "Support (802)" }).locator("input");
    await sw.waitFor({ state: "attached", timeout: 20000 });
    const login = async (): Promise<boolean | undefined> => ((await sim<{ extensions: Array<{ num: string; queueLogin: Record<string, boolean> }> }>("GET", "/state")).extensions.find((e) => e.num === "102")?.queueLogin["802"]);
    const was = await login();
    await sw.click({ force: true }); // Vuetify draws the switch over its (transparent) input
    for (const end = Date.now() + 5000; (await login()) === was; await new Promise((r) => setTimeout(r, 100))) if (Date.now() > end) assert.fail("802 login did not change");
    // Changed in the PBX (the phone, the 3CX client): the switch follows within a poll interval or two.
    await fetch(`${simBase}/webapi/simulator-key/ext.queue.set?num=102&queue=802&log=${was ? "on" : "off"}`);
    for (const end = Date.now() + 3 * POLL_S * 1000; (await sw.isChecked()) !== was; await new Promise((r) => setTimeout(r, 200))) if (Date.now() > end) assert.fail("the switch did not follow the PBX");
    await page.context().close();
  });

  it("raised no error in the dashboard pages", () => {
    assert.deepEqual(problems, []);
  });
});
