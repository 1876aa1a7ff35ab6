/**
 * The Node-RED test helper, bound to the Node-RED under test: `NODE_RED_PKG` names the package
 * ("node-red" for 4.1, "node-red-5" for 5.0); scripts/test.js sets it for each run.
 */
import helper from "node-red-node-test-helper";
import path from "node:path";

export const NODE_RED_PKG = process.env.NODE_RED_PKG || "node-red";
helper.init(require.resolve(NODE_RED_PKG));

/** The compiled node modules, as Node-RED would load them from package.json. */
export const NODES_DIR = path.resolve(__dirname, "../../nodes");

export function nodeModule(type: string): unknown {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(path.join(NODES_DIR, `${type}.js`));
}

export { helper };
