// The `3cx-webapi-simulator` command: starts, answers `info`, stops cleanly on SIGINT.
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { request, webapiUrl, waitFor } from "./helpers";

const CLI = path.resolve(__dirname, "../../src/simulator/cli.js");

interface Run {
  child: ChildProcess;
  out: () => string;
  exited: Promise<number | null>;
}

function run(args: string[], env: NodeJS.ProcessEnv = {}): Run {
  const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, THREECX_SIM_KEY: "", ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout?.on("data", (c: Buffer) => { out += c.toString(); });
  child.stderr?.on("data", (c: Buffer) => { out += c.toString(); });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, out: () => out, exited };
}

describe("simulator: CLI", () => {
  const running: Run[] = [];
  afterEach(() => {
    for (const r of running) if (r.child.exitCode === null) r.child.kill("SIGKILL");
    running.length = 0;
  });

  it("starts with the bin's shebang and prints --help", async () => {
    assert.ok(fs.readFileSync(CLI, "utf8").startsWith("#!/usr/bin/env node\n"));
    const r = run(["--help"]);
    assert.equal(await r.exited, 0);
    assert.match(r.out(), /--https-port/);
    assert.match(r.out(), /--webhook-url/);
  });

  it("serves the WebAPI, logs requests without the key, and stops on SIGINT", async () => {
    const key = "cli-Key-0123456789abcdef";
    const caFile = path.join(os.tmpdir(), `3cx-sim-ca-${process.pid}.pem`);
    const r = run(["--port", "0", "--https-port", "0", "--key", key, "--ca-file", caFile]);
    running.push(r);
    const [http, https] = await waitFor(() => {
      const http = /HTTP +(http:\/\/127\.0\.0\.1:\d+)/.exec(r.out())?.[1];
      const https = /HTTPS +(https:\/\/127\.0\.0\.1:\d+)/.exec(r.out())?.[1];
      return http && https ? [http, https] : undefined;
    }, 10_000, "the simulator's URLs");
    try {
      const res = await request(webapiUrl(http, key, "info"));
      assert.equal(res.status, 200);
      assert.equal((JSON.parse(res.body) as { version: string }).version, "2.1.9");
      const tls = await request(webapiUrl(https, key, "ext.state.get", { num: "102" }), { ca: fs.readFileSync(caFile, "utf8") });
      assert.equal(tls.status, 200);
      await waitFor(() => (/GET ext\.state\.get num=102 -> 200/.test(r.out()) ? true : undefined), 5000, "the request log line");
      assert.ok(!r.out().includes(key), "the key given on the command line is not printed");
    } finally {
      fs.rmSync(caFile, { force: true });
    }
    r.child.kill("SIGINT");
    assert.equal(await r.exited, 0);
    assert.match(r.out(), /SIGINT: stopping/);
  });

  it("prints the default key, or takes it from THREECX_SIM_KEY", async () => {
    const r = run(["--port", "0", "--https-port", "off", "--quiet"], { THREECX_SIM_KEY: "from-env-key" });
    running.push(r);
    const http = await waitFor(() => /HTTP +(http:\/\/127\.0\.0\.1:\d+)/.exec(r.out())?.[1], 10_000, "the URL");
    assert.equal((await request(webapiUrl(http, "from-env-key", "info"))).status, 200);
    assert.equal((await request(webapiUrl(http, "simulator-key", "info"))).status, 401);
    assert.doesNotMatch(r.out(), /HTTPS/);
    r.child.kill("SIGINT");
    assert.equal(await r.exited, 0);

    const d = run(["--port", "0", "--https-port", "off", "--quiet"]);
    running.push(d);
    await waitFor(() => (/access key +simulator-key/.test(d.out()) ? true : undefined), 10_000, "the default key");
    d.child.kill("SIGINT");
    assert.equal(await d.exited, 0);
  });

  it("--version 3, --fail <method=mode> and --lenient", async () => {
    const r = run(["--port", "0", "--https-port", "off", "--quiet", "--version", "3", "--fail", "ext.fwd.set=refused", "--fail", "makecall=login-page", "--lenient"]);
    running.push(r);
    const http = await waitFor(() => /HTTP +(http:\/\/127\.0\.0\.1:\d+)/.exec(r.out())?.[1], 10_000, "the URL");
    assert.match(r.out(), /WebAPI 3\.0\.8, lenient/);
    assert.match(r.out(), /failing +ext\.fwd\.set answers refused/);
    assert.equal((JSON.parse((await request(webapiUrl(http, "simulator-key", "info"))).body) as { version: string }).version, "3.0.8 20.1");
    assert.equal((await request(webapiUrl(http, "simulator-key", "ext.fwd.set", { num: "102" }))).body, `{"result":false}`);
    assert.match((await request(webapiUrl(http, "simulator-key", "makecall", { first: "102", second: "103" }))).body, /^<!DOCTYPE html>/);
    assert.equal((await request(webapiUrl(http, "simulator-key", "ext.queueglobal.set", { num: "999", log: "on" }))).body, `{"result":true}`, "lenient");
    r.child.kill("SIGINT");
    assert.equal(await r.exited, 0);
    const bad = run(["--fail", "ext.fwd.set=teapot"]);
    assert.equal(await bad.exited, 2);
    assert.match(bad.out(), /--fail ext\.fwd\.set= expects one of refused, null, error-text, error-object, login-page/);
  });

  it("refuses an unknown flag or a bad value with exit code 2", async () => {
    const r = run(["--bogus"]);
    assert.equal(await r.exited, 2);
    assert.match(r.out(), /bogus/);
    const p = run(["--port", "99999"]);
    assert.equal(await p.exited, 2);
    assert.match(p.out(), /--port expects a port number/);
  });
});
