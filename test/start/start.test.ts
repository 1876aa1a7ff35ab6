// `npm start` as a user runs it: `node scripts/start.js` (with PORT and SIM_PORT on free ports),
// then the editor's own APIs: the flows it deployed, the debug messages the editor's sidebar gets
// (its websocket), an inject button, a call in the simulator reaching a webhook example, and
// Ctrl-C (SIGINT) stopping Node-RED and the simulator. Prints how long each step took.
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { dashboardLabels, exampleLabels } from "../examples/support";
import { until } from "../monitor/support";
import { freePort, REPO_ROOT } from "../support/red-process";

/** The parts of `ws` (Node-RED's websocket library; Node 20 has no global WebSocket) used here. */
interface Ws {
  on(event: "open", cb: () => void): void;
  on(event: "message", cb: (data: Buffer) => void): void;
  on(event: "error", cb: (err: Error) => void): void;
  send(data: string): void;
  close(): void;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const WebSocket = require("ws") as new (url: string) => Ws;

interface DebugMessage {
  at: number;
  id: string;
  z: string;
  name?: string;
  msg: string;
}
interface FlowNode {
  id: string;
  type: string;
  z?: string;
  name?: string;
  label?: string;
  fqdn?: string;
  [k: string]: unknown;
}

const STOP_LINE = /stopping Node-RED \(pid (\d+)\)/;

async function refused(url: string): Promise<boolean> {
  try {
    await fetch(url, { signal: AbortSignal.timeout(2000) });
    return false;
  } catch {
    return true;
  }
}

describe("npm start (scripts/start.js)", function () {
  this.timeout(180000);
  let child: ChildProcess | undefined;
  let out = "";
  let ws: Ws | undefined;
  const debug: DebugMessage[] = [];
  const exited = (): boolean => !!child && (child.exitCode !== null || child.signalCode !== null);

  after(async () => {
    ws?.close();
    if (child && !exited()) {
      child.kill("SIGINT");
      await until(exited, 20000, "start.js to stop").catch(() => child?.kill("SIGKILL"));
    }
  });

  it("starts the simulator and Node-RED with every example, answers, receives webhooks, and stops on Ctrl-C", async () => {
    const port = await freePort();
    const simPort = await freePort();
    const t0 = Date.now();
    const proc = spawn(process.execPath, [path.join(REPO_ROOT, "scripts", "start.js")], {
      cwd: REPO_ROOT,
      env: { ...process.env, PORT: String(port), SIM_PORT: String(simPort) },
      stdio: ["pipe", "pipe", "pipe"], // stdin: the d / u keys, as lines
    });
    child = proc;
    proc.stdout?.on("data", (d: Buffer) => { out += d.toString(); });
    proc.stderr?.on("data", (d: Buffer) => { out += d.toString(); });

    // The URL line, then what it says.
    const urlLine = /Node-RED editor\s+(http:\/\/127\.0\.0\.1:(\d+)\/)/;
    await until(() => urlLine.test(out) || exited(), 60000, "the editor URL line").catch((err: Error) => { throw new Error(`${err.message}\n${out}`); });
    assert.ok(!exited(), out);
    const tUrl = Date.now() - t0;
    const [, url, shownPort] = urlLine.exec(out) ?? [];
    assert.equal(Number(shownPort), port);
    const simUrl = `http://127.0.0.1:${simPort}`;
    assert.match(out, new RegExp(`3CX simulator\\s+${simUrl}`));
    assert.match(out, /Try first:/);
    assert.match(out, /Ctrl-C stops/);
    assert.match(out, /Press d to take the simulated PBX down and u to bring it back/);
    const userDir = /user directory\s+(\S+)/.exec(out)?.[1] ?? "";
    assert.ok(fs.existsSync(path.join(userDir, "flows.json")), userDir);

    // The editor's debug sidebar, as the browser gets it.
    const socket = new WebSocket(`ws://127.0.0.1:${port}/comms`);
    ws = socket;
    await new Promise<void>((resolve, reject) => {
      socket.on("open", resolve);
      socket.on("error", reject);
    });
    socket.on("message", (data) => {
      for (const m of JSON.parse(data.toString()) as Array<{ topic: string; data: Omit<DebugMessage, "at"> }>) {
        if (m.topic === "debug") debug.push({ ...m.data, at: Date.now() });
      }
    });
    socket.send(JSON.stringify({ subscribe: "debug" }));

    // Every example in a tab of its own, one PBX: the simulator; no key in what the editor gets.
    const res = await fetch(`${url}flows`, { headers: { "Node-RED-API-Version": "v2" } });
    assert.equal(res.status, 200);
    const text = await res.text();
    const flows = (JSON.parse(text) as { flows: FlowNode[] }).flows;
    // The dashboard examples come along when Dashboard 2.0 (a dev dependency) is installed; test/browser/dashboard.test.ts requires it.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const withDashboard = (require(path.join(REPO_ROOT, "scripts", "demo-flows.js")) as { dashboardDir(): string | null }).dashboardDir() !== null;
    assert.deepEqual(flows.filter((n) => n.type === "tab").map((t) => t.label).sort(), [...exampleLabels(), ...(withDashboard ? dashboardLabels() : [])].sort());
    const configs = flows.filter((n) => n.type === "3cx-config");
    assert.equal(configs.length, 1);
    assert.equal(configs[0].fqdn, simUrl);
    assert.equal(text.includes("simulator-key"), false);

    // Within seconds the sidebar shows real answers and events.
    await until(() => debug.length > 0, 20000, "a first debug message");
    const tFirst = debug[0].at - t0;

    // An inject button (POST /inject/:id, what the editor's button does) → four writes to the simulator.
    const lunch = flows.find((n) => n.type === "inject" && n.name === "12:00 lunch");
    assert.ok(lunch);
    const clicked = await fetch(`${url}inject/${lunch.id}`, { method: "POST" });
    assert.equal(clicked.status, 200);
    await until(() => debug.filter((d) => d.z === lunch.z && d.name === "changed").length === 4, 10000, "four answers in the sidebar");
    const recorded = (await (await fetch(`${simUrl}/_sim/requests`)).json()) as { requests: Array<{ method: string; params: Record<string, string> }> };
    const writes = recorded.requests.filter((r) => r.method === "ext.fwd.set" && r.params.status === "Out of office").map((r) => r.params.num).sort();
    assert.deepEqual(writes, ["100", "101", "102", "103"]);

    // A call in the simulator: its webhook goes to the config node's one URL, and the TV example hears it.
    const called = await fetch(`${simUrl}/_sim/calls`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ from: "420774852529", to: "100" }) });
    assert.equal(called.status, 200, await called.text());
    await until(() => debug.some((d) => d.name === "TV" && d.msg.includes("Call from Doe, John (420774852529)")), 10000, "the TV caller ID");
    assert.equal(out.includes("[error]"), false, out);

    // d: the simulated PBX goes down (its port refuses), and the PBX health example's monitor says so;
    // u: it is back, and the monitor says that too.
    const tDown = Date.now();
    proc.stdin?.write("d\n");
    await until(() => out.includes("[simulator] PBX down"), 5000, "the down line");
    assert.ok(await refused(`${simUrl}/_sim`), "the simulator's port refuses while down");
    const alert = (text: string) => debug.some((d) => d.name === "alerts" && d.msg.includes(text));
    await until(() => alert("PBX not answering"), 40000, "pbx.down in the debug sidebar");
    const tSeen = Date.now() - tDown;
    proc.stdin?.write("u\n");
    await until(() => out.includes("[simulator] PBX up again"), 5000, "the up line");
    assert.equal((await fetch(`${simUrl}/_sim`)).status, 200, "the simulator answers again");
    await until(() => alert("PBX answering again"), 60000, "pbx.up in the debug sidebar");
    console.log(`      npm start: d → pbx.down in the sidebar after ${tSeen} ms, u → pbx.up after ${Date.now() - tDown - tSeen} ms`);

    // Ctrl-C: both processes end, both ports close, the user directory is gone.
    ws.close();
    ws = undefined;
    const tStop = Date.now();
    proc.kill("SIGINT");
    await until(exited, 20000, "start.js to exit");
    assert.equal(proc.exitCode, 0, out);
    const pid = Number(STOP_LINE.exec(out)?.[1]);
    assert.ok(pid > 0, out);
    assert.throws(() => process.kill(pid, 0), /ESRCH/, "Node-RED's process is gone");
    assert.ok(await refused(url), "the editor port is closed");
    assert.ok(await refused(`${simUrl}/_sim`), "the simulator port is closed");
    assert.equal(fs.existsSync(userDir), false);
    console.log(`      npm start: editor URL after ${tUrl} ms, first debug message after ${tFirst} ms, stopped in ${Date.now() - tStop} ms`);
  });
});
