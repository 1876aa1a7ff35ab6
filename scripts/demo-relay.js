// The demo's webhook fan-out: the simulator's webhook generator has one target URL (like the real
// WebAPI's WEBHOOK_URL), while the demo runs several examples that each listen on their own path.
// This relay, on 127.0.0.1, passes every request on to each of them: same method, query and body.
"use strict";
const http = require("node:http");

/**
 * @param {string[]} targets full URLs (no query)
 * @returns {Promise<{ url: string, close(): Promise<void> }>}
 */
async function startRelay(targets) {
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const query = (req.url || "").includes("?") ? (req.url || "").slice((req.url || "").indexOf("?")) : "";
      const headers = req.headers["content-type"] ? { "content-type": req.headers["content-type"] } : {};
      const sends = targets.map((t) => fetch(t + query, {
        method: req.method,
        headers,
        body: req.method === "GET" || req.method === "HEAD" ? undefined : body,
        signal: AbortSignal.timeout(5000),
      }).then((r) => r.arrayBuffer()));
      // Answer after every target did, so that the generator's order (ringing … end) is kept.
      Promise.allSettled(sends).then(() => res.end("ok"));
    });
  });
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  return {
    url: `http://127.0.0.1:${server.address().port}/`,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

module.exports = { startRelay };
