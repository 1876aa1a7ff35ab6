// Secrecy on api v20 in a real red.js at log level trace (audit on): a distinctive API key, a wrong
// one, and every bearer token the simulator issued are scanned for in everything the package emits:
// outputs, Catch and Status messages, debug output, every log line, the admin answers (Test
// connection, pick lists, the flow export, credentials) and the user directory's files. Paths: reads,
// writes, info, UNSUPPORTED, a wrong API key, a PBX that echoes the API key and the bearer token in
// an OData error and in a Call Control refusal, a User-role 403. The figure: zero hits.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import type { Simulator } from "../../src/simulator";
import { observerNodes, request, useSecrecyStack, type Collector, type RedWithProbe } from "./red-admin";
import { leaks, secretForms, sleep, until } from "./support";

const API_KEY = "V20rel-Api+Key/Only=Here9";
const WRONG = "V20rel-Wr0ng+Key/Zz=";

interface Path {
  id: string;
  type: string;
  server: "cfgV" | "cfgVWrong";
  method: string;
  payload: unknown;
  code: string;
}

const PATHS: Path[] = [
  { id: "vRead", type: "3cx-ext", server: "cfgV", method: "ext.state.get", payload: "102", code: "" },
  { id: "vWrite", type: "3cx-ext", server: "cfgV", method: "ext.fwd.set", payload: { num: "102", status: "Away" }, code: "" },
  { id: "vInfo", type: "3cx-pbx", server: "cfgV", method: "info", payload: {}, code: "" },
  { id: "vNone", type: "3cx-call", server: "cfgV", method: "join", payload: { num: "101" }, code: "UNSUPPORTED" },
  { id: "vWrong", type: "3cx-pbx", server: "cfgVWrong", method: "all.line.get", payload: {}, code: "AUTH" },
  { id: "vEcho", type: "3cx-pbx", server: "cfgV", method: "all.group.get", payload: {}, code: "HTTP_500" },
  { id: "vRefused", type: "3cx-call", server: "cfgV", method: "makecall", payload: { first: "101", second: "102" }, code: "REFUSED" },
  { id: "vNotFound", type: "3cx-ext", server: "cfgV", method: "ext.info.get", payload: "999", code: "NOT_FOUND" },
];

describe("reliability: secrecy on api v20 (red.js, log level trace)", function () {
  this.timeout(60000);
  const stack = useSecrecyStack({ httpsPort: false, v20: { apiKey: API_KEY } });
  let sim: Simulator;
  let red: RedWithProbe;
  let collector: Collector;
  let admin: string;
  before(() => ({ sim, red, collector, admin } = stack()));

  function flows(): Array<Record<string, unknown>> {
    const cfg = (id: string, key: string) => ({ id, type: "3cx-config", name: `PBX ${id}`, fqdn: sim.httpUrl, api: "v20", clientId: sim.v20.clientId, timeout: 3000, maxConcurrent: 4, credentials: { accessKey: key } });
    const ours = PATHS.map((p) => p.id);
    const nodes: Array<Record<string, unknown>> = [
      { id: "t1", type: "tab", label: "secrecy v20" },
      cfg("cfgV", API_KEY), cfg("cfgVWrong", WRONG),
      ...observerNodes(collector, "t1", ours),
    ];
    for (const p of PATHS) {
      nodes.push({
        id: `in-${p.id}`, z: "t1", type: "inject", name: "", props: [{ p: "payload" }], repeat: "", crontab: "", once: true, onceDelay: 0.5,
        topic: "", payload: JSON.stringify(p.payload), payloadType: "json", wires: [[p.id]],
      });
      nodes.push({ id: p.id, z: "t1", type: p.type, name: "", server: p.server, method: p.method, wires: [["wrap"]] });
    }
    return nodes.map((n, i) => (n.z ? { x: 200, y: 40 * (i + 1), ...n } : n));
  }

  function collected(): Array<{ msg: { error?: { code?: string; source?: { id?: string } }; status?: unknown; threecx?: { method?: string; api?: string } } }> {
    return collector.bodies.map((b) => JSON.parse(b) as { msg: Record<string, never> });
  }

  it("zero hits of the API key, a wrong API key or any bearer token in anything the package emits", async () => {
    const echo = JSON.stringify({ error: { code: "500", message: `boom ${API_KEY} Bearer $BEARER ${encodeURIComponent(API_KEY)}` } });
    const refusal = JSON.stringify({ finalstatus: "Failed", reasontext: `no (token $BEARER, key ${API_KEY})`, result: null });
    const ended = (p: Path) => collected().some((c) => (p.code === "" ? c.msg.threecx?.method === p.method && c.msg.threecx.api === "v20" : c.msg.error?.source?.id === p.id && c.msg.error.code === p.code));
    /** Deploys the flows with only these paths' injects; waits until they ended. */
    const run = async (ids: string[], fault?: Parameters<Simulator["faults"]["add"]>[0]) => {
      await sim.faults.clear();
      if (fault) await sim.faults.add(fault);
      await red.deploy(flows().filter((n) => !String(n.id).startsWith("in-") || ids.includes(String(n.id).slice(3))), "full", admin);
      await until(() => PATHS.filter((p) => ids.includes(p.id)).every(ended), 15000, `${ids.join(", ")} to end`);
    };
    // Faults match a whole area (every XAPI or Call Control request alike): the echoing paths run alone.
    await run(["vEcho"], { methods: ["v20:xapi"], times: 3, status: 500, body: echo }); // a read: 3 attempts
    await run(["vRefused"], { methods: ["v20:callcontrol"], times: 1, status: 200, body: refusal });
    await run(PATHS.map((p) => p.id).filter((id) => id !== "vEcho" && id !== "vRefused"));
    await sim.faults.clear();
    sim.v20.role = "users";
    const admins = await Promise.all([
      request("GET", `${red.url}/flows`, undefined, { authorization: admin }),
      request("GET", `${red.url}/credentials/3cx-config/cfgV`, undefined, { authorization: admin }),
      request("GET", `${red.url}/3cx-config/lists/extension?server=cfgV`, undefined, { authorization: admin }),
      request("POST", `${red.url}/3cx-config/test`, { id: "cfgV", fqdn: sim.httpUrl, api: "v20", clientId: sim.v20.clientId, accessKey: "__PWRD__" }, { authorization: admin }),
      request("POST", `${red.url}/3cx-config/test`, { fqdn: sim.httpUrl, api: "v20", clientId: sim.v20.clientId, accessKey: WRONG }, { authorization: admin }),
      request("POST", `${red.url}/3cx-config/lists/queue`, { fqdn: sim.httpUrl, api: "v20", clientId: sim.v20.clientId, accessKey: API_KEY }, { authorization: admin }),
    ]);
    sim.v20.role = "system_admins";
    assert.ok(admins.every((a) => a.status === 200), admins.map((a) => a.status).join(","));
    assert.match(admins[3].text, /XAPI refuses this API client/, "Test connection with the stored key, User role");
    await sleep(300);

    const files = fs.readdirSync(red.userDir).filter((f) => f !== "node_modules" && fs.statSync(path.join(red.userDir, f)).isFile())
      .map((f) => `${f}: ${fs.readFileSync(path.join(red.userDir, f), "utf8")}`);
    const tokens = [...sim.v20.issuedTokens];
    assert.ok(tokens.length >= 2, "tokens were issued (and renewed after the role change)");
    const forms = secretForms(API_KEY, WRONG, ...tokens);
    const sources: Record<string, string> = {
      "collected messages (outputs, Catch, Status)": collector.bodies.join("\n"),
      "admin answers": admins.map((a) => a.text).join("\n"),
      "log (trace, audit, debug to console)": red.log(),
      "user directory files": files.join("\n"),
    };
    const hits = Object.entries(sources).flatMap(([where, text]) => leaks(text, forms).map((f) => `${where}: ${f.slice(0, 12)}…`));
    const echoed = collected().find((c) => c.msg.error?.source?.id === "vEcho")?.msg.error as { message?: string } | undefined;
    assert.match(echoed?.message ?? "", /boom \*\*\* Bearer \*\*\* \*\*\*/, "the echo was redacted, not dropped");
    const scanned = Object.values(sources).reduce((n, t) => n + t.length, 0);
    console.log(`      figure: secrecy v20: ${collector.bodies.length} messages, ${admins.length} admin answers, ${red.log().split("\n").length} log lines, ${files.length} files; ${(scanned / 1024).toFixed(0)} KB scanned for ${forms.length} forms of ${2 + tokens.length} secrets (${tokens.length} bearer tokens): ${hits.length} hits`);
    assert.deepEqual(hits, []);
  });
});
