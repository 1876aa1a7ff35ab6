/*
 * Test-only preload for `node-red-dev validate` (node --require this file).
 *
 * 1. The Flow Library catalogue (P08 similar names, N01 unique types) lives on a host this machine
 *    cannot reach: its request is answered here, locally, with an empty catalogue. Every other
 *    request (the npm registry for P06, P07, D02, D03) goes out unchanged.
 * 2. The scorecard JSON does not say which node types it parsed from the .html files, and a file
 *    it cannot parse makes N01/N02 pass vacuously. The node types the tool's own parser walks past
 *    (`RED.nodes.registerType('<literal>', {...})`) are written to $SCORECARD_TYPES_FILE.
 */
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const Module = require("node:module");

const CATALOGUE = "https://catalogue.nodered.org/";
const typesFile = process.env.SCORECARD_TYPES_FILE;
const seen = new Set();
const patched = new WeakSet();

/** Wraps node-red-dev's axios (0.21, its own copy) and acorn-walk when node-red-dev loads them. */
function patch(request, parent, exported) {
  const from = parent && parent.filename ? parent.filename : "";
  if (!from.includes(`${path.sep}node-red-dev${path.sep}`) || patched.has(exported)) return exported;
  if (request === "axios") {
    exported.interceptors.request.use((config) => {
      if (String(config.url).startsWith(CATALOGUE)) {
        config.adapter = () => Promise.resolve({ data: { modules: [] }, status: 200, statusText: "OK", headers: {}, config, request: {} });
      }
      return config;
    });
  } else if (request === "acorn-walk" && typesFile) {
    const simple = exported.simple;
    exported.simple = function (node, visitors, ...rest) {
      const call = visitors && visitors.CallExpression;
      const wrapped = !call ? visitors : {
        ...visitors,
        CallExpression(n, ...args) {
          const arg = n.arguments && n.arguments[0];
          if (n.callee && n.callee.property && n.callee.property.name === "registerType" && arg && arg.type === "Literal") {
            seen.add(String(arg.value));
            fs.writeFileSync(typesFile, JSON.stringify([...seen]));
          }
          return call.call(this, n, ...args);
        },
      };
      return simple.call(this, node, wrapped, ...rest);
    };
  }
  else return exported;
  patched.add(exported);
  return exported;
}

const load = Module._load;
Module._load = function (request, parent, isMain) {
  return patch(request, parent, load.call(this, request, parent, isMain));
};
