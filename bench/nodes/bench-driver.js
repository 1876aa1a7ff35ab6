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
};
