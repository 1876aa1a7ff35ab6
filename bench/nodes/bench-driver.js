// @ts-check
/**
 * Two node types for the bench flows only (loaded through settings.nodesDir, never published):
 * `bench-source` sends the messages the bench fires into its wire, `bench-sink` hands every
 * message that reaches it back to the bench. They meet the bench through a process-global hub,
 * which works however Node-RED loads this file (require on 4.x, import on 5.x).
 */
"use strict";

const HUB = Symbol.for("3cx-webapi.bench.hub");

/** @param {any} RED the Node-RED node API (untyped here: plain JS) */
module.exports = function (RED) {
  /** @type {{ source?: any, onSink?: (msg: any) => void }} */
  const hub = (/** @type {any} */ (globalThis)[HUB] ??= {});

  /** @this {any} @param {any} config */
  function BenchSource(config) {
    RED.nodes.createNode(this, config);
    hub.source = this;
    this.on("close", () => {
      if (hub.source === this) hub.source = undefined;
    });
  }
  RED.nodes.registerType("bench-source", BenchSource);

  /** @this {any} @param {any} config */
  function BenchSink(config) {
    RED.nodes.createNode(this, config);
    this.on("input", (/** @type {any} */ msg, /** @type {any} */ _send, /** @type {() => void} */ done) => {
      done();
      if (hub.onSink) hub.onSink(msg);
    });
  }
  RED.nodes.registerType("bench-sink", BenchSink);

  /**
   * The floor: what any node costs on this runtime. A bare keep-alive GET of ext.state.get and
   * JSON.parse, nothing else (no validation, queue, ordering or status): with an axios instance set
   * up as lean as the package's client (`lib: "axios"`), or with node:http (`lib: "node-http"`).
   * @this {any} @param {any} config
   */
  function BenchFloor(config) {
    RED.nodes.createNode(this, config);
    const http = require("node:http");
    const agent = new http.Agent({ keepAlive: true, maxSockets: Number(config.maxSockets) || 32 });
    const base = `${config.url}/webapi/${encodeURIComponent(config.key)}/ext.state.get?num=`;
    /** @type {(url: string) => Promise<string>} */
    let get;
    if (config.lib === "node-http") {
      get = (url) => new Promise((resolve, reject) => {
        http.get(url, { agent }, (res) => {
          let body = "";
          res.setEncoding("utf8");
          res.on("data", (c) => (body += c));
          res.on("end", () => resolve(body));
        }).on("error", reject);
      });
    } else {
      const axios = require(require.resolve("axios", { paths: [config.pkgRoot] }));
      const ax = axios.create({ adapter: "http", httpAgent: agent, proxy: false, maxRedirects: 0, responseType: "text", validateStatus: () => true });
      // As the client does: no per-request deep copies of defaults a bodiless GET never reads.
      ax.defaults.headers = { Accept: "application/json" };
      for (const k of ["transitional", "transformResponse", "timeout", "maxBodyLength", "transformRequest", "env", "xsrfCookieName", "xsrfHeaderName"]) delete ax.defaults[k];
      get = async (url) => (await ax.get(url)).data;
    }
    this.on("input", (/** @type {any} */ msg, /** @type {any} */ send, /** @type {(e?: Error) => void} */ done) => {
      get(base + encodeURIComponent(String(msg.payload))).then((body) => {
        msg.payload = JSON.parse(body);
        send(msg);
        done();
      }, done);
    });
    this.on("close", () => agent.destroy());
  }
  RED.nodes.registerType("bench-floor", BenchFloor);
};
