// package.json "main": what `require("@node-red-3cx/webapi")` gives a script.
import assert from "node:assert/strict";
import path from "node:path";

describe("package main", () => {
  it("exports the catalog, client, resolver and simulator", async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const pkg = require(path.resolve(__dirname, "../../../package.json")) as { main: string };
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const api = require(path.resolve(__dirname, "../../..", pkg.main)) as typeof import("../../src/index");
    assert.equal(api.METHODS.length, 46);
    assert.equal(api.getMethod("makecall")?.kind, "write");
    const sim = await api.startSimulator({ httpsPort: false, accessKey: "main-test" });
    try {
      const client = new api.WebApiClient({ fqdn: sim.httpUrl, accessKey: "main-test" });
      const answer = await client.call("ext.state.get", api.resolveParams(api.getMethod("ext.state.get")!, {}, "102"));
      assert.equal((answer.data as { fwdName: string }).fwdName, "Available");
      client.close();
    } finally {
      await sim.close();
    }
  });
});
