// @ts-check
/**
 * Case 3, the ceiling: a bare loop with axios and a keep-alive agent, the same GET, `inflight`
 * requests at once, JSON parsed by axios. No Node-RED, no checks beyond "200 and an object".
 * `--lib node-http`: the same with node:http alone (an extra row: what is left without axios).
 *   node bench/raw.js --url http://127.0.0.1:P --key K [--messages 20000] [--warmup 3000] [--inflight 32] [--lib axios|node-http]
 */
"use strict";
const http = require("node:http");
const { args, memory, pump, report, settle, EXTENSIONS } = require("./lib");

async function main() {
  const a = args();
  const total = Number(a.messages || 20000);
  const warmup = Number(a.warmup || 3000);
  const inFlight = Number(a.inflight || 32);
  // axios is the package's own dependency: the same copy the client uses.
  const axios = require(require.resolve("axios", { paths: [require("./lib").PKG_ROOT] }));
  const agent = new http.Agent({ keepAlive: true, maxSockets: inFlight });
  const client = axios.create({ httpAgent: agent, proxy: false });
  const base = `${a.url}/webapi/${encodeURIComponent(a.key)}/ext.state.get?num=`;
  /** @type {(url: string) => Promise<{ status: number, data: unknown }>} */
  const get = a.lib === "node-http"
    ? (url) => new Promise((resolve, reject) => {
      http.get(url, { agent }, (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk) => (body += chunk));
        res.on("end", () => {
          try {
            resolve({ status: res.statusCode ?? 0, data: JSON.parse(body) });
          } catch (e) {
            reject(e);
          }
        });
      }).on("error", reject);
    })
    : (url) => client.get(url);

  /** @param {number} n */
  async function run(n) {
    const p = pump(n, inFlight, (startedAt, i) => {
      get(base + EXTENSIONS[i % EXTENSIONS.length]).then(
        (/** @type {{ status: number, data: unknown }} */ r) => p.complete(startedAt, r.status === 200 && typeof r.data === "object"),
        () => p.complete(startedAt, false),
      );
    });
    return p.done;
  }

  await run(warmup);
  settle();
  const result = await run(total);
  agent.destroy();
  await report({ ...result, ...memory() });
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
