/** Mocha wiring shared by the client tests: one server per file, a fresh client per test. */
import { WebApiClient, type ClientOptions } from "../../../src/client";
import type { Cert } from "./certs";
import { KEY, TestServer } from "./server";

export interface Fixture {
  server: TestServer;
  client: WebApiClient;
}

/** Starts a TestServer for the file and a client (with `opts`) per test; closes both. */
export function withServer(opts: Partial<ClientOptions> = {}, tls?: () => Promise<Cert>): Fixture {
  const fx = {} as Fixture;
  before(async () => {
    fx.server = await TestServer.start({ tls: tls ? await tls() : undefined });
  });
  beforeEach(() => {
    fx.server.reset();
    fx.client = new WebApiClient({ fqdn: fx.server.url, accessKey: KEY, ...opts });
  });
  afterEach(() => fx.client.close());
  after(() => fx.server.close());
  return fx;
}

/** Runs `fn` with a client of its own, closed afterwards whatever happens. */
export async function usingClient<T>(opts: ClientOptions, fn: (c: WebApiClient) => Promise<T>): Promise<T> {
  const c = new WebApiClient(opts);
  try {
    return await fn(c);
  } finally {
    c.close();
  }
}
