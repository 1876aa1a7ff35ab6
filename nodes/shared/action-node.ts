/**
 * The one runtime behind 3cx-call, 3cx-ext, 3cx-queue, 3cx-contact and 3cx-pbx (SPEC §4). Each
 * node file only names its home; which methods and operations it offers, their parameters and
 * how fields are read all come from the catalog and the operations table, prepared per deploy.
 */
import { setMaxListeners } from "node:events";
import type { Node, NodeAPI, NodeDef, NodeMessage, NodeMessageInFlow } from "node-red";
import type { HomeNode } from "../../src/catalog";
import { ParamError, resolveParams } from "../../src/resolver";
import { defaultType } from "../../src/operations/field-types";
import { ActionError, errorCode } from "./errors";
import { prepareField, type PreparedField } from "./fields";
import { callOffer } from "./call-offer";
import { InOrder } from "./in-order";
import { fieldProp, fieldsOf, offersOf, toTargetParams, typeProp, type Offer } from "../../src/operations/offers";
import { WebApiError } from "../../src/client";
import { checkNumbers, noteWrite } from "../../src/directory";
import { StatusTracker } from "./status";
import type { ThreeCxConfigNode } from "./types";
import { configProblem } from "./config-problems";

type ActionNodeDef = NodeDef & Record<string, unknown>;

interface Pending {
  readonly done: (err?: Error) => void;
  /** Place in the node's input order (outputs and errors leave in that order). */
  readonly ticket: number;
  finished: boolean;
}

const MAX_SHOWN = 64;
/** A msg value for a warning or error: any type (a BigInt or a circular object must not throw here). */
const shown = (v: unknown): string => {
  let s: string;
  try {
    s = typeof v === "string" ? v : JSON.stringify(v) ?? String(v);
  } catch {
    s = typeof v === "bigint" ? `${v}n` : Object.prototype.toString.call(v);
  }
  return s.length > MAX_SHOWN ? `${s.slice(0, MAX_SHOWN)}…` : s;
};

export function registerActionNode(RED: NodeAPI, home: HomeNode): void {
  const type = `3cx-${home}`;
  const offers = offersOf(home);
  const byName = new Map<string, Offer>(offers.map((o) => [o.name, o]));
  const names = offers.map((o) => o.name).join(", ");

  function ActionNode(this: Node, config: ActionNodeDef): void {
    RED.nodes.createNode(this, config);
    const node = this;
    const status = new StatusTracker(node, RED._, type);
    const pending = new Set<Pending>();
    const order = new InOrder();
    let closing = false;
    // One signal for every request of this node: close aborts them all (none is aborted alone).
    const closer = new AbortController();
    setMaxListeners(0, closer.signal); // one listener per request in flight or queued

    // --- per deploy: config node, method, fields ------------------------------------------
    const serverId = typeof config.server === "string" ? config.server : "";
    // A config node whose settings are unusable throws at construction and is then not found here.
    const server = serverId === "" ? null : (RED.nodes.getNode(serverId) as ThreeCxConfigNode | null);
    const client = server?.client;
    const nodeMethod = typeof config.method === "string" ? config.method : "";
    const fixedOffer = nodeMethod === "" ? undefined : byName.get(nodeMethod);
    let setupError: Error | undefined;
    const serverProblem = client ? undefined : configProblem(serverId);
    if (!client) {
      setupError = new ActionError("BAD_CONFIG", serverId === ""
        ? `${type}: no 3CX PBX selected: choose one in the node's PBX field`
        : serverProblem ? `${type}: ${serverProblem.message}`
          : `${type}: the selected 3CX PBX configuration is not deployed or did not start (see its error in the log)`);
    } else if (nodeMethod !== "" && !fixedOffer) {
      setupError = new ParamError("method", `${type}: method "${shown(nodeMethod)}" is not one of this node's methods (${names})`);
    }
    if (setupError) {
      if (serverProblem) node.status({ fill: "red", shape: "ring", text: serverProblem.status });
      else status.problem(client ? "status.badMethod" : "status.noServer");
      node.error(setupError.message);
    }

    const fields = new Map<string, PreparedField>();
    for (const p of fieldsOf(home)) {
      const t = config[typeProp(p.name)];
      fields.set(p.name, prepareField(RED, node, config[fieldProp(p.name)], typeof t === "string" && t !== "" ? t : defaultType(p)));
    }

    // --- per message --------------------------------------------------------------------------
    function chooseOffer(msg: NodeMessage): Offer {
      const msgMethod = msg.method;
      if (fixedOffer) {
        if (msgMethod !== undefined && msgMethod !== "" && msgMethod !== fixedOffer.name) {
          node.warn(RED._(`${type}.warn.methodIgnored`, { msgMethod: shown(msgMethod), method: fixedOffer.name }));
        }
        return fixedOffer;
      }
      if (typeof msgMethod !== "string" || msgMethod === "") {
        throw new ParamError("method", `${type}: no method: choose one in the node or set msg.method to one of ${names}`);
      }
      const offer = byName.get(msgMethod);
      if (!offer) throw new ParamError("method", `${type}: msg.method "${shown(msgMethod)}" is not one of this node's methods (${names})`);
      return offer;
    }

    /**
     * Per offer, prepared on first use: its parameters' non-blank fields. When none is read per
     * message (msg/flow/global/JSONata), the values are one object for every message.
     */
    interface FieldPlan {
      readonly fields: ReadonlyArray<readonly [string, PreparedField]>;
      readonly constant?: Readonly<Record<string, unknown>>;
    }
    const plans = new Map<Offer, FieldPlan>();

    function planOf(offer: Offer): FieldPlan {
      let plan = plans.get(offer);
      if (!plan) {
        const used: Array<readonly [string, PreparedField]> = [];
        for (const p of offer.view.params) {
          const f = fields.get(p.name);
          if (f && f.kind !== "blank") used.push([p.name, f]);
        }
        const fixed = used.every(([, f]) => f.kind === "constant");
        const constant = fixed ? Object.fromEntries(used.map(([name, f]) => [name, f.kind === "constant" ? f.value : undefined])) : undefined;
        plans.set(offer, (plan = { fields: used, constant }));
      }
      return plan;
    }

    async function fieldValues(offer: Offer, plan: FieldPlan, msg: NodeMessage): Promise<Record<string, unknown>> {
      const values: Record<string, unknown> = {};
      for (const [name, f] of plan.fields) {
        if (f.kind === "broken") throw new ParamError(name, `${offer.name}: ${name} ${f.problem}`);
        if (f.kind === "constant") values[name] = f.value;
        else if (f.kind === "dynamic") {
          try {
            values[name] = await f.read(msg);
          } catch (err) {
            throw new ParamError(name, `${offer.name}: ${name} could not be read (${err instanceof Error ? err.message : String(err)})`);
          }
        }
      }
      return values;
    }

    /** Ends p once the messages before it have ended; `output` sends its msg (not while closing). */
    function finish(p: Pending, err?: Error, output?: () => void): void {
      if (p.finished) return;
      p.finished = true;
      pending.delete(p);
      order.settle(p.ticket, () => {
        if (!closing) output?.();
        if (err) p.done(err);
        else p.done();
      });
    }

    async function handle(msg: NodeMessageInFlow, send: (m: NodeMessage) => void, p: Pending): Promise<void> {
      let sent = false;
      let offer: Offer | undefined;
      let viewParams: Record<string, string> | undefined;
      try {
        if (setupError) throw setupError;
        offer = chooseOffer(msg);
        const plan = planOf(offer);
        const values = plan.constant ?? (await fieldValues(offer, plan, msg));
        try {
          viewParams = resolveParams(offer.view, values, msg.payload);
        } catch (err) {
          throw err instanceof ParamError ? new ParamError(err.field, `${offer.name}: ${err.message}`) : err;
        }
        if (p.finished || !client) return; // closed while fields were read
        const refused = client.refuses?.(offer.target); // no equivalent on this api: before any request
        if (refused) throw refused;
        const directory = server?.directory;
        status.begin();
        sent = true;
        if (directory && offer.target.kind === "write") {
          const unknown = await checkNumbers(offer.target, toTargetParams(offer, viewParams), directory);
          if (unknown) throw unknown;
          if (p.finished) return;
        }
        const result = await callOffer(client, offer, viewParams, closer.signal);
        if (p.finished) return;
        if (directory) noteWrite(offer.target, result.params, directory);
        status.succeed(result.data);
        msg.payload = result.data;
        msg.threecx = {
          method: offer.target.name,
          ...(offer.operation ? { operation: offer.name } : {}),
          params: result.params,
          durationMs: result.durationMs,
          ...(result.chid === undefined ? {} : { chid: result.chid }),
          api: client.api, // which interface answered (SPEC §4)
        };
        finish(p, undefined, () => send(msg));
      } catch (err) {
        if (p.finished) return;
        const error = err instanceof Error ? err : new Error(String(err));
        status.fail(errorCode(error), sent);
        // Catch sees a copy of msg, not the error's own fields: the PBX's answer goes on msg.threecx.
        if (offer && viewParams && error instanceof WebApiError && "answer" in error) {
          msg.threecx = {
            method: error.method, // the look-up's read, when that is what failed
            ...(offer.operation ? { operation: offer.name } : {}),
            params: toTargetParams(offer, viewParams),
            answer: error.answer,
          };
        }
        finish(p, error);
      }
    }

    node.on("input", (msg: NodeMessageInFlow, send: (m: NodeMessage) => void, done: (err?: Error) => void) => {
      const p: Pending = { done, ticket: order.ticket(), finished: false };
      pending.add(p);
      void handle(msg, send, p);
    });

    node.on("close", (_removed: boolean, closeDone: () => void) => {
      closing = true; // answers held back for order are dropped like the ones still in flight
      closer.abort();
      for (const p of [...pending]) finish(p); // the flow is stopping: the message ends here, not as an error
      status.close();
      closeDone();
    });
  }

  RED.nodes.registerType(type, ActionNode);
}
