// A V20Source built from the backend client's parts: the socket URL, and a refused token handed
// back to the token manager (invalidate) so the next one is new.
import assert from "node:assert/strict";
import { callControlWsUrl, v20SourceFor, type V20Access } from "../../../src/monitor/v20";
import { dnInfo } from "./fixtures";
import { FakeClock, TestCcServer, until } from "./support";

describe("V20 source from the backend client", () => {
  it("the socket URL: https → wss, http → ws, same host and port, /callcontrol/ws", () => {
    assert.equal(callControlWsUrl("https://pbx.example.com:5001"), "wss://pbx.example.com:5001/callcontrol/ws");
    assert.equal(callControlWsUrl("https://pbx.example.com"), "wss://pbx.example.com/callcontrol/ws");
    assert.equal(callControlWsUrl("http://127.0.0.1:18158/"), "ws://127.0.0.1:18158/callcontrol/ws");
  });

  it("a refused token is invalidated at the manager and a new one is taken; REST reads go through the client", async () => {
    const server = await TestCcServer.start(["new-token"]);
    const invalidated: string[] = [];
    const reads: string[] = [];
    let current = "old-token";
    const access: V20Access = {
      baseUrl: server.url.replace(/^ws/, "http").replace("/callcontrol/ws", ""),
      bearer: async () => current,
      invalidateToken: (t) => {
        invalidated.push(t);
        current = "new-token";
      },
      callControl: async (path) => {
        reads.push(path);
        return [dnInfo("101")];
      },
    };
    const source = v20SourceFor(access, { clock: new FakeClock() });
    const leave = source.subscribe({ onEvents: () => undefined, onState: () => undefined });
    try {
      await until(() => source.state.kind === "connected", "connected");
      assert.deepEqual(invalidated, ["old-token"]);
      assert.deepEqual(server.seen, ["Bearer old-token", "Bearer new-token"]);
      assert.deepEqual(reads, ["/callcontrol"]);
    } finally {
      await leave();
      await server.close();
    }
  });
});
