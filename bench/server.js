// @ts-check
/**
 * The one WebAPI server every case talks to, in its own process so that its CPU is not counted
 * against the client under test: the bundled simulator with `fast: true` (default), or with
 * `--server mini` a bare node:http server answering ext.state.get with the seed's JSON.
 * Speaks to bench.js over IPC: sends { ready: { url, accessKey } }, answers "cpu" with its CPU time.
 */
"use strict";
const http = require("node:http");
const { args, dist } = require("./lib");

const KEY = "bench-key";

/** A minimal WebAPI: just ext.state.get with the seed's answer (the num echoed), keep-alive. */
async function startMini() {
  const { loadSeedExamples } = dist("test/support/seed");
  const example = loadSeedExamples().find((/** @type {{ method: string }} */ e) => e.method === "ext.state.get");
  const prefix = `/webapi/${KEY}/ext.state.get?num=`;
  const server = http.createServer((req, res) => {
    const url = req.url || "";
    const num = url.startsWith(prefix) ? decodeURIComponent(url.slice(prefix.length)) : "";
    if (!/^\d{2,6}$/.test(num)) {
      res.writeHead(404, { "content-type": "application/json" }).end('{"error":"Not found"}');
      return;
    }
    const body = JSON.stringify({ ...example.response, num });
    res.writeHead(200, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(body) }).end(body);
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(undefined)));
  const addr = /** @type {import("node:net").AddressInfo} */ (server.address());
  return { url: `http://127.0.0.1:${addr.port}`, accessKey: KEY, close: () => new Promise((r) => server.close(() => r(undefined))) };
}

const V20_KEY = "bench-v20-api-key";

async function startSim() {
  const { startSimulator } = dist("src/simulator");
  // The V20 side on the same PBX: one token per case process is all it issues (singleToken would
  // only matter if two cases ran at once).
  const sim = await startSimulator({ httpPort: 0, httpsPort: false, accessKey: KEY, fast: true, v20: { clientId: "900", apiKey: V20_KEY } });
  return { url: sim.httpUrl, accessKey: sim.accessKey, v20: { clientId: sim.v20.clientId, apiKey: sim.v20.apiKey }, close: () => sim.close() };
}

async function main() {
  const kind = args().server || "sim";
  const srv = kind === "mini" ? await startMini() : await startSim();
  const send = process.send ? process.send.bind(process) : (/** @type {unknown} */ m) => console.log(JSON.stringify(m));
  send({ ready: { url: srv.url, accessKey: srv.accessKey, v20: "v20" in srv ? srv.v20 : undefined, kind } });
  process.on("message", async (/** @type {string} */ m) => {
    if (m === "cpu") {
      const c = process.cpuUsage();
      send({ cpuUs: c.user + c.system });
    } else if (m === "stop") {
      await srv.close();
      process.exit(0);
    }
  });
  process.on("disconnect", () => process.exit(0));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
