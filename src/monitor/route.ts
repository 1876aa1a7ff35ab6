/**
 * Mounting and unmounting the webhook route on an Express app (Node-RED's `RED.httpNode`, Express 4
 * in Node-RED 4 and 5). Express has no "remove route": like core `http in`, we take our layers out
 * of the router stack on close, so redeploys never leave a second handler behind.
 */
import type { IncomingMessage, ServerResponse } from "node:http";

type Handler = (req: IncomingMessage, res: ServerResponse, next?: (err?: unknown) => void) => void;

interface Layer {
  route?: { path?: unknown; stack?: Array<{ handle?: unknown }> };
}

/** The part of an Express app we use; typed loosely because the helper and the runtime differ. */
export interface HttpApp {
  get(path: string, ...handlers: Handler[]): unknown;
  post(path: string, ...handlers: Handler[]): unknown;
  _router?: { stack: Layer[] };
  router?: { stack: Layer[] };
}

/** Express 4 keeps the router in `_router` (and throws on `app.router`); Express 5 in `router`. */
function routerStack(app: HttpApp): Layer[] | undefined {
  if (app._router) return app._router.stack;
  try {
    return app.router?.stack;
  } catch {
    return undefined; // Express 4 before its first route: nothing mounted
  }
}

/** Which monitor owns which path, so that two monitors never share one. */
const owners = new Map<string, string>();

/** "3cx/events/" → "/3cx/events". */
export function normalizePath(p: unknown): string {
  const s = typeof p === "string" ? p.trim() : "";
  if (s === "") return "";
  const withSlash = s.startsWith("/") ? s : `/${s}`;
  return withSlash.length > 1 ? withSlash.replace(/\/+$/, "") : withSlash;
}

export class PathInUseError extends Error {}

/**
 * Mounts `handler` at GET and POST `path`, behind `middleware` (settings.httpNodeMiddleware, as core
 * `http in` applies it). Returns the function that removes both routes again.
 */
export function mountRoute(app: HttpApp, path: string, ownerId: string, middleware: Handler[], handler: Handler): () => void {
  const key = path.toLowerCase();
  const owner = owners.get(key);
  if (owner !== undefined && owner !== ownerId) throw new PathInUseError(`path ${path} is already used by another 3cx-monitor (${owner})`);
  owners.set(key, ownerId);
  app.get(path, ...middleware, handler);
  app.post(path, ...middleware, handler);
  return () => {
    if (owners.get(key) === ownerId) owners.delete(key);
    const stack = routerStack(app);
    if (!stack) return;
    for (let i = stack.length - 1; i >= 0; i--) {
      const route = stack[i].route;
      if (route?.path === path && route.stack?.some((l) => l.handle === handler)) stack.splice(i, 1);
    }
  };
}

/** How many routes at `path` the app has (tests: no duplicates after redeploys). */
export function countRoutes(app: HttpApp, path: string): number {
  return (routerStack(app) ?? []).filter((l) => l.route?.path === path).length;
}

/** settings.httpNodeMiddleware as a list of handlers (a function or an array of them). */
export function nodeMiddleware(setting: unknown): Handler[] {
  if (typeof setting === "function") return [setting as Handler];
  if (Array.isArray(setting)) return setting.filter((f): f is Handler => typeof f === "function");
  return [];
}
