/**
 * Preloaded into a real red.js (NODE_OPTIONS=--require) by the soak and secrecy tests: a tiny HTTP
 * server on 127.0.0.1:$PROBE_PORT that reports what only the Node-RED process itself can see —
 * its active handles and timers, its heap after a full GC, the package's running poll loops and
 * the routes mounted on RED.httpNode at a path. Not a test file; never loaded by the package.
 */
import http from "node:http";
import path from "node:path";
import v8 from "node:v8";
import vm from "node:vm";

v8.setFlagsFromString("--expose-gc");
const gc = vm.runInNewContext("gc") as () => void;

const repo = process.env.PROBE_REPO ?? "";
const nodeRed = process.env.PROBE_NODE_RED ?? "";

interface Counted {
  active: { total: number; timers: number; sockets: number; other: number; kinds: Record<string, number> };
  heapMb: number;
  pollers: number;
  routes: number;
}

function routesAt(at: string): number {
  // The running red.js's own module instances (the same files, so the same require cache entries).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const RED = require(path.join(nodeRed, "lib", "red.js")) as { httpNode?: unknown };
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { countRoutes } = require(path.join(repo, "dist", "src", "monitor", "route.js")) as { countRoutes(app: unknown, p: string): number };
  return RED.httpNode ? countRoutes(RED.httpNode, at) : -1;
}

function count(routePath: string): Counted {
  gc();
  gc();
  const kinds: Record<string, number> = {};
  for (const r of process.getActiveResourcesInfo()) kinds[r] = (kinds[r] ?? 0) + 1;
  const timers = kinds.Timeout ?? 0;
  const sockets = kinds.TCPSocketWrap ?? 0;
  const total = Object.values(kinds).reduce((a, b) => a + b, 0);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { PollEngine } = require(path.join(repo, "dist", "src", "monitor", "engine")) as { PollEngine: { active: number } };
  return {
    active: { total, timers, sockets, other: total - timers - sockets, kinds },
    heapMb: Math.round((process.memoryUsage().heapUsed / 1048576) * 10) / 10,
    pollers: PollEngine.active,
    routes: routesAt(routePath),
  };
}

const server = http.createServer((req, res) => {
  const url = new URL(req.url ?? "/", "http://probe");
  let body: string;
  try {
    body = JSON.stringify(count(url.searchParams.get("route") ?? "/"));
  } catch (err) {
    res.statusCode = 500;
    body = JSON.stringify({ error: String(err) });
  }
  res.setHeader("connection", "close");
  res.end(body);
});
// Not counted as keeping the process alive, and closed with it.
server.listen(Number(process.env.PROBE_PORT), "127.0.0.1", () => server.unref());
