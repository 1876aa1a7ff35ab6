// Each matrix run must really be the Node and Node-RED it claims: the test helper loads Node-RED's
// library, which skips Node-RED 5's own Node version check.
import assert from "node:assert/strict";
import { NODE_RED_PKG } from "./support/nodered";

describe("test environment", () => {
  it("runs on the Node major the matrix asks for", () => {
    const expected = process.env.EXPECT_NODE_MAJOR;
    assert.ok(expected, "EXPECT_NODE_MAJOR is set by scripts/test.js");
    assert.equal(process.versions.node.split(".")[0], expected);
  });
  it("loads the Node-RED major the matrix asks for", () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const version = (require(`${NODE_RED_PKG}/package.json`) as { version: string }).version;
    assert.equal(version.split(".")[0], process.env.EXPECT_NODE_RED_MAJOR);
  });
});
