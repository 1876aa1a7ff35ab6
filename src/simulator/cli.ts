#!/usr/bin/env node
/**
 * `3cx-webapi-simulator`: runs the fake 3CX WebAPI as a command of its own, for testing flows
 * against a PBX that is not there. Ctrl-C stops it.
 */
import fs from "node:fs";
import { parseArgs } from "node:util";
import { startSimulator } from "./index";
import { getMethod } from "../catalog";
import { FAILING_MODES } from "./http/faults";
import type { FailingAnswer, Fault, SimulatorOptions } from "./types";
import { V20_ROLES, type V20Role } from "./v20/types";

const HELP = `Usage: 3cx-webapi-simulator [options]

A fake 3CX WebAPI (Creomate 2.1.9) with an in-memory PBX that starts as the vendor's examples.

Options:
  --port <n|off>          HTTP port (default 8088; 0 = any free port)
  --https-port <n|off>    HTTPS port, self-signed certificate (default 8443)
  --host <addr>           address to listen on (default 127.0.0.1)
  --key <key>             access key (default $THREECX_SIM_KEY or "simulator-key")
  --ca-file <path>        write the HTTPS certificate (PEM) here, to trust it
  --scenario              generate calls, queue logins and status changes
  --scenario-seed <n>     seed of the scenario's pseudo-random choices (default 1)
  --scenario-interval <ms> time between generated actions (default 5000)
  --webhook-url <url>     send the webhook generator's requests for call events here
  --webhook-get           use the GET scheme (fields in the query) instead of POST JSON
  --webhook-ai            also send an "ai" event after each recording
  --latency <ms>          delay every answer
  --control-port <n>      serve the /_sim control API on this port too (stays up while "down")
  --lenient               acknowledge writes naming an unknown extension/queue/contact (default:
                          strict, they answer 404; --strict is still accepted)
  --version <2|3>         answer like WebAPI 2.1.9 (default) or 3.x (makecall answers a chid,
                          the 3.0.8 license object with ai and sql)
  --fail <method=mode>    answer <method> with a failing 200, repeatable; modes: refused
                          ({"result":false}), null, error-text, error-object, login-page (HTML)
  --api <webapi|v20>      which interface the banner describes (both are always served, on one PBX)
  --client-id <id>        V20 API Client ID (default 900)
  --api-key <key>         V20 API key (default $THREECX_SIM_API_KEY or "simulator-api-key")
  --role <role>           V20 principal's role (default system_admins; "users" is refused by XAPI)
  --v20-version <v>       X-3CX-Version (default 20.0.10.412; below 20.0.9 expires_in is in minutes)
  --quiet                 do not log requests
  -h, --help              show this help

Control API (JSON): GET /_sim lists the endpoints, e.g. GET /_sim/state, POST /_sim/reset,
POST /_sim/faults {"status":503,"retryAfter":2}, POST /_sim/faults {"methods":["ext.fwd.set"],"answer":"refused"},
DELETE /_sim/faults, POST /_sim/calls {"from":"420774852529","to":"802"}.`;

function fail(message: string): never {
  process.stderr.write(`3cx-webapi-simulator: ${message}\n(--help shows the options)\n`);
  process.exit(2);
}

function port(name: string, value: string | undefined, fallback: number): number | false {
  if (value === undefined) return fallback;
  if (/^(off|false|none)$/i.test(value)) return false;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) fail(`--${name} expects a port number 0-65535 or "off"`);
  return n;
}

function ms(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) fail(`--${name} expects a number of milliseconds`);
  return n;
}

/** A webhook URL as printed: a `token` query value is a credential. */
const printable = (url: string) => url.replace(/([?&]token=)[^&]*/gi, "$1***");

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: "string" }, "https-port": { type: "string" }, host: { type: "string" }, key: { type: "string" },
        "ca-file": { type: "string" }, scenario: { type: "boolean" }, "scenario-seed": { type: "string" },
        "scenario-interval": { type: "string" }, "webhook-url": { type: "string" }, "webhook-get": { type: "boolean" },
        "webhook-ai": { type: "boolean" }, latency: { type: "string" }, "control-port": { type: "string" },
        strict: { type: "boolean" }, lenient: { type: "boolean" }, version: { type: "string" },
        api: { type: "string" }, "client-id": { type: "string" }, "api-key": { type: "string" }, role: { type: "string" },
        "v20-version": { type: "string" },
        fail: { type: "string", multiple: true }, quiet: { type: "boolean" }, help: { type: "boolean", short: "h" },
      },
      strict: true,
    }));
  } catch (err) {
    fail(err instanceof Error ? err.message : String(err));
  }
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return;
  }

  const keyGiven = values.key !== undefined || !!process.env.THREECX_SIM_KEY;
  const accessKey = values.key ?? (process.env.THREECX_SIM_KEY || "simulator-key");
  const webhookUrl = values["webhook-url"];
  if (webhookUrl !== undefined && !/^https?:\/\/[^/]/i.test(webhookUrl)) fail("--webhook-url expects an http:// or https:// URL");
  const seed = ms("scenario-seed", values["scenario-seed"]);
  if (values.version !== undefined && !/^[23]$/.test(values.version)) fail("--version expects 2 or 3");
  if (values.lenient && values.strict) fail("--lenient and --strict contradict each other");
  const failing: Fault[] = (values.fail ?? []).map((item) => {
    const [method, mode] = item.split("=", 2);
    if (!method || !getMethod(method)) fail(`--fail expects <method>=<mode> with a WebAPI method name, got "${item}"`);
    if (!mode || !(FAILING_MODES as string[]).includes(mode)) fail(`--fail ${method}= expects one of ${FAILING_MODES.join(", ")}`);
    return { methods: [method], answer: mode as FailingAnswer };
  });
  const interval = ms("scenario-interval", values["scenario-interval"]);

  const api = values.api ?? "webapi";
  if (api !== "webapi" && api !== "v20") fail("--api expects webapi or v20");
  const role = values.role ?? "system_admins";
  if (!(V20_ROLES as readonly string[]).includes(role)) fail(`--role expects one of ${V20_ROLES.join(", ")}`);
  const opts: SimulatorOptions = {
    host: values.host ?? "127.0.0.1",
    httpPort: port("port", values.port, 8088),
    httpsPort: port("https-port", values["https-port"], 8443),
    accessKey,
    latencyMs: ms("latency", values.latency),
    strict: !values.lenient,
    version: values.version === "3" ? 3 : 2,
    controlPort: values["control-port"] === undefined ? undefined : port("control-port", values["control-port"], 0),
    scenario: values.scenario || seed !== undefined || interval !== undefined ? { seed, intervalMs: interval } : false,
    webhook: webhookUrl ? { url: webhookUrl, method: values["webhook-get"] ? "GET" : "POST", ai: values["webhook-ai"] ?? false } : undefined,
    v20: {
      clientId: values["client-id"], apiKey: values["api-key"], role: role as V20Role,
      ...(values["v20-version"] ? { version: values["v20-version"] } : {}),
    },
    log: values.quiet ? undefined : (line) => process.stdout.write(`${new Date().toISOString()} ${line}\n`),
  };
  if (opts.httpPort === false && opts.httpsPort === false) fail("at least one of --port and --https-port must be on");

  const sim = await startSimulator(opts);
  for (const f of failing) await sim.faults.add(f);
  if (values["ca-file"]) fs.writeFileSync(values["ca-file"], sim.ca);
  // Before the banner: whoever reads it may send SIGINT at once.
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) process.exit(1); // a second Ctrl-C: do not wait
    stopping = true;
    process.stdout.write(`${signal}: stopping\n`);
    sim.close().then(() => process.exit(0), () => process.exit(1));
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
  const lines = [
    `3CX WebAPI simulator (WebAPI ${opts.version === 3 ? "3.0.8" : "2.1.9"}, ${opts.strict ? "strict" : "lenient"}) is running`,
    ...failing.map((f) => `  failing       ${f.methods?.[0]} answers ${f.answer}`),
    sim.httpUrl && `  HTTP          ${sim.httpUrl}`,
    sim.httpsUrl && `  HTTPS         ${sim.httpsUrl}  (self-signed${values["ca-file"] ? `; certificate in ${values["ca-file"]}` : "; --ca-file writes the certificate"})`,
    api === "v20"
      ? `  V20 API       Client ID ${sim.v20.clientId}, API key ${values["api-key"] || process.env.THREECX_SIM_API_KEY ? "the key you set" : sim.v20.apiKey}, role ${sim.v20.role}, version ${sim.v20.version}`
      : `  access key    ${keyGiven ? "the key you set (--key / THREECX_SIM_KEY)" : accessKey}`,
    `  control API   ${sim.controlUrl || sim.httpUrl || sim.httpsUrl}/_sim`,
    opts.scenario ? "  scenario      on" : "",
    opts.webhook ? `  webhooks      ${opts.webhook.method} ${printable(opts.webhook.url)}` : "",
    api === "v20"
      ? `In a 3cx-config node choose the 3CX V20 API, fqdn ${sim.httpUrl || sim.httpsUrl}, that Client ID and API key. Ctrl-C stops.`
      : `In a 3cx-config node use fqdn ${sim.httpUrl || sim.httpsUrl}. Ctrl-C stops.`,
  ];
  process.stdout.write(`${lines.filter((l) => l).join("\n")}\n`);
}

main().catch((err: unknown) => fail(err instanceof Error ? err.message : String(err)));
