// Secrecy in a real red.js at log level trace (audit on), with a distinctive access key and webhook
// token: every path the package has — successes, every error code, a wrong key, an unreachable PBX,
// TLS, a PBX echoing the key, polling and webhook monitors (accepted and refused hooks) — runs, and
// everything is collected and scanned: output messages, Catch payloads, statuses (Status node),
// debug output, every log line, the admin endpoints' answers, the flow export and the files in
// the user directory. The figure: zero hits.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import type { Simulator } from "../../src/simulator";
import { freePort } from "../support/red-process";
import { observerNodes, request, useSecrecyStack, type Collector, type RedWithProbe } from "./red-admin";
import { KEY, TOKEN, leaks, secretForms, sleep, until } from "./support";

const WRONG_KEY = "Wr0ng-K3y+Also/Secret=Mm";
const HOOK = "/rel-secret-hook";
const FORMS = secretForms(KEY, WRONG_KEY, TOKEN);

interface Path {
  id: string;
  type: string;
  server: "cfg" | "cfgWrong" | "cfgDown" | "cfgTls" | "cfgShort" | "";
  props: Record<string, unknown>;
  payload: unknown;
  /** The expected Catch code, or "" for an output. */
  code: string;
}

const PATHS: Path[] = [
  { id: "okRead", type: "3cx-ext", server: "cfg", props: { method: "ext.state.get" }, payload: "102", code: "" },
  { id: "okWrite", type: "3cx-ext", server: "cfg", props: { method: "ext.fwd.set" }, payload: { num: "102", status: "Away" }, code: "" },
  { id: "okInfo", type: "3cx-pbx", server: "cfg", props: { method: "info" }, payload: {}, code: "" },
  { id: "badParam", type: "3cx-queue", server: "cfg", props: { method: "queue.new" }, payload: { name: "Q" }, code: "BAD_PARAM" },
  { id: "foreign", type: "3cx-contact", server: "cfg", props: { method: "" }, payload: {}, code: "BAD_PARAM" },
  { id: "wrongKey", type: "3cx-pbx", server: "cfgWrong", props: { method: "info" }, payload: {}, code: "AUTH" },
  { id: "notFound", type: "3cx-queue", server: "cfg", props: { method: "queue.members.get" }, payload: "999", code: "HTTP_404" },
  { id: "down", type: "3cx-contact", server: "cfgDown", props: { method: "contact.get" }, payload: 4, code: "UNREACHABLE" },
  { id: "tls", type: "3cx-pbx", server: "cfgTls", props: { method: "all.line.get" }, payload: {}, code: "TLS" },
  { id: "timeout", type: "3cx-call", server: "cfgShort", props: { method: "pbx.calls.get" }, payload: {}, code: "TIMEOUT" },
  { id: "html", type: "3cx-pbx", server: "cfg", props: { method: "all.ivr.get" }, payload: {}, code: "BAD_RESPONSE" },
  { id: "echo", type: "3cx-pbx", server: "cfg", props: { method: "all.group.get" }, payload: {}, code: "HTTP_500" },
  { id: "noDevice", type: "3cx-call", server: "cfg", props: { method: "call.answer" }, payload: "103", code: "NO_DEVICE" },
  { id: "noServer", type: "3cx-pbx", server: "", props: { method: "info" }, payload: {}, code: "BAD_CONFIG" },
  // Failing 200s (#12), the key echoed inside each: the message, msg.threecx.answer and the log must not show it.
  { id: "refused", type: "3cx-ext", server: "cfg", props: { method: "ext.queueglobal.set" }, payload: { num: "102", log: "on" }, code: "REFUSED" },
  { id: "pbxError", type: "3cx-ext", server: "cfg", props: { method: "ext.info.get" }, payload: "102", code: "PBX_ERROR" },
  { id: "nullAnswer", type: "3cx-call", server: "cfg", props: { method: "makecall" }, payload: { first: "102", second: "103" }, code: "BAD_RESPONSE" },
  { id: "unknownNum", type: "3cx-ext", server: "cfg", props: { method: "ext.fwd.set" }, payload: { num: "999", status: "Away" }, code: "NOT_FOUND" },
];

describe("reliability: secrecy (red.js, log level trace)", function () {
  this.timeout(60000);
  const stack = useSecrecyStack({ accessKey: KEY });
  let sim: Simulator;
  let red: RedWithProbe;
  let collector: Collector;
  let admin: string;
  before(() => ({ sim, red, collector, admin } = stack()));

  async function flows(): Promise<Array<Record<string, unknown>>> {
    const downUrl = `http://127.0.0.1:${await freePort()}`;
    const cfg = (id: string, fqdn: string, key: string, timeout = 2000) => ({ id, type: "3cx-config", name: `PBX ${id}`, fqdn, timeout, maxConcurrent: 4, credentials: { accessKey: key } });
    // Catch and Status watch the package's nodes only (the forwarding http request node has statuses too).
    const ours = [...PATHS.map((p) => p.id), "mon", "monWrong", "hook"];
    const nodes: Array<Record<string, unknown>> = [
      { id: "t1", type: "tab", label: "secrecy" },
      cfg("cfg", sim.httpUrl, KEY), cfg("cfgWrong", sim.httpUrl, WRONG_KEY), cfg("cfgDown", downUrl, KEY),
      cfg("cfgTls", sim.httpsUrl, KEY), cfg("cfgShort", sim.httpUrl, KEY, 300),
      // Everything that leaves a node: to the collector (whole msg as JSON) and to the log (debug to console).
      ...observerNodes(collector, "t1", ours),
      { id: "mon", z: "t1", type: "3cx-monitor", name: "", server: "cfg", source: "poll", interval: 0.2, extensions: "102", wires: [["wrap"]] },
      { id: "monWrong", z: "t1", type: "3cx-monitor", name: "", server: "cfgWrong", source: "poll", interval: 0.2, wires: [["wrap"]] },
      { id: "hook", z: "t1", type: "3cx-monitor", name: "", source: "webhook", path: HOOK, wires: [["wrap"]], credentials: { token: TOKEN } },
    ];
    for (const p of PATHS) {
      nodes.push({
        id: `in-${p.id}`, z: "t1", type: "inject", name: "", props: [{ p: "payload" }], repeat: "", crontab: "", once: true, onceDelay: 0.5,
        topic: "", payload: JSON.stringify(p.payload), payloadType: "json", wires: [[p.id]],
      });
      nodes.push({ id: p.id, z: "t1", type: p.type, name: "", server: p.server, ...p.props, wires: [["wrap"]] });
    }
    nodes.push({ id: "in-foreign-method", z: "t1", type: "change", name: "", rules: [{ t: "set", p: "method", pt: "msg", to: "ext.state.get", tot: "str" }], wires: [["foreign"]] });
    (nodes.find((n) => n.id === "in-foreign") as { wires: string[][] }).wires = [["in-foreign-method"]];
    return nodes.map((n, i) => (n.z ? { x: 200, y: 40 * (i + 1), ...n } : n));
  }

  /** What the flow forwarded: outputs (msg.threecx), monitor events (topic), Catch (error) and Status (status) messages. */
  function collected(): Array<{ msg: { error?: { code?: string; source?: { id?: string } }; topic?: string; status?: unknown; threecx?: { method?: string } } }> {
    return collector.bodies.map((b) => JSON.parse(b) as { msg: Record<string, never> });
  }

  it("zero hits of the key, a wrong key or the webhook token in anything the package emits", async () => {
    await sim.faults.add({ methods: ["pbx.calls.get"], hang: "headers" });
    await sim.faults.add({ methods: ["all.ivr.get"], status: 200, body: `<html>${KEY}</html>`, contentType: "text/html" });
    await sim.faults.add({ methods: ["all.group.get"], status: 500, body: JSON.stringify({ error: `bad key ${KEY} / ${encodeURIComponent(KEY)}` }), contentType: "application/json" });
    await sim.faults.add({ methods: ["ext.queueglobal.set"], status: 200, body: JSON.stringify({ result: false, error: `refused for /webapi/${KEY}/` }) });
    await sim.faults.add({ methods: ["ext.info.get"], status: 200, body: JSON.stringify(`Extension not found (${encodeURIComponent(KEY)})`) });
    await sim.faults.add({ methods: ["makecall"], answer: "null" });
    await red.deploy(await flows(), "full", admin);

    const hookUrl = `${red.url}${HOOK}`;
    await until(() => collected().some((c) => c.msg.topic === "pbx.down"), 10000, "the wrong-key monitor's pbx.down");
    for (let i = 0; (await request("POST", `${hookUrl}?token=${encodeURIComponent(TOKEN)}`, { event: "ringing", callerid: "49301", user: "100", id: "260101000000_1-0" })).status !== 200; i++) {
      if (i > 100) throw new Error("the webhook route did not come up");
      await sleep(50);
    }
    const refused = [
      await request("POST", `${hookUrl}?token=${encodeURIComponent(`${TOKEN}x`)}`, { event: "ringing", id: "2" }),
      await request("GET", `${hookUrl}?token=${encodeURIComponent(TOKEN.slice(0, -1))}&event=ringing&id=3`),
      await request("POST", `${hookUrl}?token=${encodeURIComponent(TOKEN)}`, "{not json"),
    ];
    assert.deepEqual(refused.map((r) => r.status), [403, 403, 400]);
    await request("POST", `${hookUrl}?token=${encodeURIComponent(TOKEN)}`, { event: "incoming", finishtype: "Ok", id: "260101000000_1-1", title: "X:Answered call from 49301 (0:09)" });
    // Each action path ended: in an output (no code) or in the Catch node with its code.
    const ended = (p: Path) => collected().some((c) => (p.code === "" ? c.msg.threecx?.method === p.props.method : c.msg.error?.source?.id === p.id && c.msg.error.code === p.code));
    await until(() => PATHS.every(ended), 15000, `every path to end (missing: ${PATHS.filter((p) => !ended(p)).map((p) => p.id).join(", ")})`);
    await until(() => collected().some((c) => c.msg.topic === "call.ended"), 5000, "the webhook call to end");
    const refusal = collected().find((c) => c.msg.error?.source?.id === "refused")?.msg as { threecx?: { answer?: unknown } } | undefined;
    assert.deepEqual(refusal?.threecx?.answer, { result: false, error: "refused for /webapi/***/" }, "Catch sees the answer, redacted");

    // Admin answers: look-ups, test connection (stored, typed, wrong), the flow export, credentials.
    const admins = await Promise.all([
      request("GET", `${red.url}/flows`, undefined, { authorization: admin }),
      request("GET", `${red.url}/credentials/3cx-config/cfg`, undefined, { authorization: admin }),
      request("GET", `${red.url}/credentials/3cx-monitor/hook`, undefined, { authorization: admin }),
      request("GET", `${red.url}/3cx-config/lists/extension?server=cfg`, undefined, { authorization: admin }),
      request("GET", `${red.url}/3cx-config/lists/queue?server=cfgWrong`, undefined, { authorization: admin }),
      request("POST", `${red.url}/3cx-config/test`, { id: "cfg", fqdn: sim.httpUrl, accessKey: "__PWRD__" }, { authorization: admin }),
      request("POST", `${red.url}/3cx-config/test`, { id: "cfgWrong", fqdn: sim.httpUrl, accessKey: "__PWRD__" }, { authorization: admin }),
      request("POST", `${red.url}/3cx-config/test`, { fqdn: sim.httpUrl, accessKey: WRONG_KEY }, { authorization: admin }),
      request("POST", `${red.url}/3cx-config/lists/line`, { id: "cfg", fqdn: sim.httpsUrl, accessKey: "__PWRD__" }, { authorization: admin }),
      request("GET", `${red.url}/nodes`, undefined, { authorization: admin, accept: "application/json" }),
      request("GET", `${red.url}/settings`, undefined, { authorization: admin }),
    ]);
    assert.ok(admins.every((a) => a.status === 200), admins.map((a) => a.status).join(","));
    assert.match(admins[1].text, /has_accessKey/);
    await sleep(300);

    const files = fs.readdirSync(red.userDir).filter((f) => f !== "node_modules" && fs.statSync(path.join(red.userDir, f)).isFile())
      .map((f) => `${f}: ${fs.readFileSync(path.join(red.userDir, f), "utf8")}`);
    const sources: Record<string, string> = {
      "collected messages (outputs, Catch, Status)": collector.bodies.join("\n"),
      "admin answers": admins.map((a) => a.text).join("\n"),
      "log (trace, audit, debug to console)": red.log(),
      "user directory files": files.join("\n"),
    };
    const hits = Object.entries(sources).flatMap(([where, text]) => leaks(text, FORMS).map((f) => `${where}: ${f}`));
    const scanned = Object.values(sources).reduce((n, t) => n + t.length, 0);
    const statuses = collected().filter((c) => c.msg.status !== undefined).length;
    const catches = collected().filter((c) => c.msg.error !== undefined).length;
    console.log(`      figure: secrecy: ${collector.bodies.length} messages (${catches} Catch, ${statuses} status), ${admins.length} admin answers, ${red.log().split("\n").length} log lines, ${files.length} files; ${(scanned / 1024).toFixed(0)} KB scanned for ${FORMS.length} forms of 3 secrets: ${hits.length} hits`);
    assert.ok(/\[trace\]|\[debug\]/.test(red.log()), "the log ran at trace/debug level");
    assert.ok(catches >= PATHS.filter((p) => p.code).length && statuses > 0);
    assert.deepEqual(hits, []);
  });
});
